# Each target sets up what it needs: a fresh machine with Python 3.11+ is enough.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := build/demo.db
DEMO_AS_OF := 2024-06-20

.PHONY: demo test test-all test-lowest lint format bench docs picture clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-app

## demo: load the bundled demo events into a fresh database of its own; show status and the weekly report
demo: $(VENV)/.installed-app
	@mkdir -p build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/signals --db $(DEMO_DB) import data/demo/events.csv
	$(BIN)/signals --db $(DEMO_DB) status --as-of $(DEMO_AS_OF)
	$(BIN)/signals --db $(DEMO_DB) report --as-of $(DEMO_AS_OF)
	$(BIN)/signals --db $(DEMO_DB) report --as-of $(DEMO_AS_OF) --output build/demo-brief.html

## test: the quick suite to run after every change: no real processes or browser, properties at a tenth of their strength
test: $(VENV)/.installed-dev
	SIGNALS_TEST_STRENGTH=quick $(BIN)/pytest -q -n auto --dist worksteal -m "not slow"

## test-all: the whole suite at full strength, as CI runs it: every property, real processes, the browser
test-all: $(VENV)/.installed-dev
	$(BIN)/pytest -q -n auto --dist worksteal

## test-lowest: the smoke tests through the CLI against the oldest dependencies pyproject.toml allows (.ci/lowest.txt)
LOWEST := .venv-lowest
SMOKE := tests/test_command_line.py tests/test_cli_errors.py tests/test_brief.py
test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/pytest -q -p no:cacheprovider -m "not slow" $(SMOKE)

$(LOWEST)/.installed: pyproject.toml .ci/lowest.txt
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/pip install --quiet -c .ci/lowest.txt -e . pytest hypothesis
	$(LOWEST)/bin/pip check
	touch $@

## lint: ruff (check and format) and mypy (strict on the core)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check signals tests benchmarks
	$(BIN)/ruff format --check signals tests benchmarks
	$(BIN)/mypy

## bench: import, score and start-up timings against baselines measured in the same run
bench: $(VENV)/.installed-app
	@command -v sqlite3 >/dev/null || (apt-get update -qq && apt-get install -y -qq sqlite3)
	$(BIN)/python benchmarks/run.py --rows $${ROWS:-1000000}

## picture: the README's picture of the demo brief, taken by headless Chromium at A4 width
picture: demo $(VENV)/.installed-dev
	$(BIN)/python -m tests.browser build/demo-brief.html docs/brief.png 1123

## docs: regenerate the command reference (docs/reference.md) from the command line's own help
docs: $(VENV)/.installed-app
	$(BIN)/python -m signals.cli.reference docs/reference.md

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix signals tests benchmarks
	$(BIN)/ruff format signals tests benchmarks

clean:
	rm -rf $(VENV) $(LOWEST) build .pytest_cache .mypy_cache .ruff_cache
