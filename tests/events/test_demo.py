"""The demo data for events: something to see on every events page, created once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Feedback, Registration, TopicSuggestion, TopicVote

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(model.objects.count() for model in (Event, Registration, Feedback, TopicSuggestion, TopicVote))


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=30, verbosity=0)


def test_it_seeds_something_to_see_on_every_events_page(seeded):
    # One seeding (it takes a few seconds), several checks.
    _past_and_upcoming_events_of_several_kinds()
    _one_upcoming_event_full_with_a_waitlist()
    _the_demo_member_registered_for_an_upcoming_event()
    _past_events_with_attendance_and_feedback()
    _topic_suggestions_with_votes()


def _past_and_upcoming_events_of_several_kinds():
    now = timezone.now()
    events = Event.objects.all()

    assert events.count() >= 6
    assert not events.exclude(status=Event.Status.PUBLISHED).exists()
    assert events.filter(starts_at__gt=now).exists()
    assert events.filter(ends_at__lt=now).exists()
    assert events.filter(kind=Event.Kind.WEBINAR).exists()
    assert events.filter(kind=Event.Kind.IN_PERSON).exclude(venue="").exists()
    assert all(event.description_html for event in events)
    assert not events.filter(kind=Event.Kind.IN_PERSON).exclude(join_url="").exists()


def _one_upcoming_event_full_with_a_waitlist():
    full = [
        event
        for event in Event.objects.filter(starts_at__gt=timezone.now(), capacity__isnull=False)
        if event.registrations.filter(status=Registration.Status.REGISTERED).count() == event.capacity
        and event.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    ]
    assert len(full) >= 1
    for event in Event.objects.filter(capacity__isnull=False):
        assert event.registrations.filter(status=Registration.Status.REGISTERED).count() <= event.capacity


def _the_demo_member_registered_for_an_upcoming_event():
    registrations = Registration.objects.filter(
        member__email="member@example.org", status=Registration.Status.REGISTERED, event__starts_at__gt=timezone.now()
    )
    assert registrations.exists()


def _past_events_with_attendance_and_feedback():
    past = Event.objects.filter(ends_at__lt=timezone.now())
    feedback = Feedback.objects.filter(registration__event__in=past)

    assert feedback.exists()
    assert set(feedback.values_list("registration__attended", flat=True)) == {True}
    assert Registration.objects.filter(event__in=past, attended=False).exists()
    for event in past:
        assert event.registrations.exists()
        assert not event.registrations.filter(created_at__gte=event.starts_at).exists()


def _topic_suggestions_with_votes():
    topics = TopicSuggestion.objects.all()

    assert topics.count() >= 3
    assert topics.filter(vote_count__gt=1).exists()
    for topic in topics:
        assert topic.vote_count == topic.votes.count()


def test_running_seed_demo_again_creates_nothing_new(seeded):
    first = _counts()

    call_command("seed_demo", members=30, verbosity=0)

    assert _counts() == first
    assert all(first)
