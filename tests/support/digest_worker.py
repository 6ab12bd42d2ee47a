"""A real Celery worker for the digests queue, sending to the SMTP server in EMAIL_URL: the digest worker-kill
test SIGKILLs it while an email is with that server. Run as a script by tests/digests/test_worker_kill.py with
DATABASE_URL, REDIS_URL and EMAIL_URL of the test run in its environment."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")

import django  # noqa: E402

django.setup()

from cop_platform.celery import app  # noqa: E402

app.worker_main(["worker", "-Q", "digests", "--pool", "solo", "--loglevel", "WARNING", "--without-heartbeat",
                 "--without-mingle", "--without-gossip"])  # fmt: skip
