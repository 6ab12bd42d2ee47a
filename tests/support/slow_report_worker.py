"""A real Celery worker for the reports queue whose renders hang: the worker-kill test SIGKILLs it mid-render.
Run as a script by tests/indicators/test_worker_kill.py with DATABASE_URL, REDIS_URL and MEDIA_ROOT of the
test run in its environment."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")

import django  # noqa: E402

django.setup()

from indicators import services  # noqa: E402


def hanging_render(month):
    Path(os.environ["RENDER_STARTED_FLAG"]).write_text("started")
    time.sleep(120)  # killed long before this ends
    raise RuntimeError("not reached")


services.render_report = hanging_render

from cop_platform.celery import app  # noqa: E402

app.worker_main(["worker", "-Q", "reports", "--pool", "solo", "--loglevel", "WARNING", "--without-heartbeat",
                 "--without-mingle", "--without-gossip"])  # fmt: skip
