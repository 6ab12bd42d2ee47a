"""An event's revision for calendars (its .ics SEQUENCE): counted once for each change of its time, place, join link
or status, so that a calendar that imported it takes the moved or cancelled event instead of keeping the old one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event

from .factories import EventFactory
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    starts = timezone.now().replace(second=0, microsecond=0) + timezone.timedelta(days=14)
    return EventFactory(slug="budget-webinar", starts_at=starts, ends_at=starts + timezone.timedelta(hours=2))


def _save(client, event, **changes) -> Event:
    data = _event_form(
        title=event.title, slug=event.slug, join_url=event.join_url, starts_at=event.starts_at, ends_at=event.ends_at
    )
    data.update(changes)
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Event.objects.get(pk=event.pk)


def test_a_new_event_is_at_its_first_revision(event):
    assert (event.sequence, event.revised_at) == (0, None)


@pytest.mark.parametrize(
    "change",
    [
        {"venue": "Ministry of Finance, room 4"},
        {"join_url": "https://meet.example.org/another-room"},
        {"ends_at_1": "23:59:00"},
        {"starts_at_1": "00:01:00"},
        {"time_zone": "Asia/Almaty"},
        {"status": "cancelled"},
        {"status": "draft"},
    ],
)
def test_each_change_of_its_time_place_link_or_status_in_the_admin_counts_one_revision(
    coordinator_client, event, change
):
    before = timezone.now()

    saved = _save(coordinator_client, event, **change)

    assert saved.sequence == 1
    assert saved.revised_at >= before


def test_changes_add_up_and_a_save_changing_none_of_them_counts_none(coordinator_client, event):
    first = _save(coordinator_client, event, venue="Room 1")
    second = _save(coordinator_client, first, venue="Room 2")
    unchanged = _save(coordinator_client, second, venue="Room 2", capacity="80", description="More **detail**.")

    assert [first.sequence, second.sequence, unchanged.sequence] == [1, 2, 2]
    assert unchanged.revised_at == second.revised_at


def test_a_new_title_is_a_newer_copy_of_the_same_revision(coordinator_client, event):
    """Calendars compare DTSTAMP when the SEQUENCE is the same: the title they show changes too."""
    renamed = _save(coordinator_client, event, title="Budget transparency webinar")

    assert renamed.sequence == 0
    assert renamed.revised_at is not None


def test_a_revision_counted_meanwhile_is_not_lost_when_the_form_is_saved(coordinator_client, event):
    """The form's event was read before the lock: writing it whole put back the count as read."""
    Event.objects.filter(pk=event.pk).update(sequence=5)

    assert _save(coordinator_client, event, venue="Room 1").sequence == 6


def test_cancelling_from_the_list_counts_one_revision_once(event):
    services.event_cancel(event=event)
    services.event_cancel(event=event)  # already cancelled: nothing changes

    cancelled = Event.objects.get(pk=event.pk)
    assert (cancelled.status, cancelled.sequence) == (Event.Status.CANCELLED, 1)
    assert cancelled.revised_at is not None


def test_a_copy_is_a_new_event_at_its_first_revision(coordinator_client, event):
    Event.objects.filter(pk=event.pk).update(sequence=3, revised_at=timezone.now())

    coordinator_client.post(
        reverse("admin:events_event_changelist"), {"action": "duplicate_events", "_selected_action": [event.pk]}
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    assert (copy.sequence, copy.revised_at) == (0, None)
