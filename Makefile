# Each target installs what it needs into ./.venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[distributed,dev,bench]'
	touch $(STAMP)

.PHONY: install serve test lint bench
install: $(STAMP)

serve: $(STAMP)
	$(BIN)/spice serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.event_store
	$(BIN)/python -m bench.http_end_to_end
	$(BIN)/python -m bench.validation
	$(BIN)/python -m bench.read_side
