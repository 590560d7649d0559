# csm-tui: every target sets up its own virtual environment first (only Python 3.11+ is needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench bench-sync i18n clean

$(STAMP): pyproject.toml constraints-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "csm-tui needs Python 3.11 or newer ($(PYTHON) is older); try: make PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints-dev.txt -e '.[dev]'
	@touch $(STAMP)

## Open the app on the demo book of business (built on first run).
demo: $(STAMP)
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

## Benchmarks on a 5,000-account / 200,000-activity book.
bench: $(STAMP)
	$(BIN)/python bench/run.py

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
