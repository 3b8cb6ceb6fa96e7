# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Python 3.12+: pyenv's 3.12.1 via .python-version where pyenv exists, else python3.12/3.13 on PATH.
PYTHON ?= $(shell for p in python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run serve migrate demo test lint format check-migrations clean help

help:
	@echo "make run    install, migrate, load the roadmap and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install, lint, and run the whole test suite"
	@echo "make setup  create $(VENV) and install the pinned dependencies (idempotent)"
	@echo "make lint   ruff check and format check, import contracts, mypy"
	@echo "make format apply ruff's formatting and safe fixes"

# The stamp is rebuilt only when the dependencies change, so `make setup` is idempotent and quick.
# uv installs the pinned set (a third of pip's time on a fresh clone: parallel downloads),
# with the bytecode compiled, as pip does.
$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 on PATH, or pyenv)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c requirements/constraints.txt uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode \
		-c requirements/constraints.txt -e ".[dev]"
	@touch $@

setup: $(VENV)/.installed

migrate: setup translations
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_roadmap
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

run: demo serve

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: setup
	$(PY) manage.py makemigrations --check --dry-run

# In parallel, one process per core up to four, a test file per process at a time (see
# roadmap_portal/settings/test.py for what each process gets of its own), handed out in
# the order tests/conftest.py gives them: the long browser journeys first.
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4 --dist=loadfile --no-loadscope-reorder
# PYTEST_EXTRA: more options on top (CI lists the slowest tests: --durations=25).
PYTEST_EXTRA ?=

test: setup lint translations
	$(PY) -m pytest $(PYTEST_ARGS) $(PYTEST_EXTRA)

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache .ruff_cache .mypy_cache

# --- Benchmarks (issue 8; bench/README.md). Not part of `make test` nor CI. They need a
# scratch PostgreSQL database in DATABASE_URL, and wrk for the throughput benchmark.
BENCH_ORGS ?= 10000
BENCH_LABEL ?= $(BENCH_ORGS)

.PHONY: bench-seed bench

bench-seed: setup
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a scratch PostgreSQL database (see bench/README.md)."; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_roadmap
	$(PY) manage.py seed_synthetic --orgs $(BENCH_ORGS) --seed 1 --clear

bench: setup
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a scratch PostgreSQL database (see bench/README.md)."; exit 1; }
	$(PY) -m bench.compile --label $(BENCH_LABEL)
	$(PY) -m bench.queries_per_page --label $(BENCH_LABEL)
	$(PY) -m bench.throughput --label $(BENCH_LABEL)
	$(PY) -m bench.exports --label $(BENCH_LABEL)
	@# Queries per page at this size beside 100 organisations', when a run at 100 is on record.
	@if [ "$(BENCH_LABEL)" != 100 ] && [ -f bench/results/queries-100.json ]; then \
		$(PY) -m bench.compare_queries bench/results/queries-100.json \
			bench/results/queries-$(BENCH_LABEL).json; fi

# --- Translations (issue 7). The .po files are ours and committed; the .mo files are built.
MESSAGE_FLAGS := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=static \
	--ignore=build --add-location=file --no-obsolete
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
.PHONY: messages translations
# Gather new UI strings into the catalogues (then translate them: tests/test_translations.py
# fails while any is untranslated).
messages: setup
	$(PY) manage.py makemessages -l fr -l de -l es -l pl $(MESSAGE_FLAGS)

# Compile the catalogues that changed (gettext's msgfmt, as Django's compilemessages does).
translations: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install gettext (apt-get install gettext)."; exit 1; }
	msgfmt --check -o $@ $<

# --- Fault drills (issue 6; bench/README.md, "Fault drills"). Not part of `make test` nor CI.
# Each runs on loopback with its own processes (private Redis and PostgreSQL on other ports,
# scratch databases drills_* on the shared server), prints its figures, writes
# bench/results/drill-<name>.json and fails on any error beyond what it allows or any lost
# write. drill-load makes var/drills-venv (locust) on first use. `make -k drills` runs all four.
.PHONY: drill-load drill-redis drill-worker drill-postgres drills

# DRILL_LOAD_OPTIONS: the load drill's options; issue 18's wider run is
# `make drill-load DRILL_LOAD_OPTIONS="--users 200 --spawn-rate 50 --organisations 120"`.
DRILL_LOAD_OPTIONS ?=
drill-load: setup
	$(PY) -m bench.drills.load $(DRILL_LOAD_OPTIONS)

drill-redis: setup
	$(PY) -m bench.drills.redis_stopped

drill-worker: setup
	$(PY) -m bench.drills.worker_killed

drill-postgres: setup
	$(PY) -m bench.drills.postgres_restart

drills: drill-load drill-redis drill-worker drill-postgres
