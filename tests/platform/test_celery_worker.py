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


def test_email_waits_in_the_outbox_when_the_broker_refuses_it_and_goes_out_when_it_is_back(mailoutbox, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from cop_platform import tasks
    from cop_platform.mail import outbox_sweep
    from cop_platform.models import OutboxEmail

    real_delay = tasks.send_email_task.delay

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email_task, "delay", broker_down)
    queue_email(EmailMessage("Reset", "Link inside.", "noreply@example.org", ["b@example.org"]))
    entry = OutboxEmail.objects.get()
    assert mail.outbox == [] and entry.sent_at is None and entry.queued_at is None

    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep() == 0  # still down: nothing lost, nothing sent
    monkeypatch.setattr(tasks.send_email_task, "delay", real_delay)
    assert outbox_sweep() == 1  # back: the sweeper hands it over (eager here) and it goes out once
    assert [m.subject for m in mail.outbox] == ["Reset"]
    assert outbox_sweep() == 0
    assert OutboxEmail.objects.get().sent_at is not None


def test_a_worker_finishes_an_account_deletion_asked_for_in_a_request(real_stack, real_worker, client):
    """The request closes the account; a real worker, through Redis, removes its details. On PostgreSQL only:
    the deletion writes many tables from the worker's thread, which SQLite's shared in-memory test database
    can refuse as locked."""
    from django.urls import reverse

    from members.models import User
    from tests.factories import PASSWORD, MemberFactory

    member = MemberFactory(full_name="Hnin Wai")
    client.force_login(member)
    response = client.post(
        reverse("members:privacy"), {"action": "delete", "password": PASSWORD, "confirmation": "DELETE"}
    )

    assert response.status_code == 302 and not User.objects.get(pk=member.pk).is_active
    assert _wait_for(lambda: User.objects.get(pk=member.pk).email.endswith("@invalid.example")), (
        "the worker never deleted the account"
    )
    assert User.objects.get(pk=member.pk).full_name == "Former member"
