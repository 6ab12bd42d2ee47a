"""The schedule page: upcoming by default, past on request, filters, and the member's communities first."""

import pytest
from django.urls import reverse

from communities.models import Community
from events.models import Event, Registration
from members.models import Language
from tests.communities.factories import CommunityFactory, MembershipFactory

from .factories import EventFactory, RegistrationFactory, in_hours

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [event.title for event in response.context["page_obj"].object_list]


def test_it_lists_upcoming_events_by_default_and_past_ones_on_request(client):
    EventFactory(title="Next month", starts_at=in_hours(24 * 30))
    EventFactory(title="Tomorrow", starts_at=in_hours(24))
    EventFactory(title="Running now", starts_at=in_hours(-0.5))
    EventFactory(title="Last week", starts_at=in_hours(-24 * 7))
    EventFactory(title="Last year", starts_at=in_hours(-24 * 365))

    assert _titles(client.get(reverse("events:schedule"))) == ["Running now", "Tomorrow", "Next month"]
    assert _titles(client.get(reverse("events:schedule"), {"when": "past"})) == ["Last week", "Last year"]


def test_the_members_communities_come_first(client, member):
    mine = CommunityFactory()
    MembershipFactory(member=member, community=mine)
    EventFactory(title="Soon, for everyone", starts_at=in_hours(24))
    EventFactory(title="Later, in my community", starts_at=in_hours(24 * 20), communities=[mine])
    EventFactory(title="Later, elsewhere", starts_at=in_hours(24 * 10), communities=[CommunityFactory()])
    client.force_login(member)

    assert _titles(client.get(reverse("events:schedule"))) == [
        "Later, in my community",
        "Soon, for everyone",
        "Later, elsewhere",
    ]


def test_it_filters_by_community_kind_and_language(client):
    community = CommunityFactory(slug="public-finance")
    english = Language.objects.get(code="en")
    EventFactory(title="Finance webinar", communities=[community], language=english)
    EventFactory(title="Finance training", communities=[community, CommunityFactory()], kind=Event.Kind.TRAINING)
    EventFactory(title="Other webinar", communities=[CommunityFactory()])

    schedule = reverse("events:schedule")
    assert sorted(_titles(client.get(schedule, {"community": "public-finance"}))) == [
        "Finance training",
        "Finance webinar",
    ]
    assert _titles(client.get(schedule, {"kind": "training"})) == ["Finance training"]
    assert _titles(client.get(schedule, {"language": "en"})) == ["Finance webinar"]
    assert _titles(client.get(schedule, {"community": "public-finance", "kind": "webinar"})) == ["Finance webinar"]
    assert "Clear" in client.get(schedule, {"kind": "training"}).content.decode()


def test_a_private_community_is_not_offered_as_a_filter_to_non_members(client, member):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE, slug="closed-circle", name="Closed circle")
    EventFactory(title="Closed dialogue", communities=[private])
    EventFactory(title="Open webinar")
    client.force_login(member)

    response = client.get(reverse("events:schedule"), {"community": "closed-circle"})

    assert "Closed circle" not in response.content.decode()
    assert "Closed dialogue" not in response.content.decode()


def test_the_badges_show_the_members_place_and_full_events(client, member):
    full = EventFactory(title="Full one", capacity=2, communities=CommunityFactory.create_batch(2))
    RegistrationFactory.create_batch(2, event=full)
    waiting = EventFactory(title="Waiting one", capacity=1)
    RegistrationFactory(event=waiting)
    RegistrationFactory(event=waiting, member=member, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=EventFactory(title="Seat one"), member=member)
    EventFactory(title="Called off", status=Event.Status.CANCELLED)
    client.force_login(member)

    page = client.get(reverse("events:schedule")).content.decode()

    assert page.count("Full: waitlist") == 1
    assert page.count('badge-warning">Waitlist') == 1
    assert page.count('badge-success">Registered') == 1
    assert page.count('badge-danger">Cancelled') == 1
    # Filtering by one of its communities does not change the count of seats taken.
    community = full.communities.first()
    filtered = client.get(reverse("events:schedule"), {"community": community.slug})
    assert [e.registered_count for e in filtered.context["page_obj"].object_list] == [2]
    assert "Full: waitlist" in filtered.content.decode()


def test_it_pages_twenty_events_at_a_time(client):
    for hours in range(25):
        EventFactory(starts_at=in_hours(24 + hours))

    assert len(_titles(client.get(reverse("events:schedule")))) == 20
    assert len(_titles(client.get(reverse("events:schedule"), {"page": 2}))) == 5
