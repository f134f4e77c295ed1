# IMR Determinations Explorer: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The PostgreSQL server the second test pass uses (pytest-django creates test_imr in it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/imr

.PHONY: run test test-sqlite test-postgres lint format bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py ingest sample_corpus/seeds sample_corpus/dwc-2017/*.pdf
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(BIN)/python -m pytest

test-postgres: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench.ingest_throughput

clean:
	rm -rf $(VENV) var staticfiles
