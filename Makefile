# Retention Desk. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Commands that only read code (translations) still load settings, which need URLs set.
NOSERVERS := DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused:6379/0

.DEFAULT_GOAL := help
.PHONY: help run dev test lint format check bench loadtest diagrams messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(STAMP) ## Start the whole stack with demo data, served as in production (gunicorn, DEBUG off)
	$(PY) scripts/stack.py run

dev: $(STAMP) ## The same stack with Django's auto-reloading development server and DEBUG on
	$(PY) scripts/stack.py dev

test: $(STAMP) ## Run the whole test suite against real PostgreSQL and Redis
	$(PY) scripts/stack.py test $(ARGS)

lint: $(STAMP) ## ruff, the import rules between apps (import-linter) and no import cycle
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_import_cycles.py

format: $(STAMP) ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## Benchmarks at scale (seeding rate, ...); writes docs/bench-report.txt
	$(PY) scripts/stack.py bench $(ARGS)

loadtest: $(STAMP) ## Simulated agents against `make run`'s stack; writes docs/loadtest-report.txt
	$(PY) scripts/loadtest.py $(ARGS)

messages: $(STAMP) ## Extract and compile translations (needs gettext; no servers needed)
	$(NOSERVERS) $(PY) manage.py makemessages -l ko -l en --no-obsolete --ignore=.venv --ignore=.data --ignore=staticfiles
	$(NOSERVERS) $(PY) manage.py compilemessages --ignore=.venv

clean: ## Remove the virtualenv, embedded data and collected static files
	rm -rf $(VENV) .data staticfiles test-artifacts

diagrams: $(STAMP) ## Render the state machines to docs/*.svg (needs Graphviz's dot)
	DJANGO_SETTINGS_MODULE=config.settings.test $(NOSERVERS) $(PY) manage.py graph_transitions -o docs/cancellation.svg cancellations.CancellationRequest
	DJANGO_SETTINGS_MODULE=config.settings.test $(NOSERVERS) $(PY) manage.py graph_transitions -o docs/claims.svg claims.Claim
	@rm -f docs/cancellation docs/claims
