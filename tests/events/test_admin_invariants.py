"""What the event admin may not break: a capacity below the members already registered, attendance marked
without its activity record, a registration deleted rather than cancelled; and a cancelled event is not
announced to someone who may no longer see it."""

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from events import services
from events.models import Event
from tests.communities.factories import CommunityFactory, MembershipFactory

from .factories import EventFactory, RegistrationFactory
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_capacity_cannot_go_below_the_members_registered(coordinator_client):
    data = _event_form(capacity="5")
    coordinator_client.post(reverse("admin:events_event_add"), data)
    event = Event.objects.get()
    RegistrationFactory.create_batch(3, event=event)

    response = coordinator_client.post(reverse("admin:events_event_change", args=[event.pk]), {**data, "capacity": "2"})

    assert response.status_code == 200
    assert "3 members are registered: the capacity cannot be lower." in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


def test_attendance_is_not_a_field_of_the_events_form_and_registrations_are_not_deleted(coordinator_client):
    registration = RegistrationFactory()

    form = coordinator_client.get(reverse("admin:events_event_change", args=[registration.event_id])).content.decode()

    assert 'name="registrations-0-attended"' not in form
    delete = reverse("admin:events_registration_delete", args=[registration.pk])
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == 403
    assert registration.__class__.objects.filter(pk=registration.pk).exists()


def test_a_cancelled_event_is_not_announced_to_someone_removed_from_its_private_community(
    mailoutbox, django_capture_on_commit_callbacks
):
    circle = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(title="Closed dialogue", communities=[circle])
    stays, removed = MembershipFactory(community=circle), MembershipFactory(community=circle)
    for membership in (stays, removed):
        RegistrationFactory(event=event, member=membership.member)
    Membership.objects.filter(pk=removed.pk).update(status=Membership.Status.REMOVED)

    with django_capture_on_commit_callbacks(execute=True):
        told = services.event_cancel(event=event)

    assert told == 1
    assert [message.to for message in mailoutbox] == [[stays.member.email]]
