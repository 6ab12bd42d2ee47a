"""An event moved in the admin, also by changing only its time zone (the form reads its times in the zone chosen in
it): the coordinator is told where it now starts, and its registrants are reminded again before the new start."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration

from .factories import EventFactory, RegistrationFactory
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 2  # a March well ahead, whatever the day the tests run


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def event():
    """10:00 to 11:30 in Yangon (UTC+06:30), with a registrant already reminded."""
    starts = datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC)
    event = EventFactory(slug="budget-webinar", starts_at=starts, ends_at=starts + timedelta(minutes=90))
    RegistrationFactory(event=event, reminder_sent_at=timezone.now(), reminder_claimed_at=timezone.now())
    return event


def _saved(client, event, **changes):
    """The event's form as it stands (its times as the form shows them, in Yangon), with `changes`, saved."""
    data = _event_form(
        title=event.title, slug=event.slug, join_url=event.join_url, starts_at=event.starts_at, ends_at=event.ends_at
    )
    data.update(changes)
    return client.post(reverse("admin:events_event_change", args=[event.pk]), data, follow=True)


def _said(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


def test_changing_only_the_time_zone_moves_the_event_and_warns_where_it_now_starts(coordinator_client, event):
    """10:00 stays 10:00, now in Moscow (UTC+03:00): 07:00 UTC, three and a half hours later. Nothing said so."""
    response = _saved(coordinator_client, event, time_zone="Europe/Moscow")

    moved = Event.objects.get(pk=event.pk)
    assert moved.starts_at == datetime(YEAR, 3, 10, 7, 0, tzinfo=UTC)
    assert (
        messages.WARNING,
        f"The event now starts at 10 March {YEAR}, 10:00 (MSK, Europe/Moscow): moved 3\xa0hours, 30\xa0minutes later. "
        f"Its times were read in the new time zone. To keep it at its former time, enter 10 March {YEAR}, 06:30 "
        "as its start.",
    ) in _said(response)


def test_changing_only_the_time_zone_reminds_the_registrants_again_and_revises_the_calendar_file(
    coordinator_client, event
):
    _saved(coordinator_client, event, time_zone="Europe/Moscow")

    assert Registration.objects.filter(event=event, reminder_sent_at=None, reminder_claimed_at=None).count() == 1
    assert Event.objects.get(pk=event.pk).sequence == 1


def test_a_zone_moving_the_event_earlier_says_earlier(coordinator_client, event):
    response = _saved(coordinator_client, event, time_zone="Asia/Tokyo")  # UTC+09:00: 01:00 UTC

    assert Event.objects.get(pk=event.pk).starts_at == datetime(YEAR, 3, 10, 1, 0, tzinfo=UTC)
    assert any(
        f"now starts at 10 March {YEAR}, 10:00 (JST, Asia/Tokyo): moved 2\xa0hours, 30\xa0minutes earlier." in text
        for _level, text in _said(response)
    )


def test_a_new_zone_with_the_times_entered_in_it_moves_nothing(coordinator_client, event):
    """As the warning says to do: the same instant, in the new zone. A revision for calendars (the zone they
    show), but no move: the reminder already sent stands."""
    response = _saved(
        coordinator_client, event, time_zone="Europe/Moscow",
        starts_at_0=f"{YEAR}-03-10", starts_at_1="06:30:00", ends_at_0=f"{YEAR}-03-10", ends_at_1="08:00:00",
    )  # fmt: skip

    kept = Event.objects.get(pk=event.pk)
    assert (kept.starts_at, kept.time_zone, kept.sequence) == (event.starts_at, "Europe/Moscow", 1)
    assert not any("now starts at" in text for _level, text in _said(response))
    assert not Registration.objects.filter(event=event, reminder_sent_at=None).exists()


def test_a_new_date_typed_in_the_same_zone_is_confirmed_without_a_warning(coordinator_client, event):
    response = _saved(coordinator_client, event, starts_at_0=f"{YEAR}-03-11", ends_at_0=f"{YEAR}-03-11")

    assert (
        messages.SUCCESS,
        f"The event now starts at 11 March {YEAR}, 10:00 (+0630, Asia/Yangon): moved 1\xa0day later.",
    ) in _said(response)
    assert Registration.objects.filter(event=event, reminder_sent_at=None).count() == 1


def test_a_start_that_does_not_exist_in_the_new_zone_is_refused_before_anything_is_saved(coordinator_client):
    """The coordinator sees the doubt while the form is still open: on 28 March 2027 London's clocks skip from
    01:00 to 02:00."""
    starts = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), time_zone="UTC")

    response = _saved(
        coordinator_client, event, time_zone="Europe/London",
        starts_at_0="2027-03-28", starts_at_1="01:30:00", ends_at_0="2027-03-28", ends_at_1="03:30:00",
    )  # fmt: skip

    assert "may be ambiguous or it may not exist" in response.content.decode()
    assert Event.objects.get(pk=event.pk).time_zone == "UTC"
