"""Two members racing for the last seat: the event row is locked, so exactly one gets it.

The threaded tests need real concurrent transactions (PostgreSQL, row locks); the sequential variant runs on
every database and pins the same outcome.
"""

import pytest

from events import services
from events.models import Registration
from tests.factories import MemberFactory
from tests.support.together import postgresql_only, together

from .factories import EventFactory, RegistrationFactory


def _register_together(event, members) -> list:
    """Run services.event_register for every member in its own thread, all released at the same moment."""
    return together(
        *(lambda member=member: services.event_register(event=event, member=member).status for member in members)
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_seat_to_exactly_one_of_two_concurrent_members():
    for _round in range(3):  # a race that loses only sometimes should still show up
        event = EventFactory(capacity=2)
        RegistrationFactory(event=event)
        racers = MemberFactory.create_batch(2)

        results = _register_together(event, racers)

        assert sorted(results) == [Registration.Status.REGISTERED, Registration.Status.WAITLISTED], results
        statuses = dict(Registration.objects.filter(event=event, member__in=racers).values_list("member", "status"))
        assert sorted(statuses.values()) == [Registration.Status.REGISTERED, Registration.Status.WAITLISTED]
        assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_it_never_exceeds_the_capacity_when_many_register_at_once():
    event = EventFactory(capacity=3)
    racers = MemberFactory.create_batch(8)

    results = _register_together(event, racers)

    assert results.count(Registration.Status.REGISTERED) == 3, results
    assert results.count(Registration.Status.WAITLISTED) == 5, results
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 3
    assert Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).count() == 5


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_member_registering_twice_at_once_gets_one_registration():
    event = EventFactory(capacity=5)
    member = MemberFactory()

    results = _register_together(event, [member, member])

    assert Registration.Status.REGISTERED in results
    refused = [r for r in results if isinstance(r, services.EventError)]
    assert len(refused) == 1, results
    assert Registration.objects.filter(event=event, member=member).count() == 1


@pytest.mark.django_db
def test_it_gives_the_last_seat_to_the_first_of_two_members_one_after_the_other():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    first, second = MemberFactory.create_batch(2)

    assert services.event_register(event=event, member=first).status == Registration.Status.REGISTERED
    assert services.event_register(event=event, member=second).status == Registration.Status.WAITLISTED
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 2


@pytest.mark.django_db
def test_a_stale_event_object_does_not_let_a_member_past_a_full_event():
    # The caller's copy of the event is read before the others registered; the service re-reads it locked.
    event = EventFactory(capacity=1)
    stale = type(event).objects.get(pk=event.pk)
    RegistrationFactory(event=event)

    registration = services.event_register(event=stale, member=MemberFactory())

    assert registration.status == Registration.Status.WAITLISTED
