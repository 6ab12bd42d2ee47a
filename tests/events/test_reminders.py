"""The reminder a day before: exactly once per registrant, even when the task runs twice or a worker died."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.tasks import send_event_reminders_task

from .factories import EventFactory, RegistrationFactory, in_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_reminders(django_capture_on_commit_callbacks):
    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_event_reminders_task.delay().get()

    return run


def test_each_registrant_gets_exactly_one_reminder_when_the_task_runs_twice(run_reminders, mailoutbox):
    event = EventFactory(title="Open data webinar", starts_at=in_hours(3), venue="Room 4, Ministry of Planning")
    first, second = RegistrationFactory.create_batch(2, event=event)

    assert run_reminders() == 2
    assert run_reminders() == 0

    assert sorted(email.to[0] for email in mailoutbox) == sorted([first.member.email, second.member.email])
    assert {email.subject for email in mailoutbox} == {"Reminder: Open data webinar"}
    body = mailoutbox[0].body
    assert "Open data webinar" in body and "Room 4, Ministry of Planning" in body
    assert event.get_absolute_url() in body
    assert event.join_url not in body
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.reminder_sent_at is not None
        assert registration.reminder_claimed_at is not None


def test_it_reminds_an_event_just_inside_the_24_hours_and_not_one_just_outside(run_reminders, mailoutbox):
    inside = RegistrationFactory(event=EventFactory(starts_at=in_hours(23.9)))
    outside = RegistrationFactory(event=EventFactory(starts_at=in_hours(24.2)))

    assert run_reminders() == 1

    assert [email.to[0] for email in mailoutbox] == [inside.member.email]
    outside.refresh_from_db()
    assert outside.reminder_sent_at is None


def test_it_sends_nothing_for_events_far_away_past_cancelled_or_for_registrations_not_holding_a_seat(
    run_reminders, mailoutbox
):
    RegistrationFactory(event=EventFactory(starts_at=in_hours(72)))
    RegistrationFactory(event=EventFactory(starts_at=in_hours(-2)))  # started two hours ago, still running
    RegistrationFactory(event=EventFactory(starts_at=in_hours(-48)))
    RegistrationFactory(event=EventFactory(starts_at=in_hours(5), status=Event.Status.CANCELLED))
    RegistrationFactory(event=EventFactory(starts_at=in_hours(5), status=Event.Status.DRAFT))
    soon = EventFactory(starts_at=in_hours(5), capacity=1)
    RegistrationFactory(event=soon, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=soon, status=Registration.Status.WAITLISTED)

    assert run_reminders() == 0

    assert mailoutbox == []
    assert not Registration.objects.filter(reminder_sent_at__isnull=False).exists()
    assert not Registration.objects.filter(reminder_claimed_at__isnull=False).exists()


def test_a_stale_claim_left_by_a_dead_worker_is_sent_again(run_reminders, mailoutbox):
    registration = RegistrationFactory(
        event=EventFactory(starts_at=in_hours(6)), reminder_claimed_at=timezone.now() - timedelta(minutes=16)
    )

    assert run_reminders() == 1

    assert [email.to[0] for email in mailoutbox] == [registration.member.email]
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
    assert registration.reminder_claimed_at > timezone.now() - timedelta(minutes=1)


def test_a_fresh_claim_is_left_to_the_worker_that_holds_it(run_reminders, mailoutbox):
    claimed_at = timezone.now() - timedelta(minutes=5)
    registration = RegistrationFactory(event=EventFactory(starts_at=in_hours(6)), reminder_claimed_at=claimed_at)

    assert run_reminders() == 0

    assert mailoutbox == []
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None
    assert registration.reminder_claimed_at == claimed_at


def test_a_sent_reminder_is_never_sent_again_even_with_an_old_claim(run_reminders, mailoutbox):
    RegistrationFactory(
        event=EventFactory(starts_at=in_hours(6)),
        reminder_claimed_at=timezone.now() - timedelta(hours=2),
        reminder_sent_at=timezone.now() - timedelta(hours=2),
    )

    assert run_reminders() == 0
    assert mailoutbox == []


def test_a_member_promoted_from_the_waitlist_after_the_run_is_reminded_by_the_next_run(run_reminders, mailoutbox):
    event = EventFactory(starts_at=in_hours(10), capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    assert run_reminders() == 1

    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.REGISTERED)

    assert run_reminders() == 1
    assert mailoutbox[-1].to == [waiting.member.email]


def test_an_account_deactivated_or_being_deleted_gets_no_reminder(run_reminders, mailoutbox):
    event = EventFactory(starts_at=in_hours(3))
    kept, closed = RegistrationFactory.create_batch(2, event=event)
    type(closed.member).objects.filter(pk=closed.member.pk).update(is_active=False)

    assert run_reminders() == 1
    assert [email.to for email in mailoutbox] == [[kept.member.email]]


def test_an_event_moved_in_the_admin_reminds_its_registrants_again_before_the_new_start(
    run_reminders, mailoutbox, client, coordinator
):
    """The reminder sent for the old date kept them from one before the new: nobody was reminded of the move."""
    from datetime import UTC

    from django.urls import reverse

    from .test_admin_and_validation import _event_form

    event = EventFactory(slug="budget-webinar", starts_at=in_hours(3))
    RegistrationFactory(event=event)
    assert run_reminders() == 1
    client.force_login(coordinator)
    moved = in_hours(30).astimezone(UTC)

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _event_form(slug=event.slug, time_zone="UTC", starts_at=moved, ends_at=moved + timedelta(hours=1)),
    )

    assert response.status_code == 302
    assert run_reminders() == 0  # not yet: 30 hours away
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(hours=20))
    assert run_reminders() == 1


@pytest.mark.parametrize(
    "language, subject",
    [
        ("en", "Reminder: Open data webinar"),
        ("ru", "Напоминание: Open data webinar"),
        # Written "သတိပေးချက်- …", with a hyphen, where every other event email and language has a colon.
        ("my", "သတိပေးချက်: Open data webinar"),
    ],
)
def test_the_reminders_subject_is_in_the_members_language_like_the_other_event_emails(
    run_reminders, mailoutbox, language, subject
):
    from tests.factories import MemberFactory

    RegistrationFactory(event=EventFactory(title="Open data webinar", starts_at=in_hours(3)),
                        member=MemberFactory(language=language))  # fmt: skip

    assert run_reminders() == 1
    assert [email.subject for email in mailoutbox] == [subject]
