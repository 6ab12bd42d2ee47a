"""The one rule for content shared with communities (communities.access.shared_with_visible_community), whose
SQL is written once per process and model: each viewer still gets their own answer, whoever asked before."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from communities import access
from communities.models import Community
from cop_platform.compiled import VIEWER
from events.access import events_visible_to
from events.models import Event
from knowledge.access import published_visible_to
from tests.events.factories import EventFactory
from tests.knowledge.factories import KnowledgeProductFactory

from .factories import CommunityFactory, MembershipFactory, member_of

pytestmark = pytest.mark.django_db


def test_each_viewer_sees_the_shared_content_of_their_own_private_communities_whoever_asked_before():
    north, south = (CommunityFactory(visibility=Community.Visibility.PRIVATE) for _ in range(2))
    open_community = CommunityFactory()
    events = {
        "north": EventFactory(title="North only", communities=[north]),
        "south": EventFactory(title="South only", communities=[south]),
        "shared": EventFactory(title="South and open", communities=[south, open_community]),
        "everyone": EventFactory(title="No community"),
    }
    products = {key: KnowledgeProductFactory(title=event.title, communities=event.communities.all()) for key, event
                in events.items()}  # fmt: skip
    pending = MembershipFactory(community=north, status="pending").member
    viewers = {
        "north member": (member_of(north), {"north", "shared", "everyone"}),
        "south member": (member_of(south), {"south", "shared", "everyone"}),
        "pending in north": (pending, {"shared", "everyone"}),
        "visitor": (AnonymousUser(), {"shared", "everyone"}),
    }

    for _round in range(2):  # every viewer after every other, twice over
        for name, (viewer, expected) in viewers.items():
            seen_events = set(events_visible_to(viewer).filter(status=Event.Status.PUBLISHED))
            assert seen_events == {events[key] for key in expected}, name
            assert set(published_visible_to(viewer)) == {products[key] for key in expected}, name


def test_the_rule_reads_its_own_links_when_the_listing_joins_the_same_tables(member):
    # The rule's SQL names the link and community tables without aliases: a listing filtered by community joins
    # the same tables, and each must still read its own (the library's and the schedule's community filters).
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    shared = KnowledgeProductFactory(title="Private and open", communities=[private, CommunityFactory()])
    KnowledgeProductFactory(title="Private only", communities=[private])
    event = EventFactory(title="Private and open", communities=[private, CommunityFactory()])

    for viewer in (AnonymousUser(), member):
        assert list(published_visible_to(viewer).filter(communities=private)) == [shared]
        assert list(published_visible_to(viewer).filter(communities__slug=private.slug)) == [shared]
        assert list(events_visible_to(viewer).filter(communities__visibility=Community.Visibility.PRIVATE)) == [event]


def test_the_rule_is_written_once_per_model_with_the_viewer_as_its_only_varying_parameter():
    first = access._sharing_subqueries(Event, connection.vendor)
    viewer = member_of(CommunityFactory(visibility=Community.Visibility.PRIVATE))

    access.shared_with_visible_community(Event, viewer)

    assert access._sharing_subqueries(Event, connection.vendor) is first
    assert list(first[2][1]).count(VIEWER) == 1
    assert VIEWER not in first[0][1] + first[1][1]
