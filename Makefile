# Two commands set everything up from a fresh clone:
#   make run    serve the demo on SQLite at http://127.0.0.1:8000
#   make test   the whole test suite (lint, SQLite and PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV_ENV := GIAMNGHEO_ENV=development

.PHONY: run test lint install clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(DEV_ENV) $(BIN)/giamngheo demo
	$(DEV_ENV) $(BIN)/giamngheo serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest -n 2 -q

clean:
	rm -rf $(VENV) var .pytest_cache
