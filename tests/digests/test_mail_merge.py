"""A batch renders each distinct digest once and fills in every member's name and unsubscribe link (a mail
merge): each member's email is exactly what rendering it on its own gives."""

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string

from digests import content, emails, services
from digests.models import DigestDelivery, DigestPreference, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.events.factories import EventFactory
from tests.factories import MemberFactory

from .factories import NewsItemFactory

pytestmark = pytest.mark.django_db

NAMES = ["Thida Aung", 'Anna & <Bob> "O\'Neil"', "Ǎigerim Nurlanovna", f"Mallory {emails.UNSUBSCRIBE_MARK}", ""]


@pytest.fixture
def author():
    """Writes the discussions; has switched the digest off, so the emails below are the readers' only."""
    member = MemberFactory()
    DigestPreference.objects.create(member=member, frequency=Frequency.OFF)
    return member


@pytest.fixture
def community(author):
    community = CommunityFactory(name="Budget & finance <officers>")
    ThreadFactory(community=community, author=author, title="Payroll audits & <reforms>")
    EventFactory(title="Budget webinar", communities=[community])
    NewsItemFactory(title="Call for case studies")
    return community


def readers(community, names=NAMES, **kwargs) -> list:
    return [MembershipFactory(community=community, member=MemberFactory(full_name=n, **kwargs)).member for n in names]


def alone(member, digest, unsubscribe: str) -> tuple[str, str]:
    """The bodies rendered for this member only, the straightforward way."""
    context = {
        "member": member,
        "digest": digest,
        "site_url": django_settings.SITE_URL,
        "site_name": django_settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
        "preferences_url": emails._preferences_url(),
    }
    return render_to_string("emails/digest-body.txt", context), render_to_string("emails/digest-body.html", context)


def test_each_merged_email_is_what_rendering_it_alone_gives(community):
    members = readers(community)
    shared = content.load_shared()
    facts = content.load_member_facts(members)
    bodies: dict = {}

    for member in members:
        digest = content.build(member, shared, facts)
        unsubscribe = emails.unsubscribe_url(member)  # signed with a timestamp: made once
        merged = emails.render_bodies(member, digest, unsubscribe=unsubscribe, bodies=bodies)
        assert merged == alone(member, digest, unsubscribe)

    assert len(bodies) == 1
    text, html = merged
    assert emails.NAME_MARK not in text + html and emails.UNSUBSCRIBE_MARK not in text + html


def test_a_batch_renders_each_distinct_digest_once(community, author, mailoutbox, monkeypatch):
    members = readers(community, ["A", "B", "C"])
    other = CommunityFactory()
    ThreadFactory(community=other, author=author, title="Fisheries data")
    members += readers(other, ["D", "E"])
    members += readers(other, ["F"], time_zone="Asia/Yangon")  # its own time zone: its own rendering
    renders = []
    original = emails._render

    def counting(member, digest, *args):
        renders.append(digest.content_key())
        return original(member, digest, *args)

    monkeypatch.setattr(emails, "_render", counting)
    _round, ids = services.plan(everyone=True)

    assert services.send_batch(ids)["sent"] == 6

    assert len(renders) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)
    by_address = {m.email: m for m in members}
    for message in mailoutbox:
        member = by_address[message.to[0]]
        assert f"Dear {member.display_name}," in message.body
        unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert emails.member_id_from_token(unsubscribe.rstrip("/").rsplit("/", 1)[1]) == member.pk
        assert f"Unsubscribe: {unsubscribe}" in message.body
        assert f'href="{unsubscribe}"' in message.alternatives[0][0]


def test_a_template_that_reads_more_about_the_member_gets_its_own_rendering(community, settings, tmp_path):
    folder = tmp_path / "emails"
    folder.mkdir()
    for name in ("digest-body.txt", "digest-body.html"):
        (folder / name).write_text("{{ member.display_name }} <{{ member.email }}> {{ unsubscribe_url }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    members = readers(community, ["Ann", "Ben"])
    shared = content.load_shared()
    facts = content.load_member_facts(members)
    bodies: dict = {}

    for member in members:
        digest = content.build(member, shared, facts)
        unsubscribe = emails.unsubscribe_url(member)
        text, html = emails.render_bodies(member, digest, unsubscribe=unsubscribe, bodies=bodies)
        assert text == f"{member.display_name} <{member.email}> {unsubscribe}"
        assert (text, html) == alone(member, digest, unsubscribe)

    assert bodies == {}


def test_the_planner_lines_up_members_of_one_time_zone_and_country(community):
    places = [("Asia/Yangon", "MM"), ("Asia/Almaty", "KZ"), ("", "MM"), ("Asia/Almaty", "KG")] * 3
    for zone, country in places:
        readers(community, ["Reader"], time_zone=zone, country=country)

    _round, ids = services.plan(everyone=True)

    rows = DigestDelivery.objects.select_related("member").in_bulk(ids)
    lined_up = [(rows[pk].member.time_zone, rows[pk].member.country.code) for pk in ids]
    assert lined_up == sorted(places)  # batches cut from this list hold many equal digests


def test_each_member_gets_the_digest_in_their_own_language(community, mailoutbox):
    """Members reading Russian, Burmese and English in one batch: each email in its reader's language, the
    shared bodies kept apart by language."""
    from django.utils import translation

    by_language = {language: readers(community, names=[f"Reader {language}"], language=language)[0]
                   for language in ("ru", "my", "en")}  # fmt: skip
    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)
    sent = {message.to[0]: message for message in mailoutbox}
    for language, member in by_language.items():
        message = sent[member.email]
        with translation.override(language):
            greeting = translation.gettext("Dear %(name)s,") % {"name": member.display_name}
            heading = translation.gettext("Upcoming events")
        assert greeting in message.body and heading in message.body
        assert heading in message.alternatives[0][0]
        assert f'<html lang="{language}">' in message.alternatives[0][0]  # screen readers, and Burmese fonts
    assert "Dear" not in sent[by_language["ru"].email].body
    assert sent[by_language["ru"].email].subject != sent[by_language["en"].email].subject


def test_a_member_without_a_choice_gets_the_digest_in_their_browsers_language(community, mailoutbox):
    """No language of the site chosen: the one their browser asked for at their last sign-in, not English."""
    from django.utils import translation

    (member,) = readers(community, names=["Reader my"], language="", browser_language="my")
    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)

    (message,) = mailoutbox
    with translation.override("my"):
        assert translation.gettext("Upcoming events") in message.body
    assert '<html lang="my">' in message.alternatives[0][0]
