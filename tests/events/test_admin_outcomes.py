"""The events admin's actions say what they did, as it happened: nothing applied is a warning that says why, never
"0 … were told." as a success; and attendance is not marked for an event that has not started."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from events import services
from events.models import Event, Registration, TopicSuggestion
from members.models import Activity

from .factories import EventFactory, RegistrationFactory, in_hours
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db


def _said(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def _action(client, model, action, objects):
    return client.post(
        reverse(f"admin:events_{model}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )


# --- Attendance: not before the event ----------------------------------------------------------------------


def test_attendance_is_not_marked_for_an_event_that_has_not_started():
    held, coming = EventFactory(starts_at=in_hours(-3)), EventFactory(starts_at=in_hours(2))
    came, registered = RegistrationFactory(event=held), RegistrationFactory(event=coming)
    selected = Registration.objects.filter(pk__in=[came.pk, registered.pk]).select_related("member", "event")

    outcome = services.attendance_mark(registrations=selected, attended=True)

    assert (outcome.marked, outcome.unchanged, outcome.not_started) == (1, 0, 1)
    came.refresh_from_db()
    registered.refresh_from_db()
    assert (came.attended, registered.attended) == (True, None)
    assert list(Activity.objects.filter(kind=Activity.Kind.EVENT_ATTENDANCE).values_list("member", flat=True)) == [
        came.member_id
    ]


@pytest.mark.parametrize(
    ("action", "said"),
    [("mark_attended", "1 registration marked as attended."), ("mark_no_show", "1 registration marked as no-show.")],
)
def test_the_admin_marks_the_events_held_and_says_how_many_it_left_because_their_event_has_not_started(
    coordinator_client, action, said
):
    """A click on the wrong rows marked next week's registrants as no-shows (or as attended, which the indicators
    count)."""
    held, coming = EventFactory(starts_at=in_hours(-3)), EventFactory(starts_at=in_hours(2))
    past = RegistrationFactory(event=held)
    upcoming = RegistrationFactory.create_batch(2, event=coming)

    response = _action(coordinator_client, "registration", action, [past, *upcoming])

    assert _said(response) == [
        (messages.SUCCESS, said),
        (messages.WARNING, "2 registrations were left unchanged: their event has not started yet."),
    ]
    assert list(Registration.objects.filter(event=coming).values_list("attended", flat=True)) == [None, None]
    assert Registration.objects.get(pk=past.pk).attended is (action == "mark_attended")


def test_marking_only_registrations_of_an_event_to_come_says_nothing_was_marked_and_why(coordinator_client):
    registration = RegistrationFactory(event=EventFactory(starts_at=in_hours(2)))

    response = _action(coordinator_client, "registration", "mark_no_show", [registration])

    assert _said(response) == [
        (messages.WARNING, "1 registration was left unchanged: its event has not started yet."),
    ]
    assert Registration.objects.get(pk=registration.pk).attended is None


# --- Cancelling --------------------------------------------------------------------------------------------


def test_cancelling_events_already_cancelled_says_no_event_was_cancelled(coordinator_client, mailoutbox):
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    RegistrationFactory(event=cancelled)

    response = _action(coordinator_client, "event", "cancel_events", [cancelled])

    assert _said(response) == [
        (
            messages.WARNING,
            "No event was cancelled. 1 event was cancelled already: its registrants were not told again.",
        )
    ]
    assert mailoutbox == []


def test_cancelling_only_drafts_says_no_event_was_cancelled_and_why(coordinator_client):
    draft = EventFactory(status=Event.Status.DRAFT)

    response = _action(coordinator_client, "event", "cancel_events", [draft])

    assert _said(response) == [
        (messages.WARNING, "No event was cancelled."),
        (
            messages.WARNING,
            "1 draft stays a draft: it was never announced, and a cancelled event is shown to everyone. "
            "Delete it if it will not take place.",
        ),
    ]
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT


def test_cancelling_events_nobody_registered_for_says_how_many_were_cancelled(
    coordinator_client, django_capture_on_commit_callbacks, mailoutbox
):
    quiet = EventFactory.create_batch(2)
    told = EventFactory()
    RegistrationFactory.create_batch(2, event=told)
    already = EventFactory(status=Event.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(coordinator_client, "event", "cancel_events", [*quiet, told, already])

    assert _said(response) == [
        (
            messages.SUCCESS,
            "3 events were cancelled. 2 registrants were told. 1 event was cancelled already: its registrants "
            "were not told again.",
        )
    ]
    assert len(mailoutbox) == 2

    response = _action(coordinator_client, "event", "cancel_events", [EventFactory()])
    assert _said(response) == [(messages.SUCCESS, "1 event was cancelled. There was no registrant to tell.")]


def test_cancelling_in_the_form_an_event_nobody_registered_for_says_there_was_nobody_to_tell(coordinator_client):
    data = _event_form(status="cancelled")
    event = EventFactory(slug=data["slug"])

    response = coordinator_client.post(reverse("admin:events_event_change", args=[event.pk]), data, follow=True)

    assert (messages.INFO, "There was no registrant to tell of the cancellation.") in _said(response)
    assert not [text for _level, text in _said(response) if "0 registrants" in text]
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED


# --- Duplicating, declining topics -------------------------------------------------------------------------


def test_duplicating_says_how_many_events_were_copied(coordinator_client):
    events = EventFactory.create_batch(2)

    response = _action(coordinator_client, "event", "duplicate_events", events)

    assert _said(response) == [(messages.SUCCESS, "2 events copied as drafts: adjust their dates before publishing.")]
    assert Event.objects.filter(status=Event.Status.DRAFT).count() == 2


def test_declining_topics_not_planned_already_says_none_was_declined(coordinator_client):
    topic = TopicSuggestion.objects.create(title="Open contracting", status=TopicSuggestion.Status.DECLINED)
    scheduled = TopicSuggestion.objects.create(
        title="Budget literacy", status=TopicSuggestion.Status.SCHEDULED, event=EventFactory()
    )

    response = _action(coordinator_client, "topicsuggestion", "decline_topics", [topic, scheduled])

    assert _said(response) == [
        (
            messages.WARNING,
            "No topic was marked as not planned. 1 topic was not planned already. 1 scheduled topic was left as it is.",
        )
    ]
    scheduled.refresh_from_db()
    assert scheduled.status == TopicSuggestion.Status.SCHEDULED
