# The two commands are `make run` and `make test`; everything else is what they are made of.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run setup test lint bench serve messages schema system-packages clean backup

run: setup serve

# Idempotent and quick when nothing changed: each step is skipped by a stamp file unless its inputs changed.
setup: system-packages $(VENV)/.installed node_modules/.installed var/.i18n var/.seeded

system-packages:
	@bash .ci/system-packages.sh

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var/.i18n: $(wildcard locale/*/LC_MESSAGES/*.po) | $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	@touch $@

var/.seeded: $(VENV)/.installed node_modules/.installed var/.i18n
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_regions
	$(PY) manage.py load_routing --if-empty
	$(PY) manage.py load_workforce_rules
	$(PY) manage.py load_health_rules
	$(PY) manage.py load_subsidy_rules
	$(PY) manage.py seed_demo --scale district
	$(PY) manage.py seed_filings_demo
	$(PY) manage.py seed_bookings_demo
	$(PY) manage.py seed_feedback_demo
	$(PY) manage.py seed_inspections_demo
	$(PY) manage.py seed_grading_demo
	$(PY) manage.py seed_workforce_demo
	$(PY) manage.py seed_health_demo
	$(PY) manage.py seed_subsidies_demo
	@touch $@

serve:
	$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py seed_demo --scale district | sed -n '/Demo sign-ins/,$$p'
	@# Idempotent: a checkout seeded before complaints existed gets the routing table and demo cases too,
	@# one seeded before supervision and grading (issue 12) the demo plan, inspections and grades, and one
	@# seeded before the workforce (issue 13) its staff, courses and experts, and one seeded before child
	@# health (issue 14) its records, checks and alert, and one seeded before subsidies (issue 15) its
	@# finance officer, budgets and a proposed half year in every status.
	@$(PY) manage.py load_routing --if-empty
	@$(PY) manage.py load_workforce_rules
	@$(PY) manage.py load_health_rules
	@$(PY) manage.py load_subsidy_rules
	@$(PY) manage.py seed_feedback_demo
	@$(PY) manage.py seed_inspections_demo
	@$(PY) manage.py seed_grading_demo
	@$(PY) manage.py seed_workforce_demo
	@$(PY) manage.py seed_health_demo
	@$(PY) manage.py seed_subsidies_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with the message worker beside it  (Ctrl-C stops both)"
	@# SMS and email leave only through the worker, never inside a request; the trap stops it with runserver.
	$(PY) manage.py send_outbox --loop & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The suite runs on both cores (pytest-xdist): each worker has its own test database and browser.
TEST_WORKERS ?= 2

test: $(VENV)/.installed node_modules/.installed var/.i18n system-packages lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -q -n $(TEST_WORKERS)

# The committed API contract (tuoyu/core/tests/test_schema_contract.py compares against it).
schema: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py spectacular --file docs/api/openapi.yaml

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=e2e --ignore=bench --ignore=test-results

# A dated folder under BACKUP_DIR with the database, the uploaded files and a manifest; the keys are
# backed up separately. Restore: manage.py restore --from <folder> (docs/deploy.md, "Backups").
BACKUP_DIR ?= var/backups
backup:
	$(PY) manage.py backup --to $(BACKUP_DIR)

bench: setup
	$(PY) bench/run.py
	$(PY) bench/health_summary.py --no-collectstatic
	$(PY) bench/subsidies.py

clean:
	rm -rf var staticfiles
