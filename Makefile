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

.PHONY: install serve test test-embedded test-explore lint bench
install: $(STAMP)

serve: $(STAMP)
	$(BIN)/spice serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The services of the distributed profile must be running (scripts/services start); the run
# stops at once, naming the missing ones, when they are not.
test: lint
	$(BIN)/pytest -q --cov=spice --cov-report=term:skip-covered

# A quick local run without the services: the tests that need them are skipped and counted.
test-embedded: lint
	SPICE_REQUIRE_SERVICES=0 $(BIN)/pytest -q

# Property tests with fresh examples and many more of them (the suite uses a fixed set).
test-explore: $(STAMP)
	SPICE_HYPOTHESIS_PROFILE=explore $(BIN)/pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python -m bench.event_store
	$(BIN)/python -m bench.http_end_to_end
	$(BIN)/python -m bench.validation
	$(BIN)/python -m bench.read_side
	$(BIN)/python -m bench.branches
	$(BIN)/python -m bench.inference
	$(BIN)/python -m bench.onboarding
