# binhdan — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE = binhdan.settings

.PHONY: install run test lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
	$(BIN)/binhdan compilecatalogs

run: install
	$(BIN)/binhdan migrate --noinput
	$(BIN)/binhdan bootstrap
	$(BIN)/binhdan runserver $(HOST):$(PORT) --noreload

lint: install
	$(BIN)/ruff check binhdan benchmarks

test: install lint
	$(BIN)/binhdan check
	$(BIN)/binhdan makemigrations --check --dry-run
	$(BIN)/pytest
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
	  echo "== PostgreSQL: $(TEST_DATABASE_URL)"; \
	  DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest; \
	fi

# Refresh the Vietnamese catalogs after changing UI strings (needs GNU gettext).
messages: install
	$(BIN)/binhdan makecatalogs

bench: install
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
