"""How the digest email writes what it holds: a news item's lines under its bullet, an event's time zone by name."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.events.factories import EventFactory

from .factories import NewsItemFactory, digest_of, rendered

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return MembershipFactory(community=CommunityFactory(name="Budget practitioners")).member


def test_a_multi_line_news_text_stays_under_its_bullet_in_the_text_part(reader):
    # As a coordinator types it: a blank line between paragraphs, a stray indent, a list of their own.
    NewsItemFactory(
        title="Call for case studies",
        text="Two pages by Friday.\n  Send them to the secretariat.\n\n- Budget\n- Audit",
        link="https://example.org/call",
    )
    NewsItemFactory(title="Summer school", text="Apply by May.", link="")

    text, _html = rendered(reader, digest_of(reader))

    assert (
        "- Call for case studies: Two pages by Friday.\n"
        "  Send them to the secretariat.\n"
        "  - Budget\n"
        "  - Audit\n"
        "  https://example.org/call\n"
    ) in text
    assert "- Summer school: Apply by May.\n" in text


def test_a_multi_line_news_text_keeps_its_line_breaks_in_the_html_part(reader, client):
    NewsItemFactory(title="Call for case studies", text="Two pages by Friday.\nSend them to <the secretariat>.")

    _text, html = rendered(reader, digest_of(reader))

    assert "Two pages by Friday.<br>Send them to &lt;the secretariat&gt;." in html
    client.force_login(reader)
    assert "Two pages by Friday.<br>Send them to" in client.get(reverse("digests:in_browser")).content.decode()


@pytest.mark.parametrize("zone", ["Asia/Yangon", "Asia/Almaty"])
def test_an_events_time_names_the_members_time_zone(reader, settings, zone):
    settings.TIME_ZONE = "UTC"
    reader.time_zone = zone
    reader.save(update_fields=["time_zone"])
    community = Community.objects.get(memberships__member=reader)
    day = (timezone.now() + timedelta(days=7)).date()
    starts_at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
    EventFactory(title="Budget webinar", communities=[community], starts_at=starts_at)
    local = starts_at.astimezone(ZoneInfo(zone)).strftime("%H:%M")  # 09:30 in Yangon

    text, html = rendered(reader, digest_of(reader))

    # As the site's other emails write a moment (cop_platform.i18n.MomentInZone): the zone's name, not "+0630".
    assert f"- Budget webinar, {day.day} {starts_at:%b} {day.year}, {local} ({zone})\n" in text
    assert f"{local} ({zone})</span>" in html
    assert "+0" not in text and "+0" not in html
