"""An SMTP error puts the member's row back in the queue; the retry sends exactly one email; after MAX_ATTEMPTS
failures the row is failed for good."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from cop_platform.celery import app as celery_app
from digests import services
from digests.models import DigestDelivery, DigestPreference, Frequency
from digests.tasks import send_digest_batch_task
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

Status = DigestDelivery.Status


@pytest.fixture
def community():
    community = CommunityFactory(name="Budget practitioners")
    author = MemberFactory()
    DigestPreference.objects.create(member=author, frequency=Frequency.OFF)
    ThreadFactory(community=community, author=author, title="Budget reform pilots")
    return community


@pytest.fixture
def eager_retries():
    """Eager tasks that retry run the retry at once (the countdown only applies on a real worker); for that,
    Celery must not propagate the Retry it raises, as the suite's default (task_eager_propagates) does."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def planned(community, count=1) -> tuple[list, list[int]]:
    members = [MembershipFactory(community=community).member for _ in range(count)]
    _round, ids = services.plan(everyone=True)
    return members, ids


@pytest.fixture
def smtp_failures(monkeypatch):
    """Make the next `n` sends raise SMTPServerDisconnected, as a server dropping the connection does."""
    original = EmailBackend.send_messages
    state = {"left": 0, "calls": 0}

    def send_messages(self, messages):
        state["calls"] += 1
        if state["left"]:
            state["left"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    def fail(n):
        state["left"] = n
        return state

    return fail


def test_a_failed_send_is_queued_again_and_the_next_batch_sends_it_once(community, smtp_failures, mailoutbox):
    smtp_failures(1)
    [member], ids = planned(community)

    result = services.send_batch(ids)

    assert result == {"sent": 0, "skipped": 0, "failed": 1, "retry": ids}
    assert mailoutbox == []
    row = DigestDelivery.objects.get()
    assert row.status == Status.QUEUED
    assert row.error == "Connection unexpectedly closed"
    assert row.attempts == 1
    assert DigestPreference.objects.get(member=member).last_sent_at is None

    assert services.send_batch(result["retry"])["sent"] == 1
    assert services.send_batch(ids)["sent"] == 0

    assert [m.to for m in mailoutbox] == [[member.email]]
    row.refresh_from_db()
    assert row.status == Status.SENT and row.error == "" and row.attempts == 2 and row.sent_at is not None
    assert DigestPreference.objects.get(member=member).last_sent_at is not None


def test_the_batch_task_retries_the_failed_member_and_sends_one_email(
    community, smtp_failures, eager_retries, mailoutbox
):
    state = smtp_failures(1)
    [member], ids = planned(community)

    result = send_digest_batch_task.delay(ids)

    assert result.get() == {"sent": 1, "skipped": 0, "failed": 0}

    assert state["calls"] == 2
    assert [m.to for m in mailoutbox] == [[member.email]]
    row = DigestDelivery.objects.get()
    assert row.status == Status.SENT and row.attempts == 2 and row.error == ""


def test_one_failure_does_not_stop_the_rest_of_the_batch(community, smtp_failures, mailoutbox):
    members, ids = planned(community, count=3)
    smtp_failures(1)

    result = services.send_batch(ids)

    assert result["sent"] == 2 and result["failed"] == 1
    assert len(mailoutbox) == 2
    [failed] = DigestDelivery.objects.filter(status=Status.QUEUED)
    assert result["retry"] == [failed.pk]
    assert failed.member.email not in {m.to[0] for m in mailoutbox}

    services.send_batch(result["retry"])

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)


def test_after_max_attempts_the_row_is_failed(community, smtp_failures, mailoutbox):
    smtp_failures(100)
    _members, ids = planned(community)

    for attempt in range(1, services.MAX_ATTEMPTS):
        assert services.send_batch(ids)["retry"] == ids
        assert DigestDelivery.objects.get().status == Status.QUEUED
        assert DigestDelivery.objects.get().attempts == attempt
    services.send_batch(ids)

    row = DigestDelivery.objects.get()
    assert row.status == Status.FAILED
    assert row.attempts == services.MAX_ATTEMPTS
    assert row.error == "Connection unexpectedly closed"
    assert services.send_batch(ids)["failed"] == 0  # never tried again
    assert mailoutbox == []


def test_the_batch_task_gives_up_after_its_retries(community, smtp_failures, eager_retries, mailoutbox):
    state = smtp_failures(100)
    _members, ids = planned(community)

    result = send_digest_batch_task.delay(ids)

    assert result.get() == {"sent": 0, "skipped": 0, "failed": 0}  # the last retry found nothing left to claim

    assert state["calls"] == services.MAX_ATTEMPTS
    row = DigestDelivery.objects.get()
    assert row.status == Status.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert mailoutbox == []


def test_a_batch_whose_smtp_server_is_down_is_retried(community, monkeypatch, eager_retries, mailoutbox):
    [member], ids = planned(community)
    refusals = {"left": 1}
    original_open = EmailBackend.open

    def open_(self):
        if refusals["left"]:
            refusals["left"] -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return original_open(self)

    monkeypatch.setattr(EmailBackend, "open", open_)

    result = send_digest_batch_task.delay(ids)

    assert result.successful()
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert DigestDelivery.objects.get().status == Status.SENT
