"""Digests through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives is a proper multipart message with
the unsubscribe headers, and a batch uses one connection."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from digests import services
from digests.models import DigestDelivery, DigestPreference, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


class Recorder:
    """Stores every message; counts greetings (one per connection) and sessions; refuses some recipients."""

    def __init__(self):
        self.messages = []  # (envelope sender, envelope recipients, parsed message)
        self.greetings = 0
        self.sessions = set()
        self.refuse = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.greetings += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "CoP Platform <digest@cop.example.org>"
    settings.SITE_URL = "https://cop.example.org"
    settings.SITE_NAME = "CoP Platform"
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def readers():
    community = CommunityFactory(name="Budget practitioners")
    author = MemberFactory()
    DigestPreference.objects.create(member=author, frequency=Frequency.OFF)
    ThreadFactory(community=community, author=author, title="Budget reform pilots", reply_count=2)
    ThreadFactory(community=community, author=author, title="Payroll audits")
    return [
        MembershipFactory(community=community, member=MemberFactory(full_name=name)).member
        for name in ("Aye Chan", "Bo Bo")
    ]


def test_it_sends_each_member_a_multipart_digest_over_one_connection(smtp_server, readers, settings):
    _round, ids = services.plan(everyone=True)

    result = services.send_batch(ids)

    assert result == {"sent": 2, "skipped": 0, "failed": 0, "retry": []}
    assert smtp_server.greetings == 1
    assert len(smtp_server.sessions) == 1
    assert sorted(rcpts[0] for _sender, rcpts, _message in smtp_server.messages) == sorted(r.email for r in readers)
    for reader in readers:
        [(sender, rcpts, message)] = [m for m in smtp_server.messages if m[1] == [reader.email]]
        assert sender == "digest@cop.example.org"
        assert message["To"] == reader.email
        assert message["From"] == "CoP Platform <digest@cop.example.org>"
        assert message["Subject"] == "CoP Platform: 2 new items for you"
        assert message.get_content_type() == "multipart/alternative"
        parts = list(message.iter_parts())
        assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
        text, html = (part.get_content() for part in parts)
        assert f"Dear {reader.full_name}," in text
        assert "- Budget reform pilots (Budget practitioners, 2 replies)" in text
        assert "Payroll audits" in html
        # The long value is folded onto its own line ("List-Unsubscribe:" CRLF SP "<…>"); unfolded, it is one URL.
        header = message["List-Unsubscribe"].strip()
        unsubscribe = re.fullmatch(r"<(https://cop\.example\.org/digests/unsubscribe/[^/>]+/)>", header)
        assert unsubscribe, header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.group(1) in text and f'href="{unsubscribe.group(1)}"' in html
        assert message["Auto-Submitted"] == "auto-generated"
    assert DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).count() == 2


def test_a_refused_recipient_is_queued_again_while_the_others_are_delivered(smtp_server, readers):
    refused, delivered = readers
    smtp_server.refuse.add(refused.email)
    _round, ids = services.plan(everyone=True)

    result = services.send_batch(ids)

    assert result["sent"] == 1 and result["failed"] == 1
    assert [rcpts for _sender, rcpts, _message in smtp_server.messages] == [[delivered.email]]
    row = DigestDelivery.objects.get(member=refused)
    assert row.status == DigestDelivery.Status.QUEUED
    assert "No such mailbox here" in row.error

    smtp_server.refuse.clear()
    assert services.send_batch(result["retry"])["sent"] == 1
    assert sorted(rcpts[0] for _sender, rcpts, _message in smtp_server.messages) == sorted(r.email for r in readers)
