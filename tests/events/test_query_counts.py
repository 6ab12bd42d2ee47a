"""Event pages cost the same number of queries for 1 row as for 30.

The counts were measured with django.test.utils.CaptureQueriesContext, for a signed-in member with
memberships, and are the same on SQLite and PostgreSQL. Each comment lists the queries, in the order they run.
"""

import pytest
from django.urls import reverse

from experts.models import Expert, ExpertCluster
from members.models import Language
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import MemberFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client):
    member = MemberFactory()
    client.force_login(member)
    return member


@pytest.mark.parametrize("rows", [1, 30])
def test_it_shows_the_schedule_in_a_constant_number_of_queries(client, viewer, django_assert_num_queries, rows):
    mine = CommunityFactory()
    MembershipFactory(member=viewer, community=mine)
    MembershipFactory(member=viewer, community=CommunityFactory())
    language = Language.objects.order_by("pk").first()
    for number in range(rows):
        event = EventFactory(
            communities=[mine if number % 2 else CommunityFactory(), CommunityFactory()],
            language=language if number % 3 else None,
            capacity=5 if number % 4 else None,
        )
        RegistrationFactory(event=event)
        if number % 3 == 0:  # the viewer's badges: registered for some, waiting for others
            RegistrationFactory(event=event, member=viewer, status="registered" if number % 2 else "waitlisted")

    # 1 session, 2 user, 3 the page of events with their registered counts, languages and how many visible
    # upcoming events there are (for the paginator), 4 their communities (prefetch), 5 the viewer's live
    # registrations (badges), 6 unread notifications (header), 7 the communities the viewer may see (filter
    # choices), 8 languages (filter choices)
    with django_assert_num_queries(8):
        response = client.get(reverse("events:schedule"))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_it_shows_an_event_in_a_constant_number_of_queries(client, viewer, django_assert_num_queries, rows):
    mine = CommunityFactory()
    MembershipFactory(member=viewer, community=mine)
    event = EventFactory(
        capacity=rows + 5,
        communities=[mine, CommunityFactory()],
        speaker_members=MemberFactory.create_batch(2),
        speaker_experts=[Expert.objects.create(name=f"Speaker {n}", status=Expert.Status.ACTIVE) for n in range(2)],
        language=Language.objects.order_by("pk").first(),
    )
    event.clusters.add(ExpertCluster.objects.create(theme="Digital government", slug="digital-government"))
    RegistrationFactory(event=event, member=viewer)
    RegistrationFactory.create_batch(rows, event=event)

    # 1 session, 2 user, 3 the event by slug (visibility check), 4 the event with its language and registered and
    # waitlist counts, 5 its communities, 6 its member speakers, 7 its expert speakers, 8 its expert clusters
    # (prefetches), 9 the viewer's live registration with its event, 10 unread notifications (header)
    with django_assert_num_queries(10):
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert response.context["event"].registered_count == rows + 1
    assert "You are registered" in response.content.decode()
