"""A batch hands each email to a sender thread while it claims and builds the next one: every email still goes out
after its own claim, one at a time, and a claim whose email was never handed over goes back to the queue."""

import smtplib
import threading
import time

import pytest
from django.core.mail.backends.locmem import EmailBackend

from digests import services
from digests.models import DigestDelivery

from .factories import readers_planned

pytestmark = pytest.mark.django_db

Status = DigestDelivery.Status


@pytest.fixture
def planned():
    """Four members with something new, their rows queued."""
    return readers_planned(4)


@pytest.fixture
def claims(monkeypatch) -> list:
    """The rows claimed, in order."""
    claimed = []
    original = services._claim

    def claim(delivery_id, now, **kwargs):
        claimed.append(DigestDelivery.objects.get(pk=delivery_id))
        return original(delivery_id, now, **kwargs)

    monkeypatch.setattr(services, "_claim", claim)
    return claimed


def status_of(rows) -> list:
    return [DigestDelivery.objects.get(pk=row.pk).status for row in rows]


def test_each_email_goes_out_after_its_claim_and_one_at_a_time(planned, monkeypatch, mailoutbox):
    members, ids = planned
    events, sending = [], []
    original_claim, original_send = services._claim, EmailBackend.send_messages

    def claim(delivery_id, now, **kwargs):
        claimed = original_claim(delivery_id, now, **kwargs)
        events.append(("claimed", DigestDelivery.objects.get(pk=delivery_id).member.email))
        return claimed

    def send_messages(self, messages):
        sending.append(threading.get_ident())
        assert len(sending) == 1, "two emails at once"
        time.sleep(0.01)  # long enough for the batch to claim and build the next member's email meanwhile
        events.append(("sent", messages[0].to[0]))
        sending.pop()
        return original_send(self, messages)

    monkeypatch.setattr(services, "_claim", claim)
    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    assert services.send_batch(ids)["sent"] == 4

    for member in members:
        assert events.index(("claimed", member.email)) < events.index(("sent", member.email))
    claimed = [email for kind, email in events if kind == "claimed"]
    sent = [email for kind, email in events if kind == "sent"]
    assert sent == claimed == [m.to[0] for m in mailoutbox]
    assert sorted(sent) == sorted(m.email for m in members)
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_when_the_server_goes_away_mid_batch_every_unsent_member_is_queued_again(
    planned, claims, monkeypatch, mailoutbox
):
    members, ids = planned
    original_open, original_send = EmailBackend.open, EmailBackend.send_messages
    state = {"opened": 0, "sends": 0}

    def open_(self):
        state["opened"] += 1
        if state["opened"] > 1:  # reconnecting after the failure: the server is gone
            raise ConnectionRefusedError(111, "Connection refused")
        return original_open(self)

    def send_messages(self, messages):
        state["sends"] += 1
        if state["sends"] == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original_send(self, messages)

    monkeypatch.setattr(EmailBackend, "open", open_)
    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    with pytest.raises(ConnectionRefusedError):
        services.send_batch(ids)

    first, refused, claimed_meanwhile = (DigestDelivery.objects.get(pk=row.pk) for row in claims)
    [untouched] = DigestDelivery.objects.exclude(pk__in=[row.pk for row in claims])
    assert [m.to[0] for m in mailoutbox] == [first.member.email]
    assert first.status == Status.SENT
    assert (refused.status, refused.attempts, refused.error) == (Status.QUEUED, 1, "Connection unexpectedly closed")
    # Claimed while the refused email was with the server, never handed over: as if never claimed.
    assert claimed_meanwhile.status == Status.QUEUED and claimed_meanwhile.attempts == 0
    assert claimed_meanwhile.claimed_at is None and claimed_meanwhile.items == {}
    assert (untouched.status, untouched.attempts) == (Status.QUEUED, 0)

    monkeypatch.setattr(EmailBackend, "open", original_open)
    monkeypatch.setattr(EmailBackend, "send_messages", original_send)

    assert services.send_batch(ids)["sent"] == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)


def test_an_unexpected_error_while_sending_leaves_only_that_email_in_flight(planned, claims, monkeypatch, mailoutbox):
    _members, ids = planned
    original_send = EmailBackend.send_messages
    state = {"sends": 0}

    def send_messages(self, messages):
        state["sends"] += 1
        if state["sends"] == 2:
            raise MemoryError("worker killed")
        return original_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    with pytest.raises(MemoryError):
        services.send_batch(ids)

    # The email in flight is not resent (the server may have it); the one claimed meanwhile goes back to the queue.
    assert status_of(claims) == [Status.SENT, Status.SENDING, Status.QUEUED]
    assert DigestDelivery.objects.filter(status=Status.QUEUED).count() == 2
    assert [m.to[0] for m in mailoutbox] == [claims[0].member.email]
