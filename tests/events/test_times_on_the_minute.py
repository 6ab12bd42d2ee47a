"""An event's start, end and registration deadline are on the minute: members are shown the minute, and a page is
kept for up to a minute (cop_platform.page_cache), so an event starting at 10:00:40 was offered "Register" by a page
kept from 10:00 after registration had closed."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event

from .factories import EventFactory
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 2


def at(hour, minute, second=0, microsecond=0, day=10):
    return datetime(YEAR, 3, day, hour, minute, second, microsecond, tzinfo=UTC)


def test_an_events_times_lose_their_seconds_when_saved():
    event = EventFactory(
        starts_at=at(3, 30, 40, 123456), ends_at=at(5, 0, 59), registration_deadline=at(3, 0, 1, day=9)
    )

    event.refresh_from_db()
    assert (event.starts_at, event.ends_at, event.registration_deadline) == (at(3, 30), at(5, 0), at(3, 0, day=9))


def test_a_time_typed_with_seconds_in_the_admin_is_saved_on_the_minute(coordinator_client):
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=14)

    response = coordinator_client.post(
        reverse("admin:events_event_add"),
        _event_form(
            starts_at=starts + timedelta(seconds=45),
            ends_at=starts + timedelta(hours=2, seconds=5),
            registration_deadline=starts - timedelta(days=1, seconds=-30),
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert (event.starts_at, event.ends_at, event.registration_deadline) == (
        starts,
        starts + timedelta(hours=2),
        starts - timedelta(days=1),
    )


def test_an_end_within_the_starts_minute_is_refused_with_a_message_not_by_the_database(coordinator_client):
    """10:00:10 to 10:00:50 is two times apart, but the same minute once saved: the database refused it (an error
    page, the form's text lost)."""
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=14)

    response = coordinator_client.post(
        reverse("admin:events_event_add"),
        _event_form(starts_at=starts + timedelta(seconds=10), ends_at=starts + timedelta(seconds=50)),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"] == ["The end must be after the start."]
    assert not Event.objects.exists()


def test_the_form_says_its_times_are_kept_to_the_minute(coordinator_client):
    form = coordinator_client.get(reverse("admin:events_event_add")).context["adminform"].form

    for name in ("starts_at", "ends_at", "registration_deadline"):
        assert "To the minute: seconds are dropped." in str(form.fields[name].help_text)


def test_a_save_that_gives_a_stored_time_again_with_seconds_moves_nothing():
    """Given again to the second (or as it was stored before the times were kept to the minute), a start is the
    same start: no revision for calendars, no email, no reminder sent again."""
    event = EventFactory(starts_at=at(3, 30), ends_at=at(5, 0))
    Event.objects.filter(pk=event.pk).update(starts_at=at(3, 30, 0, 123456))  # as stored before migration 0005
    event.starts_at, event.title = at(3, 30, 20), "A clearer title"

    stored = services.event_save_edited(event=event)

    assert event.starts_at == stored.starts_at == at(3, 30)
    saved = Event.objects.get(pk=event.pk)
    assert (saved.title, saved.starts_at, saved.sequence) == ("A clearer title", at(3, 30), 0)


def test_check_in_closes_at_the_minute_an_hour_after_the_end():
    """A page kept for the minute in which check-in closes would offer it all that minute: it closes as the minute
    begins, as registration closes at the start."""
    event = EventFactory(starts_at=at(3, 30), ends_at=at(5, 0))

    assert services.check_in_open(event, now=at(5, 59, 59, 999999))
    assert not services.check_in_open(event, now=at(6, 0))


# --- Migration 0005 -----------------------------------------------------------------------------------------


def _migrate_to_the_minute():
    import_module("events.migrations.0005_events_on_the_minute").to_the_minute(apps, None)


# Whatever the site's zone: TruncMinute without one truncated in it and moved every event by its offset.
@pytest.fixture(params=["UTC", "Asia/Yangon", "America/New_York"])
def site_zone(request, settings):
    settings.TIME_ZONE = request.param


@pytest.mark.usefixtures("site_zone")
def test_the_migration_brings_events_stored_with_seconds_to_the_minute():
    event = EventFactory(starts_at=at(3, 30), ends_at=at(5, 0), registration_deadline=at(3, 0, day=9))
    no_deadline = EventFactory(starts_at=at(4, 0), ends_at=at(5, 0))
    Event.objects.filter(pk=event.pk).update(  # as stored before Event.save kept them to the minute
        starts_at=at(3, 30, 12, 345), ends_at=at(5, 0, 40), registration_deadline=at(3, 0, 59, day=9)
    )
    Event.objects.filter(pk=no_deadline.pk).update(starts_at=at(4, 0, 1))

    _migrate_to_the_minute()

    event.refresh_from_db()
    no_deadline.refresh_from_db()
    assert (event.starts_at, event.ends_at, event.registration_deadline) == (at(3, 30), at(5, 0), at(3, 0, day=9))
    assert (no_deadline.starts_at, no_deadline.ends_at, no_deadline.registration_deadline) == (at(4, 0), at(5, 0), None)


@pytest.mark.usefixtures("site_zone")
def test_the_migration_ends_an_event_held_within_one_minute_at_the_next_minute():
    """10:00:10 to 10:00:50 would end as it starts once both lose their seconds, which the database refuses."""
    event = EventFactory(starts_at=at(3, 30), ends_at=at(5, 0))
    Event.objects.filter(pk=event.pk).update(starts_at=at(3, 30, 10), ends_at=at(3, 30, 50))

    _migrate_to_the_minute()

    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (at(3, 30), at(3, 31))


@pytest.mark.usefixtures("site_zone")
def test_the_migration_brings_recorded_attendance_to_its_events_minute():
    """Attendance is recorded at its event's start, and a correction looks it up there: it would record it again."""
    from members.models import Activity
    from tests.factories import MemberFactory

    member = MemberFactory()
    Activity.objects.create(member=member, kind=Activity.Kind.EVENT_ATTENDANCE, occurred_at=at(3, 30, 12, 345))
    other = Activity.objects.create(member=member, kind=Activity.Kind.LOGIN, occurred_at=at(3, 30, 12, 345))

    _migrate_to_the_minute()

    assert Activity.objects.get(kind=Activity.Kind.EVENT_ATTENDANCE).occurred_at == at(3, 30)
    other.refresh_from_db()
    assert other.occurred_at == at(3, 30, 12, 345)  # only attendance is dated by an event
