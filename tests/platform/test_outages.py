"""Outages: Redis down (connection refused) or hung (accepts, never answers) — as cache and as broker — and
the database down. Pages and login keep answering, email waits in the outbox instead of being lost, and no
request hangs on the broker."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from cop_platform import tasks
from cop_platform.cache import ResilientRedisCache
from cop_platform.mail import outbox_send, outbox_sweep, queue_email
from cop_platform.models import OutboxEmail
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_server():
    """A TCP server that accepts connections and never answers: Redis stopped with SIGSTOP looks like this."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for connection in held:
        connection.close()


@pytest.fixture
def refused_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return port


@pytest.fixture(autouse=True)
def _cache_circuit_closed():
    ResilientRedisCache._down_until = 0.0
    yield
    ResilientRedisCache._down_until = 0.0


def redis_cache(port: int):
    return {
        "default": {
            "BACKEND": "cop_platform.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }


def test_a_hung_cache_costs_one_timeout_then_is_skipped(hung_server):
    with override_settings(CACHES=redis_cache(hung_server)):
        from django.core.cache import cache

        started = time.monotonic()
        assert cache.get("anything", "fallback") == "fallback"
        assert time.monotonic() - started < 3
        started = time.monotonic()
        for _ in range(20):
            cache.get("anything")
            cache.set("key", 1)
        assert time.monotonic() - started < 0.5  # backing off: Redis is not asked again for a while


@pytest.mark.parametrize("which", ["refused", "hung"])
def test_login_and_pages_answer_when_the_cache_is_down(which, refused_port, hung_server):
    port = refused_port if which == "refused" else hung_server
    member = MemberFactory()
    with override_settings(CACHES=redis_cache(port)):
        client = Client()
        started = time.monotonic()
        assert client.get(reverse("account_login")).status_code == 200
        response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert time.monotonic() - started < 10


def test_publishing_to_a_hung_broker_fails_fast(hung_server):
    app = Celery("probe", broker=f"redis://127.0.0.1:{hung_server}/0", set_as_current=False)
    app.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app.conf.broker_connection_timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    app.conf.task_publish_retry = settings.CELERY_TASK_PUBLISH_RETRY
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 (kombu/redis raise several kinds; any failure is the point)
        app.send_task("cop_platform.tasks.send_email_task", args=[1])
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("which", ["refused", "hung"])
def test_a_password_reset_answers_and_its_email_waits_in_the_outbox(which, refused_port, hung_server, monkeypatch):
    port = refused_port if which == "refused" else hung_server
    app = Celery("down", broker=f"redis://127.0.0.1:{port}/0", set_as_current=False)
    app.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app.conf.broker_connection_timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    app.conf.task_publish_retry = settings.CELERY_TASK_PUBLISH_RETRY
    monkeypatch.setattr(
        tasks.send_email_task, "delay", lambda pk: app.send_task("cop_platform.tasks.send_email_task", args=[pk])
    )
    member = MemberFactory()
    client = Client()
    started = time.monotonic()
    with transaction.atomic():  # on_commit runs at the end of this block, as at the end of a request
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert time.monotonic() - started < 15
    entry = OutboxEmail.objects.get()
    assert entry.payload["to"] == [member.email] and entry.sent_at is None and mail.outbox == []

    monkeypatch.undo()  # the broker is back
    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_request_that_writes_many_emails_tries_the_down_broker_once(
    django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    """An event cancelled with 150 registrants: each hand-off would wait out the broker's timeouts (2-3 s), far
    past the web server's. After the first failure the others are not tried; all wait in the outbox."""
    tried = []

    def down(pk):
        tried.append(pk)
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_email_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            queue_email(EmailMessage(f"Cancelled {n}", "Hi", "noreply@example.org", [f"r{n}@example.org"]))

    assert len(tried) == 1
    assert OutboxEmail.objects.filter(queued_at__isnull=True, sent_at__isnull=True).count() == 5

    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: tasks.send_email_task.apply(args=[pk]))  # back
    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep() == 5  # still within the pause: the sweep tries its first, then carries on
    assert len(mailoutbox) == 5


def test_an_admin_action_over_many_accounts_tries_the_down_broker_once(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """Each deletion's hand-off waited out the broker's timeouts (3 s hung): twenty accounts passed gunicorn's
    timeout mid-way. After the first failure the others are not tried; beat's sweep hands them over later."""
    from members import tasks as member_tasks
    from members.privacy import accounts_delete_waiting
    from tests.factories import CoordinatorFactory

    tried = []

    def down(*args):
        tried.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(member_tasks.delete_account_task, "delay", down)
    accounts = MemberFactory.create_batch(4)
    client.force_login(CoordinatorFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_user_changelist"),
            {"action": "delete_accounts", "_selected_action": [a.pk for a in accounts], "confirmed": "yes"},
        )

    assert response.status_code == 302
    assert len(tried) == 1
    assert {a.pk for a in accounts} == set(
        MemberFactory._meta.model.objects.filter(deletion_requested_at__isnull=False).values_list("pk", flat=True)
    )

    handed = []
    monkeypatch.setattr(member_tasks.delete_account_task, "delay", handed.append)
    MemberFactory._meta.model.objects.filter(deletion_requested_at__isnull=False).update(
        deletion_requested_at=timezone.now() - timedelta(hours=1)
    )
    assert accounts_delete_waiting() == 4  # within the pause, the sweep tries its first: back, so all go
    assert sorted(handed) == sorted(a.pk for a in accounts)


def test_an_email_in_a_transaction_that_rolls_back_never_goes_out(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue_email(EmailMessage("Welcome", "Hi", "noreply@example.org", ["a@example.org"]))
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.exists() and mailoutbox == []


def test_an_email_is_sent_once_however_often_it_is_handed_over(mailoutbox, monkeypatch):
    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: None)  # the broker took it, no worker yet
    entry = queue_email(EmailMessage("Once", "Hi", "noreply@example.org", ["a@example.org"]))
    assert outbox_send(entry.pk) is True
    assert outbox_send(entry.pk) is False  # a duplicate task (re-sweep, redelivery) finds it sent
    assert len(mailoutbox) == 1


def test_an_smtp_failure_releases_the_claim_and_a_retry_sends_it(mailoutbox, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: None)
    entry = queue_email(EmailMessage("Retry", "Hi", "noreply@example.org", ["a@example.org"]))
    original = EmailBackend.send_messages

    def failing(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    assert outbox_send(entry.pk) is False
    entry.refresh_from_db()
    assert entry.claimed_at is None and entry.sent_at is None and "gone" in entry.last_error
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert outbox_send(entry.pk) is True
    assert len(mailoutbox) == 1


def test_a_failed_send_is_tried_again_later_each_time_for_about_five_hours(mailoutbox, monkeypatch):
    """One schedule of tries per email, kept in its row: 30 s, 1, 2, 4 … 32 min, then hourly, twelve in all."""
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from cop_platform.mail import MAX_ATTEMPTS, retry_delay

    def failing(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: tasks.send_email_task.apply(args=[pk]))
    entry = queue_email(EmailMessage("Reset", "Hi", "noreply@example.org", ["a@example.org"]))
    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(days=1))
    assert outbox_sweep() == 1  # the first try
    waited = timedelta(0)
    for attempts in range(1, MAX_ATTEMPTS):
        assert outbox_sweep() == 0  # not yet: its last try just failed
        entry.refresh_from_db()
        wait = entry.next_try_at - timezone.now()
        assert retry_delay(attempts) - timedelta(seconds=5) < wait <= retry_delay(attempts)
        OutboxEmail.objects.update(next_try_at=timezone.now())  # that long later
        waited += retry_delay(attempts)
        assert outbox_sweep() == 1
        assert OutboxEmail.objects.get().attempts == attempts + 1
    entry.refresh_from_db()
    assert entry.attempts == MAX_ATTEMPTS and entry.sent_at is None and "down" in entry.last_error
    assert timedelta(hours=4) < waited < timedelta(hours=6)
    OutboxEmail.objects.update(next_try_at=timezone.now() - timedelta(days=1))
    assert outbox_sweep() == 0  # given up: the admin's "Queue again now" is left
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 11)] == [30, 60, 120, 1920, 3600, 3600]


def test_a_retry_still_waiting_in_a_busy_queue_is_not_handed_over_again(monkeypatch):
    """The worker is behind (a hung mail server, say): a copy the sweep handed over is not yet run. Handing it
    over again each minute would spend the email's tries on copies in minutes."""
    handed = []
    monkeypatch.setattr(tasks.send_email_task, "delay", handed.append)  # taken by the broker, not run yet
    entry = queue_email(EmailMessage("Reset", "Hi", "noreply@example.org", ["a@example.org"]))
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxEmail.objects.filter(pk=entry.pk).update(
        created_at=long_ago, queued_at=long_ago, attempts=3, next_try_at=timezone.now() - timedelta(seconds=1)
    )  # its third try failed a while ago, and its next is due

    assert outbox_sweep() == 1
    assert outbox_sweep() == 0  # a minute later, the copy still in the queue
    assert OutboxEmail.objects.filter(pk=entry.pk, next_try_at=None).exists()
    assert len(handed) == 1


def test_a_worker_that_died_mid_send_leaves_the_email_for_the_sweeper(mailoutbox, monkeypatch):
    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: None)
    entry = queue_email(EmailMessage("Stale", "Hi", "noreply@example.org", ["a@example.org"]))
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxEmail.objects.filter(pk=entry.pk).update(created_at=long_ago, queued_at=long_ago, claimed_at=long_ago)
    monkeypatch.undo()
    assert outbox_sweep() == 1
    assert len(mailoutbox) == 1


def test_email_and_reports_have_queues_of_their_own():
    from cop_platform.celery import app

    route = app.amqp.router.route
    assert route({}, "cop_platform.tasks.send_email_task")["queue"].name == "email"
    assert route({}, "indicators.tasks.render_report_task")["queue"].name == "reports"
    assert route({}, "digests.tasks.send_digest_batch_task")["queue"].name == "digests"
    assert {q.name for q in app.conf.task_queues} == {"celery", "email", "digests", "reports"}


def test_the_database_down_gives_the_friendly_error_page(client, monkeypatch):
    from django.db import OperationalError

    from cop_platform import views

    def database_down(request):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views.home_selectors, "home_for", database_down)
    client.raise_request_exception = False
    member = MemberFactory()
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 500
    assert "Server error" in response.content.decode()


def test_sent_emails_leave_the_outbox_after_two_weeks_and_a_vanished_row_is_skipped(mailoutbox, monkeypatch):
    monkeypatch.setattr(tasks.send_email_task, "delay", lambda pk: None)
    old = queue_email(EmailMessage("Old", "Hi", "noreply@example.org", ["a@example.org"]))
    OutboxEmail.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=15))
    gone = queue_email(EmailMessage("Gone", "Hi", "noreply@example.org", ["b@example.org"]))
    OutboxEmail.objects.filter(pk=gone.pk).delete()  # the recipient deleted their account meanwhile
    assert outbox_send(gone.pk) is False
    outbox_sweep()
    assert not OutboxEmail.objects.filter(pk=old.pk).exists()
    assert mailoutbox == []
