from datetime import UTC, datetime, timedelta

import pytest

from events.models import Event, Feedback, Registration
from events.selectors import event_figures_between
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)


def _event(slug, starts, status=Event.Status.PUBLISHED):
    return Event.objects.create(
        title=slug, slug=slug, status=status, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def test_it_counts_the_months_events_registrations_attendance_and_feedback():
    held = _event("held", NOV + timedelta(days=3))
    _event("cancelled", NOV + timedelta(days=4), status=Event.Status.CANCELLED)
    _event("next-month", DEC + timedelta(days=1))
    members = MemberFactory.create_batch(3)
    registrations = [
        Registration.objects.create(event=held, member=m, created_at=NOV + timedelta(days=1), attended=attended)
        for m, attended in zip(members, [True, True, False], strict=True)
    ]
    Registration.objects.create(event=held, member=MemberFactory(), created_at=NOV - timedelta(days=2))
    Feedback.objects.create(registration=registrations[0], satisfaction=5)
    Feedback.objects.create(registration=registrations[1], satisfaction=3)

    figures = event_figures_between(NOV, DEC)

    assert figures == {
        "events_held": 1,
        "registrations": 3,
        "attendance": 2,
        "feedback_mean": 4.0,
        "feedback_count": 2,
    }


def test_an_empty_month_has_zeros_and_no_mean():
    assert event_figures_between(NOV, DEC) == {
        "events_held": 0, "registrations": 0, "attendance": 0, "feedback_mean": None, "feedback_count": 0,
    }  # fmt: skip


def test_registering_again_after_cancelling_counts_once():
    """A register-cancel loop makes a new row each time: the month's figure counts each member once per event."""
    held = _event("held", NOV + timedelta(days=3))
    member, other = MemberFactory(), MemberFactory()
    for day in range(5):
        Registration.objects.create(
            event=held, member=member, created_at=NOV + timedelta(days=1, hours=day), status="cancelled"
        )
    Registration.objects.create(event=held, member=member, created_at=NOV + timedelta(days=2))
    Registration.objects.create(event=held, member=other, created_at=NOV + timedelta(days=2))

    assert event_figures_between(NOV, DEC)["registrations"] == 2
