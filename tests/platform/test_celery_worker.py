"""A real Celery worker, on whatever broker the settings configure (filesystem by default, Redis on CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import EmailMessage

from cop_platform.celery import app as celery_app
from cop_platform.mail import queue_email

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # leftovers from a developer's `make run` are not this test's business
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def _wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_delivers_email_queued_by_a_request(real_worker, mailoutbox):
    queue_email(EmailMessage("Welcome", "Your account is ready.", "noreply@example.org", ["a@example.org"]))
    assert _wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the email"
    assert mail.outbox[0].subject == "Welcome"
    assert mail.outbox[0].to == ["a@example.org"]


def test_email_is_sent_in_the_request_when_the_broker_refuses_it(mailoutbox, monkeypatch):
    from kombu.exceptions import OperationalError

    from cop_platform import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email_task, "delay", broker_down)
    queue_email(EmailMessage("Reset", "Link inside.", "noreply@example.org", ["b@example.org"]))
    assert [m.subject for m in mail.outbox] == ["Reset"]
