# Two commands: `make run` and `make test`. Everything else is here for developers.
PYTHON ?= python3
# `make run PORT=8101 HOST=0.0.0.0`: where the development server listens; the demo logins and
# the links in emails name that address (unless SITE_URL is set).
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_URL = $${SITE_URL:-http://$(HOST):$(PORT)}
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages compile-messages migrate demo worker beat bench check-deploy check-upgrade clean

# The PDFs (WeasyPrint) need Pango and the Noto CJK fonts from the system: installed here where
# apt-get can (as root), otherwise named so that someone can.
PDF_DEBS := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0

$(STAMP): requirements.txt requirements-dev.txt
	@if ! dpkg -s $(PDF_DEBS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_DEBS); \
	  else echo "PDFs need the system packages: apt-get install $(PDF_DEBS)"; fi; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Compiles locale/*/LC_MESSAGES/*.po to .mo with Babel, so no GNU gettext is needed.
compile-messages: $(STAMP)
	$(PY) scripts/compile_messages.py

migrate: compile-messages
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo

run: demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py sync_schedules
	@DEBUG=$${DEBUG:-true} SITE_URL=$(RUN_URL) $(PY) manage.py demo_logins
	DEBUG=$${DEBUG:-true} SITE_URL=$(RUN_URL) $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint compile-messages
	$(BIN)/pytest $(PYTEST_ARGS)

# Re-extracts translatable strings (needs GNU gettext's xgettext; developers only). English is
# the source language; every app's strings go into the one catalogue in locale/ (words with two
# meanings carry a pgettext context), and strings gone from the sources are dropped.
messages: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete \
		-i .venv -i var -i staticfiles -i bench

worker: compile-messages
	$(BIN)/celery -A config worker --loglevel=info

beat: compile-messages
	$(PY) manage.py sync_schedules
	$(BIN)/celery -A config beat --loglevel=info

bench: compile-messages
	$(PY) -m bench

# The production settings behind the one nginx of the README (PROXY_COUNT=1 unless given).
check-deploy: $(STAMP)
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-check-deploy-$$RANDOM-a-long-random-secret-key-for-checking-only-0123456789} \
	ALLOWED_HOSTS=example.org PROXY_COUNT=$${PROXY_COUNT:-1} \
	$(PY) manage.py check --deploy --fail-level WARNING

# Migrates a throwaway PostgreSQL database made (with demo data) by the BASE commit in
# scripts/check_upgrade.py to this checkout and fails if a table lost rows. Needs PostgreSQL at
# DATABASE_URL's server (default 127.0.0.1:5432) and the full git history.
check-upgrade: $(STAMP)
	$(PY) scripts/check_upgrade.py

clean:
	rm -rf $(VENV) staticfiles var/db.sqlite3
