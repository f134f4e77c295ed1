# IMR Determinations Explorer: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The PostgreSQL server the second test pass uses (pytest-django creates test_imr in it);
# when none answers there, `tests/postgres_pass.py` starts a throwaway one for the run.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/imr

.PHONY: run dev prepare test test-sqlite test-postgres chromium lint format bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The sample database: migrated, static files collected, the sample corpus ingested (once).
prepare: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py ingest sample_corpus/seeds sample_corpus/dwc-2017/*.pdf

# The site as it runs in production (gunicorn, DEBUG off, static files through whitenoise,
# the site's own 404 and 500 pages), on loopback over plain HTTP.
run: prepare
	DJANGO_SETTINGS_MODULE=imrsite.settings.base HOST=127.0.0.1 PORT=$(PORT) \
		$(BIN)/python -m gunicorn imrsite.wsgi:application

# For changing the code: Django's development server, reloading on every change, with
# DEBUG on (tracebacks and Django's debug 404 page).
dev: prepare
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: test-sqlite test-postgres

# Debian's Chromium for the browser tests: found, installed (root with apt-get), or the
# command to install it is printed.
chromium: install
	$(BIN)/python -m tests.chromium

test-sqlite: install chromium
	env -u DATABASE_URL $(BIN)/python -m pytest

# On the server at TEST_DATABASE_URL, or on a throwaway one when none answers there.
test-postgres: install chromium
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m tests.postgres_pass

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
