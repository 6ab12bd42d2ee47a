# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 300

.PHONY: install check-port run test test-postgres lint migrate seed worker beat web bench clean

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

# Whether the web server's address is free, said at once: before anything is installed, seeded or started, rather
# than by runserver after the workers started. SO_REUSEADDR as runserver binds, so a port in TIME_WAIT still counts
# as free; an IPv6 address is written in brackets, as runserver takes it (HOST=[::1]).
define RUN_ADDRESS_CHECK
import socket, sys
host, port = sys.argv[1], sys.argv[2]
try:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host.strip("[]"), int(port)))
except (OSError, ValueError) as error:
    sys.exit(
        f"make run: cannot serve at {host}:{port} ({error}).\n"
        f"  Is another `make run` or server using port {port}? Stop it, or choose another port: make run PORT=8001"
    )
endef
export RUN_ADDRESS_CHECK

check-port:
	@$(PYTHON) -c "$$RUN_ADDRESS_CHECK" '$(HOST)' '$(PORT)'

# How long the workers and beat have to stop once asked (TERM) before they are killed (KILL). The watchdog that kills
# them traps TERM itself (the shell ignores TERM by then, and a subshell would too): once they have stopped it ends,
# its sleep with it, rather than outliving the run and killing whatever has their process ids next.
RUN_STOP_SECONDS ?= 10

# Web server, Celery worker and beat on the embedded defaults (or whatever the environment configures).
# Ctrl-C stops all three: the terminal signals each of them, and the shell waits for them to finish. When the web
# server stops by itself (it could not start: the port taken since check-port looked, a configuration error), the
# shell says so, asks the workers and beat to stop, kills whichever is still running RUN_STOP_SECONDS later, and
# exits with the web server's status. It signals them by their process ids, not `kill 0`: that signalled make and
# whatever had started make too (a script, a test) when they shared its process group. When make alone is
# terminated (TERM to its process, not to its group: an editor's stop button may do that), the shell acts only once
# the web server has stopped, which nothing then asks it to: stop the group instead (Ctrl-C, or kill -- -PGID).
run: check-port seed
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
	others=""; interrupted=""; \
	stop_others() { \
		kill $$others 2>/dev/null; \
		( trap 'kill $$nap; exit' TERM; sleep $(RUN_STOP_SECONDS) & nap=$$!; wait $$nap; kill -KILL $$others ) >/dev/null 2>&1 & \
		watchdog=$$!; \
		wait $$others; kill $$watchdog 2>/dev/null; \
	}; \
	trap 'interrupted=1' INT; \
	trap 'trap "" INT TERM; stop_others; exit 143' TERM; \
	$(VENV)/bin/celery -A cop_platform worker --loglevel=INFO --concurrency=1 -Q email -n email@%h & others="$$others $$!"; \
	$(VENV)/bin/celery -A cop_platform worker --loglevel=INFO --concurrency=2 -Q celery,digests,reports -n worker@%h & others="$$others $$!"; \
	$(VENV)/bin/celery -A cop_platform beat --loglevel=INFO & others="$$others $$!"; \
	$(PY) manage.py runserver $(HOST):$(PORT); web=$$?; \
	trap "" INT TERM; \
	if [ -n "$$interrupted" ]; then wait $$others; exit 0; fi; \
	echo "" >&2; \
	echo "make run: the web server stopped (exit status $$web), so the Celery workers and beat are stopped too." >&2; \
	stop_others; \
	exit $$web

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
