"""Calendar files parse back to the event: its times in the organizer's zone, never its join link."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from communities.models import Community
from events import services
from events.models import Event, Registration
from events.services import calendar_feed_for
from tests.communities.factories import CommunityFactory, member_of

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _ics_url(event):
    return reverse("events:ics", args=[event.slug])


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _unfolded(response) -> str:
    # RFC 5545 folds long lines; a link split across two lines must still be found.
    return response.content.decode().replace("\r\n ", "").replace("\r\n\t", "")


def test_it_parses_back_to_one_event_with_its_times_in_the_organizers_zone(client):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=10)
    event = EventFactory(
        title="Civil registration in a crisis", starts_at=starts, ends_at=starts + timedelta(hours=2),
        time_zone="Asia/Almaty", venue="UNDP office, Yangon",
    )  # fmt: skip

    response = client.get(_ics_url(event))

    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = _parse(response)
    components = calendar.walk("VEVENT")
    assert len(components) == 1
    component = components[0]
    assert str(component["SUMMARY"]) == "Civil registration in a crisis"
    dtstart, dtend = component.decoded("DTSTART"), component.decoded("DTEND")
    assert dtstart.tzinfo is not None and dtend.tzinfo is not None
    assert dtstart == event.starts_at
    assert dtend == event.ends_at
    assert dtstart.utcoffset() == starts.astimezone(ZoneInfo("Asia/Almaty")).utcoffset()
    assert component["DTSTART"].params["TZID"] == "Asia/Almaty"
    assert component["DTEND"].params["TZID"] == "Asia/Almaty"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"]
    assert str(component["UID"]) == f"event-{event.pk}@{settings.SITE_URL.split('://')[-1]}"
    assert str(component["URL"]) == settings.SITE_URL + event.get_absolute_url()
    assert str(component["LOCATION"]) == "UNDP office, Yangon"
    assert str(component["STATUS"]) == "CONFIRMED"
    assert str(calendar["VERSION"]) == "2.0"


def test_a_cancelled_event_is_marked_cancelled(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    component = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]

    assert str(component["STATUS"]) == "CANCELLED"


def test_a_new_event_is_at_sequence_0_stamped_when_it_was_created_in_utc(client):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(created_at=datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC))

    response = client.get(_ics_url(event))

    component = _parse(response).walk("VEVENT")[0]
    assert component.decoded("SEQUENCE") == 0
    assert "DTSTAMP:20260504T030201Z" in _unfolded(response)  # in UTC, as RFC 5545 requires
    assert _unfolded(client.get(_ics_url(event))) == _unfolded(response)  # not a newer copy at each download


def test_a_moved_event_has_a_higher_sequence_and_is_stamped_when_it_moved(client, coordinator):
    """A calendar that imported the event takes the new copy only with a higher SEQUENCE: it kept the old time."""
    from .test_admin_and_validation import _event_form

    event = EventFactory(slug="budget-webinar")
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=3))
    before = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]
    client.force_login(coordinator)
    moved = event.starts_at.replace(microsecond=0) + timedelta(days=1)
    client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _event_form(slug=event.slug, join_url=event.join_url, starts_at=moved, ends_at=moved + timedelta(hours=1)),
    )
    event.refresh_from_db()

    after = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]

    assert (before.decoded("SEQUENCE"), after.decoded("SEQUENCE")) == (0, 1)
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == moved
    assert after.decoded("DTSTAMP") == event.revised_at.replace(microsecond=0) > before.decoded("DTSTAMP")


def test_a_cancelled_event_file_is_cancelled_at_a_higher_sequence(client):
    event = EventFactory()
    services.event_cancel(event=event)

    component = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]

    assert str(component["STATUS"]) == "CANCELLED"
    assert component.decoded("SEQUENCE") == 1


def test_the_personal_feed_carries_each_events_own_sequence(client, member):
    kept, cancelled = EventFactory(title="Kept"), EventFactory(title="Cancelled one")
    for event in (kept, cancelled):
        RegistrationFactory(event=event, member=member)
    services.event_cancel(event=cancelled)

    response = client.get(reverse("events:feed", args=[calendar_feed_for(member).token]))

    components = _parse(response).walk("VEVENT")
    assert {str(c["SUMMARY"]): (c.decoded("SEQUENCE"), str(c["STATUS"])) for c in components} == {
        "Kept": (0, "CONFIRMED"),
        "Cancelled one": (1, "CANCELLED"),
    }


def test_the_uid_stays_the_same_between_downloads(client):
    event = EventFactory()

    first = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]
    second = _parse(client.get(_ics_url(event))).walk("VEVENT")[0]

    assert str(first["UID"]) == str(second["UID"])
    assert str(first["UID"]) != str(_parse(client.get(_ics_url(EventFactory()))).walk("VEVENT")[0]["UID"])


def test_the_join_link_is_never_in_the_event_file_even_for_a_registered_member(client, member):
    event = EventFactory(join_url="https://meet.example.org/very-secret-room-with-a-long-name-1234567890")
    RegistrationFactory(event=event, member=member)
    client.force_login(member)

    response = client.get(_ics_url(event))

    calendar = _parse(response)
    assert "very-secret-room" not in _unfolded(response)
    component = calendar.walk("VEVENT")[0]
    assert event.join_url not in str(component.get("DESCRIPTION"))
    assert settings.SITE_URL + event.get_absolute_url() in str(component["DESCRIPTION"])


def test_the_join_link_is_never_in_the_coordinators_event_file(client, coordinator):
    event = EventFactory(join_url="https://meet.example.org/coordinator-secret")
    client.force_login(coordinator)

    response = client.get(_ics_url(event))

    assert "coordinator-secret" not in _unfolded(response)


def test_the_join_link_is_never_in_the_personal_feed(client, member):
    events = [EventFactory(join_url=f"https://meet.example.org/feed-secret-{n}") for n in range(3)]
    for event in events:
        RegistrationFactory(event=event, member=member, status=Registration.Status.REGISTERED)
    feed = calendar_feed_for(member)

    response = client.get(reverse("events:feed", args=[feed.token]))

    assert len(_parse(response).walk("VEVENT")) == 3
    assert "feed-secret" not in _unfolded(response)


def test_a_private_communitys_event_file_is_not_found_for_non_members(client, member):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(communities=[private])

    assert client.get(_ics_url(event)).status_code == 404
    client.force_login(member)
    assert client.get(_ics_url(event)).status_code == 404
    client.force_login(member_of(private))
    assert len(_parse(client.get(_ics_url(event))).walk("VEVENT")) == 1


def test_a_draft_event_file_is_not_found_except_for_the_coordinator(client, member, coordinator):
    event = EventFactory(status=Event.Status.DRAFT)

    client.force_login(member)
    assert client.get(_ics_url(event)).status_code == 404
    client.force_login(coordinator)
    assert client.get(_ics_url(event)).status_code == 200


def test_the_personal_feed_is_in_the_members_language(client):
    """Calendar apps fetch it without the site's language cookie: it was always English."""
    from tests.factories import MemberFactory

    member = MemberFactory(language="ru")
    RegistrationFactory(event=EventFactory(kind=Event.Kind.WEBINAR), member=member)
    feed = calendar_feed_for(member)

    calendar = _parse(client.get(reverse("events:feed", args=[feed.token]), HTTP_ACCEPT_LANGUAGE="en"))

    assert str(calendar["x-wr-calname"]) == "Мои мероприятия"
    assert str(calendar.walk("VEVENT")[0]["description"]).startswith("Вебинар. Подробности и ссылка для подключения:")
