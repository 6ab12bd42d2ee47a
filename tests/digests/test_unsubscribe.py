"""RFC 8058 one-click unsubscribe: the headers, visible links in both bodies, a POST with no cookies and no CSRF
token unsubscribes, GET only asks, and a tampered token changes nothing."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digests import emails, services
from digests.models import DigestPreference, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HEADER = re.compile(r"^<(https?://[^/>]+)(/digests/unsubscribe/([^/>]+)/)>$")


@pytest.fixture
def reader(member):
    community = CommunityFactory(name="Budget practitioners")
    MembershipFactory(member=member, community=community)
    ThreadFactory(community=community, title="Budget reform pilots")
    services.preference_for(member)
    return member


@pytest.fixture
def email(reader, mailoutbox):
    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)
    [message] = [m for m in mailoutbox if m.to == [reader.email]]
    return message


@pytest.fixture
def unsubscribe_path(email) -> str:
    return HEADER.match(email.extra_headers["List-Unsubscribe"]).group(2)


@pytest.fixture
def mail_client():
    """A mail client's one-click POST: no session, no cookies, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def preference_of(member) -> DigestPreference:
    return DigestPreference.objects.get(member=member)


def test_the_email_has_one_click_unsubscribe_headers(email, reader, settings):
    match = HEADER.match(email.extra_headers["List-Unsubscribe"])

    assert match, email.extra_headers["List-Unsubscribe"]
    assert match.group(1) == settings.SITE_URL
    assert emails.member_id_from_token(match.group(3)) == reader.pk
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = email.message()
    assert message["List-Unsubscribe"] == email.extra_headers["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_both_bodies_have_visible_unsubscribe_and_preferences_links(email, settings):
    unsubscribe_url = email.extra_headers["List-Unsubscribe"][1:-1]
    preferences_url = settings.SITE_URL + reverse("digests:preferences")
    html = email.alternatives[0][0]

    assert f"Unsubscribe: {unsubscribe_url}" in email.body
    assert f"Change how often you get this digest: {preferences_url}" in email.body
    assert f'<a href="{unsubscribe_url}" style="color:#0b5cad;">Unsubscribe</a>' in html
    assert f'<a href="{preferences_url}" style="color:#0b5cad;">Change how often you get this digest</a>' in html


def test_a_one_click_post_without_cookies_or_csrf_token_unsubscribes(unsubscribe_path, reader, mail_client, mailoutbox):
    before = timezone.now()

    response = mail_client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    preference = preference_of(reader)
    assert preference.frequency == Frequency.OFF
    assert preference.unsubscribed_at >= before
    # And no more digests, even when everyone is treated as due.
    sent = len(mailoutbox)
    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)
    assert len(mailoutbox) == sent


def test_posting_twice_is_harmless(unsubscribe_path, reader, mail_client):
    assert mail_client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert mail_client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"}).status_code == 200

    assert preference_of(reader).frequency == Frequency.OFF


def test_get_shows_a_confirmation_page_and_changes_nothing(unsubscribe_path, reader, mail_client):
    response = mail_client.get(unsubscribe_path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsubscribe from the digest?" in page
    assert f"{reader.email} will no longer receive the email digest." in page
    assert f'<form method="post" action="{unsubscribe_path}">' in page
    preference = preference_of(reader)
    assert preference.frequency == Frequency.BIWEEKLY
    assert preference.unsubscribed_at is None


def test_the_confirmation_pages_button_unsubscribes(unsubscribe_path, reader, mail_client):
    mail_client.get(unsubscribe_path)

    response = mail_client.post(unsubscribe_path)  # the page's form: no body, no CSRF token

    assert response.status_code == 200
    assert preference_of(reader).frequency == Frequency.OFF


def tampered(token: str) -> str:
    """The token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda member: tampered(emails.unsubscribe_token(member)), id="one-character-changed"),
        pytest.param(lambda member: tampered(emails.unsubscribe_token(member)[::-1])[::-1], id="first-changed"),
        pytest.param(lambda member: "q8Zr4vKxT2mNw0pLs9YbHc", id="random-string"),
        pytest.param(lambda member: signing.dumps({"m": member.pk}), id="signed-without-the-salt"),
        pytest.param(lambda member: signing.dumps({"m": member.pk}, salt="digests.other"), id="another-salt"),
        pytest.param(lambda member: signing.dumps({"m": str(member.pk)}, salt=emails.UNSUBSCRIBE_SALT), id="not-an-id"),
        pytest.param(lambda member: signing.dumps([member.pk], salt=emails.UNSUBSCRIBE_SALT), id="not-a-dict"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_invalid_token_gets_400_and_changes_nothing(reader, mail_client, make_token, method):
    token = make_token(reader)
    assert token != emails.unsubscribe_token(reader)

    response = getattr(mail_client, method)(reverse("digests:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    preference = preference_of(reader)
    assert preference.frequency == Frequency.BIWEEKLY
    assert preference.unsubscribed_at is None


def test_a_token_of_a_deactivated_account_gets_400(reader, mail_client):
    token = emails.unsubscribe_token(reader)
    reader.is_active = False
    reader.save()

    response = mail_client.post(reverse("digests:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert preference_of(reader).frequency == Frequency.BIWEEKLY


def test_the_link_is_the_same_site_url_the_headers_name(email, settings):
    url = email.extra_headers["List-Unsubscribe"][1:-1]

    assert urlsplit(url).netloc == urlsplit(settings.SITE_URL).netloc
    assert url in email.body


def test_a_member_who_never_opened_their_preferences_can_unsubscribe(mail_client):
    newcomer = MemberFactory()

    response = mail_client.post(reverse("digests:unsubscribe", args=[emails.unsubscribe_token(newcomer)]))

    assert response.status_code == 200
    assert preference_of(newcomer).frequency == Frequency.OFF
    assert services.plan(everyone=True)[1] == []


@pytest.mark.parametrize("change", ["unsubscribed", "deactivated"])
def test_a_member_who_unsubscribes_after_the_round_was_planned_gets_no_digest(reader, mailoutbox, change):
    _round, ids = services.plan(everyone=True)
    if change == "unsubscribed":
        services.unsubscribe(member=reader)
    else:
        reader.is_active = False
        reader.save()

    services.send_batch(ids)

    assert [m for m in mailoutbox if m.to == [reader.email]] == []
    assert not reader.digest_deliveries.exists()  # not handed to a batch again every hour


def test_one_who_unsubscribes_while_the_batch_runs_is_not_claimed(reader):
    services.plan(everyone=True)
    delivery_id = reader.digest_deliveries.get().pk
    services.unsubscribe(member=reader)  # after the batch read its rows, before it claims this one

    assert services._claim(delivery_id, timezone.now(), items={}) is False
    services.preference_set(member=reader, frequency=Frequency.BIWEEKLY)
    assert services._claim(delivery_id, timezone.now(), items={}) is True
