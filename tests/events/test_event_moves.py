"""An event moved in the admin, also by changing only its time zone (the form reads its times in the zone chosen in
it): the coordinator is told where it now starts, its registrants are emailed the new start and reminded again
before it; an upcoming event is not moved into the past, and none is published there for the first time (a new one,
a draft, a copy)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from cop_platform.models import OutboxEmail
from events.models import Event, Registration
from tests.factories import MemberFactory
from tests.support.together import posted_twice_at_once, postgresql_only

from .factories import EventFactory, RegistrationFactory
from .test_admin_and_validation import _event_form, _split

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 2  # a March well ahead, whatever the day the tests run


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


# --- Registrants are told -----------------------------------------------------------------------------------


def _weekday_ru(day: int) -> str:
    return ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"][
        datetime(YEAR, 3, day).weekday()
    ]


NEW_TIME = ("New time: ", "Новое время: ")  # each in the registrant's language


def _moved_emails(mailoutbox) -> dict[str, object]:
    return {message.to[0]: message for message in mailoutbox if message.subject.startswith(NEW_TIME)}


def test_a_new_date_emails_each_registrant_the_new_start_in_their_own_zone_and_language(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    """They were reminded again before the new start, but never told it: the reminder came a day before a date they
    did not expect (or never, to one who had cancelled their plans for the old one)."""
    in_yangon = RegistrationFactory(event=event, member=MemberFactory(time_zone="Asia/Yangon")).member
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED,
                                  member=MemberFactory(time_zone="Asia/Yangon")).member  # fmt: skip
    in_moscow = RegistrationFactory(event=event, member=MemberFactory(time_zone="Europe/Moscow", language="ru")).member
    gone = RegistrationFactory(event=event, status=Registration.Status.CANCELLED).member
    old_day, new_day = datetime(YEAR, 3, 10).strftime("%A"), datetime(YEAR, 3, 11).strftime("%A")

    with django_capture_on_commit_callbacks(execute=True):
        response = _saved(
            coordinator_client, event, starts_at_0=f"{YEAR}-03-11", ends_at_0=f"{YEAR}-03-11", capacity=""
        )

    told = _moved_emails(mailoutbox)
    assert len(mailoutbox) == len(told) == 4  # once each, and nothing else
    assert gone.email not in told
    assert told[in_yangon.email].subject == f"New time: {event.title}"
    body = told[in_yangon.email].body
    assert f"When: {new_day} 11 March {YEAR}, 10:00 (Asia/Yangon)" in body
    assert f"It was planned for {old_day} 10 March {YEAR}, 10:00 (Asia/Yangon)." in body
    assert f"/events/{event.slug}/" in body
    assert "so the next person on the waitlist gets the seat" in body
    assert "You are still on the waitlist" in told[waiting.email].body
    assert "(UTC)" in told[event.registrations.first().member.email].body  # no zone of their own: the site's
    assert told[in_moscow.email].subject == f"Новое время: {event.title}"
    in_russian = told[in_moscow.email].body
    assert f"Когда: {_weekday_ru(11)}, 11 марта {YEAR} г. 6:30 (Europe/Moscow)" in in_russian  # 03:30 UTC
    assert (messages.SUCCESS, "4 registrants were told of the new time.") in _said(response)


def test_a_new_time_zone_alone_emails_the_registrants_the_new_start(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    member = RegistrationFactory(event=event, member=MemberFactory(time_zone="Asia/Yangon")).member

    with django_capture_on_commit_callbacks(execute=True):
        response = _saved(coordinator_client, event, time_zone="Europe/Moscow")  # 10:00 Moscow: 13:30 in Yangon

    assert f"10 March {YEAR}, 13:30 (Asia/Yangon)" in _moved_emails(mailoutbox)[member.email].body
    assert (messages.SUCCESS, "2 registrants were told of the new time.") in _said(response)


def test_the_email_waits_for_the_save_to_commit(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _saved(coordinator_client, event, starts_at_0=f"{YEAR}-03-11", ends_at_0=f"{YEAR}-03-11")

    assert mailoutbox == []  # kept in the outbox, with the save, until it commits
    assert [e.payload["subject"] for e in OutboxEmail.objects.all()] == [f"New time: {event.title}"]
    for callback in callbacks:
        callback()
    assert len(_moved_emails(mailoutbox)) == 1


def test_a_second_save_of_the_same_move_or_a_save_that_moves_nothing_emails_nobody(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    new_date = {"starts_at_0": f"{YEAR}-03-11", "ends_at_0": f"{YEAR}-03-11"}
    with django_capture_on_commit_callbacks(execute=True):
        _saved(coordinator_client, event, **new_date)
    assert len(mailoutbox) == 1
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = _saved(coordinator_client, event, **new_date)  # the same form sent again (a double click)
        retitled = _saved(coordinator_client, Event.objects.get(pk=event.pk), title="Budget webinar, second run")

    assert mailoutbox == []
    assert not any("told of the new time" in text for _level, text in _said(again) + _said(retitled))


def test_a_cancelled_events_registrants_are_not_told_of_a_new_time(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    event.status = Event.Status.CANCELLED
    event.save()

    with django_capture_on_commit_callbacks(execute=True):
        _saved(coordinator_client, event, status="cancelled", starts_at_0=f"{YEAR}-03-11", ends_at_0=f"{YEAR}-03-11")

    assert mailoutbox == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_move_at_once_email_each_registrant_once():
    """A double click on "Save": each request is one transaction, the second waits for the first's lock on the event
    and finds it moved already."""
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    for _round in range(3):  # a race that loses only sometimes should still show up
        starts = datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC)
        event = EventFactory(slug=f"moved-{_round}", starts_at=starts, ends_at=starts + timedelta(minutes=90))
        registrant = RegistrationFactory(event=event).member
        data = _event_form(title=event.title, slug=event.slug, join_url=event.join_url,
                           starts_at=starts + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1))  # fmt: skip
        url = reverse("admin:events_event_change", args=[event.pk])

        results = posted_twice_at_once(coordinator, url, data)

        assert results == [302, 302]
        moved = [e for e in OutboxEmail.objects.all() if e.payload["subject"].startswith("New time")]
        assert [e.payload["to"] for e in moved] == [[registrant.email]]
        OutboxEmail.objects.all().delete()


# --- The registration deadline moves with the zone ---------------------------------------------------------


def test_a_new_zone_alone_says_the_registration_deadline_moved_too(coordinator_client):
    """Read in the new zone like the times: registration closed hours earlier or later, and nothing said so."""
    starts = datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC)  # 10:00 in Yangon
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(minutes=90),
                         registration_deadline=starts - timedelta(days=1))  # fmt: skip

    response = _saved(
        coordinator_client, event, time_zone="Europe/Moscow",
        registration_deadline_0=f"{YEAR}-03-09", registration_deadline_1="10:00:00",
    )  # fmt: skip

    assert Event.objects.get(pk=event.pk).registration_deadline == datetime(YEAR, 3, 9, 7, 0, tzinfo=UTC)
    (level, said), *_rest = [(level, text) for level, text in _said(response) if "now starts at" in text]
    assert level == messages.WARNING
    assert said.endswith(
        f"Its registration deadline was read in the new time zone too: registration now closes at 9 March {YEAR}, "
        f"10:00. To keep it at its former time, enter 9 March {YEAR}, 06:30 as its deadline."
    )


def test_a_new_zone_that_moves_only_the_deadline_says_so(coordinator_client):
    """The start typed again in the new zone (as the warning advises), the deadline left as it read."""
    starts = datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(minutes=90),
                         registration_deadline=starts - timedelta(days=1))  # fmt: skip

    response = _saved(
        coordinator_client, event, time_zone="Europe/Moscow",
        starts_at_0=f"{YEAR}-03-10", starts_at_1="06:30:00", ends_at_0=f"{YEAR}-03-10", ends_at_1="08:00:00",
        registration_deadline_0=f"{YEAR}-03-09", registration_deadline_1="10:00:00",
    )  # fmt: skip

    assert (
        messages.WARNING,
        f"Its registration deadline was read in the new time zone too: registration now closes at 9 March {YEAR}, "
        f"10:00. To keep it at its former time, enter 9 March {YEAR}, 06:30 as its deadline.",
    ) in _said(response)


# --- Not into the past --------------------------------------------------------------------------------------


def test_an_upcoming_event_is_not_moved_into_the_past(coordinator_client, event, mailoutbox):
    """A year typed wrong moved it into the past without a word: registration closed, the page said it had taken
    place."""
    response = _saved(coordinator_client, event, starts_at_0=f"{YEAR - 3}-03-10", ends_at_0=f"{YEAR - 3}-03-10")

    assert "This start is in the past. An upcoming event cannot be moved into the past: check the date." in str(
        response.context["adminform"].form.errors["starts_at"]
    )
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at
    assert not OutboxEmail.objects.exists()


def test_a_past_events_text_and_times_can_still_be_corrected(coordinator_client):
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(minutes=90))

    retitled = _saved(coordinator_client, event, title="Budget webinar (recorded)")
    earlier = dict(zip(["starts_at_0", "starts_at_1"], _split(starts - timedelta(hours=1)), strict=True))
    moved = _saved(coordinator_client, Event.objects.get(pk=event.pk), **earlier)

    assert retitled.redirect_chain and moved.redirect_chain  # saved, back to the list
    saved = Event.objects.get(pk=event.pk)
    assert (saved.title, saved.starts_at) == ("Budget webinar (recorded)", starts - timedelta(hours=1))
    assert not OutboxEmail.objects.exists()  # a past event's registrants are not told of a new time


PUBLISHED_IN_THE_PAST = (
    "This start is in the past: an event cannot be published with a start in the past. Check the date (a copy keeps "
    "the dates of the event it was copied from), or keep it a draft."
)


def test_a_new_event_is_not_published_with_a_start_in_the_past(coordinator_client):
    starts = timezone.now() - timedelta(days=2)

    response = coordinator_client.post(reverse("admin:events_event_add"), _event_form(starts_at=starts))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [PUBLISHED_IN_THE_PAST]
    assert not Event.objects.exists()


def test_a_copy_of_a_past_event_is_not_published_unchanged_but_may_be_kept_a_draft(coordinator_client):
    """A copy keeps the dates of the event it copies: published as it was made, it announced an event gone."""
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(days=30)
    original = EventFactory(slug="budget-clinic", starts_at=starts, ends_at=starts + timedelta(hours=1))
    coordinator_client.post(
        reverse("admin:events_event_changelist"), {"action": "duplicate_events", "_selected_action": [original.pk]}
    )
    copy = Event.objects.get(slug="budget-clinic-copy")

    published = _saved(coordinator_client, copy, status="published")
    kept_a_draft = _saved(coordinator_client, copy, status="draft", title="Budget clinic (next one)")

    assert published.context["adminform"].form.errors["starts_at"] == [PUBLISHED_IN_THE_PAST]
    assert kept_a_draft.redirect_chain  # saved, back to the list
    assert Event.objects.get(pk=copy.pk).status == Event.Status.DRAFT


def test_a_draft_is_published_once_its_start_is_to_come(coordinator_client):
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)
    draft = EventFactory(status=Event.Status.DRAFT, starts_at=starts, ends_at=starts + timedelta(hours=1))
    to_come = starts + timedelta(days=30)

    # Each moved by its own date: an hour after the start is the next day in Yangon when the test runs between
    # 16:30 and 17:30 UTC.
    ends_date = _split(to_come + timedelta(hours=1))[0]
    response = _saved(
        coordinator_client, draft, status="published", starts_at_0=_split(to_come)[0], ends_at_0=ends_date
    )

    assert response.redirect_chain
    published = Event.objects.get(pk=draft.pk)
    assert (published.status, published.starts_at) == (Event.Status.PUBLISHED, to_come)


def test_a_save_of_an_event_stored_to_the_microsecond_moves_nothing(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    """The form gives times to the second: an event made by the demo data (times to the microsecond) came back a
    few microseconds earlier, and a save of its title emailed its registrants a "new" time. Events are saved on the
    minute now; one stored finer before migration 0005 (or by an UPDATE) is compared on the minute."""
    event = EventFactory(
        starts_at=datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC), ends_at=datetime(YEAR, 3, 10, 5, tzinfo=UTC),
        time_zone="Asia/Yangon",
    )  # fmt: skip
    Event.objects.filter(pk=event.pk).update(starts_at=datetime(YEAR, 3, 10, 3, 30, 0, 123456, tzinfo=UTC))
    RegistrationFactory(event=event)
    sequence = event.sequence

    with django_capture_on_commit_callbacks(execute=True):
        response = _saved(coordinator_client, event, title="A clearer title")

    assert response.status_code == 200
    stored = Event.objects.get(pk=event.pk)
    assert stored.title == "A clearer title" and stored.starts_at == event.starts_at and stored.sequence == sequence
    assert _moved_emails(mailoutbox) == {}
    assert not [m for m in _said(response) if "now starts" in m[1]]
