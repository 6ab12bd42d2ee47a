# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 300

.PHONY: install run test test-postgres lint migrate seed worker beat web bench clean

install: $(VENV)/.installed

# Reinstall only when the dependency list or the pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

# Links in emails lead to where `make run` serves (HOST, PORT), unless SITE_URL says otherwise.
RUN_SITE_URL = $${SITE_URL:-http://$(HOST):$(PORT)}

seed: migrate
	SITE_URL="$(RUN_SITE_URL)" $(PY) manage.py seed_demo --if-empty --members $(DEMO_MEMBERS)

# Web server, Celery worker and beat on the embedded defaults (or whatever the environment configures).
# Ctrl-C stops all three: the terminal signals each of them, and the shell waits for them to finish. When the
# web server stops by itself, or make is terminated, the shell stops the others. Each trap first turns the traps
# off: `kill 0` signals the shell too, and a trap that ran again on it looped until the shell crashed, leaving a
# worker running.
run: seed
	@echo ""
	@echo "  The platform is starting at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: $${DEMO_PASSWORD:-cop-demo-2026}):"
	@echo "    coordinator@example.org  (coordinator: /admin/)"
	@echo "    viewer@example.org       (report viewer)"
	@echo "    leader@example.org       (community leader)"
	@echo "    expert@example.org       (expert)"
	@echo "    member@example.org       (member)"
	@echo "  Emails land in var/mail/. Press Ctrl-C to stop."
	@echo ""
	@export SITE_URL="$(RUN_SITE_URL)"; \
	trap 'trap "" INT TERM; trap - EXIT; wait' INT; \
	trap 'trap "" INT TERM; trap - EXIT; kill 0; wait' TERM EXIT; \
	$(VENV)/bin/celery -A cop_platform worker --loglevel=INFO --concurrency=1 -Q email -n email@%h & \
	$(VENV)/bin/celery -A cop_platform worker --loglevel=INFO --concurrency=2 -Q celery,digests,reports -n worker@%h & \
	$(VENV)/bin/celery -A cop_platform beat --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: SQLite and the filesystem broker by default; PostgreSQL and Redis when
# DATABASE_URL and REDIS_URL are set.
test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cop} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(MAKE) test

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
