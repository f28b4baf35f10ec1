# JKN Lite — the two commands: `make run` and `make test`.
# Needs only Python 3.11+ and make; npm is optional (htmx is an enhancement).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask
PORT   ?= 8000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi:app
export APP_ENV ?= development
export TEST_DATABASE_URL

.PHONY: run test bench fuzz load fault setup setup-dev translations messages htmx db clean

# The web server and one task worker (reminders, SMS, daily jobs); Ctrl-C stops both.
run: setup db
	PORT=$(PORT) $(PY) scripts/run.py

test: setup-dev
	$(PY) -m pytest -q -p no:cacheprovider --db=sqlite
	@if $(PY) -m tests.pg_reachable; then \
		$(PY) -m pytest -q -p no:cacheprovider --db=postgresql; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL) and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): skipped the PostgreSQL run"; \
	fi

# In-process server time of every page, where a request's fixed cost goes, then req/s over HTTP
# beside a bare Flask hello-world.
BENCH_ARGS ?=
bench: setup-dev
	$(PY) scripts/bench_pages.py --requests 30
	$(PY) scripts/bench_request.py
	$(PY) scripts/bench_http.py $(BENCH_ARGS)

# The form fuzzer's long mode (≥ 10,000 hostile submissions, every role); prints its counts.
fuzz: setup-dev
	FUZZ=long $(PY) -m pytest -q -p no:cacheprovider --db=sqlite tests/test_fuzz.py
# The 10th-of-the-month peak with locust (PostgreSQL at 127.0.0.1:5432, Redis): LOAD_ARGS=--duration 120
LOAD_ARGS ?=
load: setup-dev
	$(PY) scripts/load_test.py $(LOAD_ARGS)

# Payments and queue numbers through SIGKILLed workers and a PostgreSQL restart (a throwaway cluster).
fault: setup-dev
	$(PY) scripts/fault_test.py

setup: $(VENV)/.installed htmx translations

setup-dev: setup $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# htmx from the npm registry, pinned by package-lock.json; skipped (with a note) when npm is missing.
htmx:
	@if command -v npm >/dev/null 2>&1; then \
		[ -f node_modules/htmx.org/dist/htmx.min.js ] || npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: serving without htmx (every page works without it)"; fi

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d app/translations

# Migrations, reference regions and demo data (the last two only when their tables are empty).
db: setup
	$(FLASK) migrate
	$(FLASK) import regions --if-empty
	$(FLASK) seed --demo --if-empty
	$(FLASK) ledger rebuild --missing

clean:
	rm -rf $(VENV) node_modules

# After changing texts: extract them and update the English catalogue, then translate what is new.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output --omit-header .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations -l en
