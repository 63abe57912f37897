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

.PHONY: install serve test test-embedded test-explore lint bench console console-lint console-test dist
install: $(STAMP)

# The web console (console/, React + TypeScript, built by Vite into
# src/spice/entrypoints/console_dist): built again when its sources, its packages or the
# API's Python sources changed. Needs Node.js 20.19+ (scripts/console installs it into
# .venv from PyPI when the machine has none).
CONSOLE_BUILT := src/spice/entrypoints/console_dist/index.html
CONSOLE_SOURCES := $(shell find console/src console/tools console/index.html console/package.json \
	console/package-lock.json console/vite.config.ts console/tsconfig.json -type f \
	-not -name schema.d.ts 2>/dev/null) $(shell find src/spice/entrypoints/api -name '*.py' 2>/dev/null)
$(CONSOLE_BUILT): $(STAMP) $(CONSOLE_SOURCES)
	scripts/console build

console: $(CONSOLE_BUILT)

serve: $(STAMP) $(CONSOLE_BUILT)
	$(BIN)/spice serve

# A wheel in dist/ with the console inside: `pip install dist/spice_harvester-*.whl`, then
# `spice serve` serves it at / (tests/e2e/test_wheel.py does exactly this).
dist: $(CONSOLE_BUILT)
	rm -rf dist
	$(BIN)/pip wheel -q --no-deps -w dist .

# The console's component tests (Vitest) and its end-to-end tests (Playwright driving
# Debian's chromium against a server of its own, see console/playwright.config.ts).
console-test: $(CONSOLE_BUILT)
	cd console && PATH="$$(../scripts/console env)" npm run --silent test
	cd console && PATH="$$(../scripts/console env)" npm run --silent e2e

# The console's ESLint (typescript-eslint with the API's types, the React hooks rules, no page
# importing another) and Prettier's check; `npm run format` in console/ applies Prettier.
console-lint: $(STAMP)
	scripts/console lint

lint: $(STAMP) console-lint
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Everything on a fresh machine: the Debian packages the suite needs (scripts/prerequisites),
# the virtualenv, the linters, the console, the services of the distributed profile on
# loopback (scripts/services start: installed when missing, left running), then the whole
# suite and the console's tests.
test:
	scripts/prerequisites
	$(MAKE) lint console
	scripts/services start
	$(BIN)/pytest -q --cov=spice --cov-report=term:skip-covered
	$(MAKE) console-test

# A quick local run without the services: the tests that need them are skipped and counted.
test-embedded: lint console
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
