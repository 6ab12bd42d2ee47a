"""After the event: the feedback survey, attendance (admin bulk actions and self check-in), the attendee CSV
and duplicating an event."""

import csv
import io

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import Event, Feedback, Registration
from members.models import Activity
from tests.communities.factories import CommunityFactory
from tests.factories import MemberFactory

from .factories import EventFactory, RegistrationFactory, in_hours

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _said(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def past_event():
    return EventFactory(starts_at=in_hours(-3))  # ended an hour and a half ago


def _feedback_url(event):
    return reverse("events:feedback", args=[event.slug])


# --- Feedback ----------------------------------------------------------------------------------------------


def test_an_attendee_gives_feedback_once(member_client, member, past_event):
    registration = RegistrationFactory(event=past_event, member=member, attended=True)
    assert "Give feedback" in member_client.get(past_event.get_absolute_url()).content.decode()
    assert member_client.get(_feedback_url(past_event)).status_code == 200

    response = member_client.post(
        _feedback_url(past_event), {"satisfaction": "4", "useful": " The country cases. ", "suggestions": ""}
    )

    assert response.status_code == 302
    assert _messages(response) == ["Thank you for your feedback."]
    feedback = Feedback.objects.get()
    assert (feedback.registration, feedback.satisfaction, feedback.useful) == (registration, 4, "The country cases.")
    assert "Give feedback" not in member_client.get(past_event.get_absolute_url()).content.decode()

    again = member_client.post(_feedback_url(past_event), {"satisfaction": "1"})

    assert again.status_code == 302
    assert _messages(again) == ["Feedback is open to attendees after the event, once."]
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().satisfaction == 4


def test_a_registrant_whose_attendance_is_not_marked_yet_may_give_feedback(member_client, member, past_event):
    RegistrationFactory(event=past_event, member=member, attended=None)

    member_client.post(_feedback_url(past_event), {"satisfaction": "5"})

    assert Feedback.objects.get().satisfaction == 5


def test_feedback_is_not_open_before_the_event_ends(member_client, member):
    running = EventFactory(starts_at=in_hours(-1))  # ends in half an hour
    RegistrationFactory(event=running, member=member, attended=True)

    response = member_client.post(_feedback_url(running), {"satisfaction": "5"})

    assert _messages(response) == ["Feedback is open to attendees after the event, once."]
    assert not Feedback.objects.exists()


def test_a_no_show_cannot_give_feedback(member_client, member, past_event):
    RegistrationFactory(event=past_event, member=member, attended=False)

    assert member_client.get(_feedback_url(past_event)).status_code == 302
    member_client.post(_feedback_url(past_event), {"satisfaction": "1"})

    assert not Feedback.objects.exists()


@pytest.mark.parametrize("status", [None, Registration.Status.WAITLISTED, Registration.Status.CANCELLED])
def test_a_member_who_did_not_hold_a_seat_cannot_give_feedback(member_client, member, past_event, status):
    if status:
        RegistrationFactory(event=past_event, member=member, status=status)
    RegistrationFactory(event=past_event, attended=True)  # someone else's seat

    response = member_client.post(_feedback_url(past_event), {"satisfaction": "3"})

    assert _messages(response) == ["Feedback is open to attendees after the event, once."]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "-1", "five", ""])
def test_a_score_outside_one_to_five_gets_a_form_error(member_client, member, past_event, score):
    RegistrationFactory(event=past_event, member=member, attended=True)

    response = member_client.post(_feedback_url(past_event), {"satisfaction": score})

    assert response.status_code == 200
    errors = response.context["form"].errors["satisfaction"]
    assert errors == (
        ["Choose a score from 1 to 5."]
        if score == ""
        else [f"Select a valid choice. {score} is not one of the available choices."]
    )
    assert not Feedback.objects.exists()


# --- Attendance in the admin -------------------------------------------------------------------------------


def _registration_action(client, action, registrations):
    return client.post(
        reverse("admin:events_registration_changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


def test_the_admin_marks_attendance_in_bulk_and_records_it_once(client, coordinator, past_event):
    came, stayed_away = RegistrationFactory.create_batch(2, event=past_event)
    waiting = RegistrationFactory(event=past_event, status=Registration.Status.WAITLISTED)
    client.force_login(coordinator)

    response = _registration_action(client, "mark_attended", [came, waiting])
    assert _said(response) == [
        (
            messages.SUCCESS,
            "1 registration marked as attended. 1 registration was left unchanged: already marked that way, or "
            "holding no seat (on the waitlist or cancelled).",
        )
    ]
    response = _registration_action(client, "mark_no_show", [stayed_away])
    assert _said(response) == [(messages.SUCCESS, "1 registration marked as no-show.")]
    response = _registration_action(client, "mark_attended", [came])  # again: nothing new, and said as a warning
    assert _said(response) == [
        (
            messages.WARNING,
            "No registration was marked as attended. 1 registration was left unchanged: already marked that way, "
            "or holding no seat (on the waitlist or cancelled).",
        )
    ]

    for registration in (came, stayed_away, waiting):
        registration.refresh_from_db()
    assert (came.attended, stayed_away.attended, waiting.attended) == (True, False, None)
    records = Activity.objects.filter(kind=Activity.Kind.EVENT_ATTENDANCE)
    assert list(records.values_list("member", flat=True)) == [came.member_id]
    assert records.get().occurred_at == past_event.starts_at


def test_correcting_attendance_back_and_forth_records_the_attendance_once(client, coordinator, past_event):
    registration = RegistrationFactory(event=past_event)
    client.force_login(coordinator)

    _registration_action(client, "mark_attended", [registration])
    _registration_action(client, "mark_no_show", [registration])
    _registration_action(client, "mark_attended", [registration])

    registration.refresh_from_db()
    assert registration.attended is True
    assert Activity.objects.filter(kind=Activity.Kind.EVENT_ATTENDANCE).count() == 1


# --- Check-in ----------------------------------------------------------------------------------------------


def _check_in(client, event, code):
    return client.post(reverse("events:check_in", args=[event.slug]), {"code": code})


def test_checking_in_with_the_right_code_during_the_event_marks_attendance(member_client, member):
    event = EventFactory(starts_at=in_hours(-0.5), checkin_code="A1B2C3")
    registration = RegistrationFactory(event=event, member=member)
    assert member_client.get(reverse("events:check_in", args=[event.slug])).status_code == 200

    response = _check_in(member_client, event, " a1b2c3 ")

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert _messages(response) == ["You are checked in. Welcome!"]
    registration.refresh_from_db()
    assert registration.attended is True
    assert registration.checked_in_at is not None
    # Checking in again (or the coordinator marking it afterwards) does not record the attendance twice.
    _check_in(member_client, event, "A1B2C3")
    assert Activity.objects.filter(member=member, kind=Activity.Kind.EVENT_ATTENDANCE).count() == 1


def test_check_in_opens_half_an_hour_before_the_start(member_client, member):
    event = EventFactory(starts_at=in_hours(0.4), checkin_code="A1B2C3")
    RegistrationFactory(event=event, member=member)

    assert _check_in(member_client, event, "A1B2C3").status_code == 302

    assert Registration.objects.get(member=member).attended is True


def test_a_wrong_code_gets_a_clear_form_error(member_client, member):
    event = EventFactory(starts_at=in_hours(-0.5), checkin_code="A1B2C3")
    RegistrationFactory(event=event, member=member)

    response = _check_in(member_client, event, "ZZZZZZ")

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["That code is not right. Check the code shown at the event."]
    assert "That code is not right." in response.content.decode()
    registration = Registration.objects.get(member=member)
    assert (registration.attended, registration.checked_in_at) == (None, None)


@pytest.mark.parametrize("starts_in_hours", [2, -3])  # too early; more than an hour after the end
def test_check_in_is_refused_outside_its_window(member_client, member, starts_in_hours):
    event = EventFactory(starts_at=in_hours(starts_in_hours), checkin_code="A1B2C3")
    RegistrationFactory(event=event, member=member)

    response = _check_in(member_client, event, "A1B2C3")

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Check-in opens 30 minutes before the event and closes an hour after it ends."
    ]
    assert Registration.objects.get(member=member).attended is None
    assert not Activity.objects.filter(kind=Activity.Kind.EVENT_ATTENDANCE).exists()


def test_a_member_on_the_waitlist_cannot_check_in(member_client, member):
    event = EventFactory(starts_at=in_hours(-0.5), checkin_code="A1B2C3", capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, member=member, status=Registration.Status.WAITLISTED)

    response = _check_in(member_client, event, "A1B2C3")

    assert response.context["form"].errors["code"] == ["You are not registered for this event."]
    assert Registration.objects.get(member=member).attended is None


# --- Attendee export and duplication -----------------------------------------------------------------------


def test_the_admin_exports_the_live_registrations_as_csv(client, coordinator):
    event = EventFactory(title="Gender equality roundtable", capacity=1)
    registered = RegistrationFactory(event=event, attended=True, member=MemberFactory(full_name="Hnin Wai"))
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED, member=MemberFactory(full_name="Gone"))
    RegistrationFactory(event=EventFactory(title="Another event"))
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:events_event_changelist"), {"action": "export_attendees", "_selected_action": [event.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="attendees.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["event", "starts_at", "name", "email", "organization", "country", "gender", "status",
                       "registered_at", "attended"]  # fmt: skip
    assert [row[3] for row in rows[1:]] == [registered.member.email, waiting.member.email]
    first = rows[1]
    assert first[:3] == ["Gender equality roundtable", event.starts_at.isoformat(), "Hnin Wai"]
    assert first[4:8] == ["Ministry of Planning", "MM", "female", "registered"]
    assert first[9] == "yes"
    assert (rows[2][7], rows[2][9]) == ("waitlisted", "")


def test_the_admin_duplicates_an_event_as_a_draft(client, coordinator):
    communities = CommunityFactory.create_batch(2)
    speaker = MemberFactory()
    event = EventFactory(
        title="Data literacy bootcamp", slug="data-literacy-bootcamp", communities=communities,
        speaker_members=[speaker], recording_url="https://video.example.org/bootcamp", capacity=25,
    )  # fmt: skip
    RegistrationFactory(event=event)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "duplicate_events", "_selected_action": [event.pk]},
        follow=True,
    )

    assert _messages(response) == ["1 event copied as a draft: adjust its dates before publishing."]
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.slug == "data-literacy-bootcamp-copy"
    assert copy.title == "Data literacy bootcamp (copy)"
    assert copy.status == Event.Status.DRAFT
    assert copy.recording_url == ""
    assert (copy.capacity, copy.starts_at, copy.join_url) == (25, event.starts_at, event.join_url)
    assert set(copy.communities.all()) == set(communities)
    assert list(copy.speaker_members.all()) == [speaker]
    assert not copy.registrations.exists()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)

    # A second copy gets a slug of its own.
    client.post(
        reverse("admin:events_event_changelist"), {"action": "duplicate_events", "_selected_action": [event.pk]}
    )
    assert Event.objects.filter(slug="data-literacy-bootcamp-copy-2").exists()


def test_a_cancelled_event_takes_no_feedback(member_client, member, past_event):
    RegistrationFactory(event=past_event, member=member)
    Event.objects.filter(pk=past_event.pk).update(status=Event.Status.CANCELLED)

    page = member_client.get(past_event.get_absolute_url()).content.decode()
    member_client.post(_feedback_url(past_event), {"satisfaction": "5"})

    assert "Give feedback" not in page
    assert not Feedback.objects.exists()
