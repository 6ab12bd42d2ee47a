"""For the tests that kill a real worker process (the CI's second run: PostgreSQL and Redis shared between the
test process and the worker it starts)."""

import os
import time

from django.db import connection


def wait_for(condition, seconds=40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def worker_environment(**extra: str) -> dict:
    """The environment of a worker process that uses this test run's database and broker."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }
