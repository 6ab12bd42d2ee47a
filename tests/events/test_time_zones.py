"""Times are stored in UTC and shown in each member's own time zone (from their profile)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory

from .factories import EventFactory, RegistrationFactory, in_hours

pytestmark = pytest.mark.django_db


def _next_first_of_december_at_3_utc() -> datetime:
    """1 December, 03:00 UTC, in the future whatever the day the tests run."""
    now = timezone.now()
    starts = datetime(now.year, 12, 1, 3, 0, tzinfo=UTC)
    return starts if starts > now + timedelta(hours=1) else starts.replace(year=now.year + 1)


@pytest.fixture
def event():
    starts = _next_first_of_december_at_3_utc()
    return EventFactory(title="Merit-based promotion", starts_at=starts, ends_at=starts + timedelta(hours=2))


def _pages(client, event):
    detail = client.get(event.get_absolute_url()).content.decode()
    schedule = client.get(reverse("events:schedule")).content.decode()
    return detail, schedule


def test_a_member_in_yangon_sees_yangon_time(client, event):
    client.force_login(MemberFactory(time_zone="Asia/Yangon"))

    detail, schedule = _pages(client, event)

    year = event.starts_at.year
    assert f"1 December {year}, 09:30" in detail  # 03:00 UTC is 09:30 in Yangon (UTC+06:30)
    assert f"1 December {year}, 11:30" in detail  # the end
    assert f'datetime="{year}-12-01T09:30:00+06:30"' in detail
    assert f"1 Dec {year}, 09:30" in schedule
    assert f'datetime="{year}-12-01T09:30:00+06:30"' in schedule
    assert "03:00" not in detail and "03:00" not in schedule


def test_a_member_in_almaty_sees_almaty_time(client, event):
    client.force_login(MemberFactory(time_zone="Asia/Almaty"))
    local = event.starts_at.astimezone(ZoneInfo("Asia/Almaty"))

    detail, schedule = _pages(client, event)

    assert local.strftime("%H:%M") not in ("03:00", "09:30")
    assert f"{local:%-d %B %Y, %H:%M}" in detail
    assert f'datetime="{local.isoformat()}"' in detail
    assert f"{local:%-d %b %Y, %H:%M}" in schedule
    assert "09:30" not in detail and "09:30" not in schedule


def test_a_member_without_a_time_zone_sees_the_site_default(client, event, settings):
    assert settings.TIME_ZONE == "UTC"
    client.force_login(MemberFactory(time_zone=""))

    detail, schedule = _pages(client, event)

    year = event.starts_at.year
    assert f"1 December {year}, 03:00" in detail
    assert f'datetime="{year}-12-01T03:00:00+00:00"' in detail
    assert f"1 Dec {year}, 03:00" in schedule
    assert "09:30" not in detail


def test_an_anonymous_visitor_sees_the_site_default(client, event):
    detail, schedule = _pages(client, event)

    assert f"1 December {event.starts_at.year}, 03:00" in detail
    assert f"1 Dec {event.starts_at.year}, 03:00" in schedule


def test_one_members_zone_does_not_leak_into_the_next_request(client, event):
    client.force_login(MemberFactory(time_zone="Asia/Yangon"))
    client.get(event.get_absolute_url())
    client.logout()

    assert f"1 December {event.starts_at.year}, 03:00" in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.parametrize("zone", ["Asia/Yangon", "Asia/Almaty", ""])
def test_the_reminder_shows_the_members_own_time_zone(zone, django_capture_on_commit_callbacks, mailoutbox):
    from events.services import send_reminders

    starts = in_hours(5).replace(second=0, microsecond=0)
    registration = RegistrationFactory(
        event=EventFactory(starts_at=starts, time_zone="Asia/Bangkok"), member=MemberFactory(time_zone=zone)
    )

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()

    local = starts.astimezone(ZoneInfo(zone or "UTC"))
    body = mailoutbox[0].body
    assert mailoutbox[0].to == [registration.member.email]
    assert f"{local:%A %-d %B %Y, %H:%M} ({zone or 'UTC'})" in body


def test_the_promotion_email_shows_the_members_own_time_zone(django_capture_on_commit_callbacks, mailoutbox, event):
    from events.services import registration_cancel

    holder = RegistrationFactory(event=event)
    event.capacity = 1
    event.save(update_fields=["capacity"])
    RegistrationFactory(event=event, member=MemberFactory(time_zone="Asia/Yangon"), status="waitlisted")

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=holder)

    assert f"1 December {event.starts_at.year}, 09:30 (Asia/Yangon)" in mailoutbox[0].body


def test_the_cancellation_email_shows_the_members_own_time_zone(django_capture_on_commit_callbacks, mailoutbox, event):
    from events.services import event_cancel

    RegistrationFactory(event=event, member=MemberFactory(time_zone="Asia/Yangon"))

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event)

    assert f"1 December {event.starts_at.year}, 09:30 (Asia/Yangon)" in mailoutbox[0].body


def test_an_events_zone_is_named_right_at_the_events_time(client):
    """A member in Berlin read a July event's time labelled with November's abbreviation (CET, not CEST). The zone's
    name is right in every season."""
    starts = datetime(timezone.now().year + 1, 7, 1, 8, 0, tzinfo=UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    client.force_login(MemberFactory(time_zone="Europe/Berlin"))

    detail = client.get(event.get_absolute_url()).content.decode()

    assert '10:00</time> <span class="muted">(Europe/Berlin)</span>' in detail
    assert "CET" not in detail


def test_the_event_page_and_the_schedule_name_the_zone_and_not_its_offset(client, event):
    """Yangon's zone has no abbreviation: the pages wrote "(+0630)", which named nothing a member chose."""
    client.force_login(MemberFactory(time_zone="Asia/Yangon"))

    detail, schedule = _pages(client, event)

    assert f'1 December {event.starts_at.year}, 09:30</time> <span class="muted">(Asia/Yangon)</span>' in detail
    assert "Times are shown in your time zone (Asia/Yangon)." in schedule
    assert "+0630" not in detail and "+0630" not in schedule
