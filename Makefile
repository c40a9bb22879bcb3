# essor — developer commands. `make demo` runs the platform with demo data on SQLite,
# `make test` runs the test suite, `make check` is the full quality gate used by CI.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/essor
PYTEST_ARGS ?=

.PHONY: help install demo serve test test-sqlite test-pg lint format typecheck migrations-check check messages clean

help:
	@echo "make demo   - run the platform with demo data on the embedded SQLite database"
	@echo "make test   - run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make check  - format, lint, types, migrations, tests on SQLite and PostgreSQL"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(BIN)/essor: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

install: $(BIN)/essor

demo: install
	$(BIN)/essor demo

serve: install
	$(BIN)/essor serve

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy essor config

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd essor && ../$(BIN)/django-admin makemessages -l fr -l en --no-obsolete --no-location \
		--ignore 'templates/admin/*' && ../$(BIN)/django-admin compilemessages

check: lint typecheck migrations-check test-sqlite test-pg

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache
