# csm-tui: every target sets up its own virtual environment first (only Python 3.11+ is needed).
# `make demo` installs the app's own dependencies only; the other targets add the development
# ones (tests, linters, the server). Both use constraints-dev.txt: the exact Textual of the
# snapshot tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APP    := $(VENV)/.installed-app
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints-dev.txt

.PHONY: demo test lint bench bench-sync i18n clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "csm-tui needs Python 3.11 or newer ($(PYTHON) is older); try: make PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(APP): pyproject.toml constraints-dev.txt | $(VENV)/bin/python
	$(PIP) -e .
	@touch $(APP)

$(STAMP): pyproject.toml constraints-dev.txt | $(VENV)/bin/python
	$(PIP) -e '.[dev]'
	@touch $(STAMP) $(APP)

## Open the app on the demo book of business (built on first run).
demo: $(APP)
	$(BIN)/csm-tui demo

## Run the test suite.
test: $(STAMP)
	$(BIN)/pytest

## Lint, format check, types, and the layer contract.
lint: $(STAMP)
	$(BIN)/ruff check csm_tui tests bench scripts
	$(BIN)/ruff format --check csm_tui tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmarks on a 5,000-account / 200,000-activity book: one table of issue 17's figures, each
## with its reference measured in the same run (bench/run.py: the earlier start-up figures).
bench: $(STAMP)
	$(BIN)/python bench/issue17.py

## Sync benchmarks: first sync of that book from a loopback server, empty sync, push of 1,000;
## then typing in the app while it downloads that book.
bench-sync: $(STAMP)
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/sync_typing.py

## Refresh the message catalogs after adding strings.
i18n: $(STAMP)
	$(BIN)/python scripts/i18n.py extract
	$(BIN)/python scripts/i18n.py compile

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
