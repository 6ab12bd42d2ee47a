"""A batch costs a fixed number of queries plus a small constant per member (sent rows are marked in groups),
and the in-browser digest a fixed number whatever it holds.

The counts were measured with django.test.utils.CaptureQueriesContext and are the same on SQLite and PostgreSQL.
"""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digests import services
from digests.models import DigestDelivery, DigestPreference, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertClusterFactory, MemberExpertFactory, ReferralFactory
from tests.factories import MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory

from .factories import NewsItemFactory

pytestmark = pytest.mark.django_db

# Per member: 1 claim the row with its items (UPDATE queued -> sending). Building and rendering the email reads
# nothing.
PER_MEMBER = 1
# Per group of services.MARK_SENT_EVERY sent rows: 1 SAVEPOINT, 2 their status and time (one UPDATE), 3 record
# last_sent_at on their preferences, 4 RELEASE SAVEPOINT.
PER_GROUP = 4


def groups(members: int) -> int:
    return math.ceil(members / services.MARK_SENT_EVERY)


@pytest.fixture
def content():
    """Communities with something in every section, and an author who does not get digests."""
    author = MemberFactory()
    DigestPreference.objects.create(member=author, frequency=Frequency.OFF)
    communities = [CommunityFactory(countries=["MM"]) for _ in range(3)]
    cluster = ExpertClusterFactory(communities=communities)
    for number, community in enumerate(communities):
        thread = ThreadFactory(community=community, author=author, title=f"Discussion {number}")
        thread.linked_communities.add(communities[(number + 1) % 3])
        ReferralFactory(thread=thread)
        EventFactory(communities=[community])
        KnowledgeProductFactory(communities=[community], tags=["open data"])
        NewsItemFactory(communities=[community])
    NewsItemFactory(countries=["MM"])
    return {"communities": communities, "cluster": cluster}


def members_with_digests(content, count: int) -> list:
    members = []
    for number in range(count):
        member = MemberFactory()
        member.interests.add("open data", f"interest {number}")
        MembershipFactory(member=member, community=content["communities"][number % 3])
        if number % 4 == 0:
            MemberExpertFactory(member=member, clusters=[content["cluster"]])
        if number % 5 == 0:
            RegistrationFactory(member=member, event=EventFactory(communities=content["communities"][:1]))
        members.append(member)
    return members


def batch_queries(content, count: int) -> int:
    members = members_with_digests(content, count)
    _round, planned = services.plan(everyone=True)
    # Only these members' rows: the experts and authors the factories made get digests of their own.
    ids = list(DigestDelivery.objects.filter(pk__in=planned, member__in=members).values_list("pk", flat=True))
    assert len(ids) == count
    with CaptureQueriesContext(connection) as queries:
        result = services.send_batch(ids)
    assert result["sent"] == count
    return len(queries)


def test_a_batch_costs_a_constant_number_of_queries_per_member(content):
    small = batch_queries(content, 5)
    large = batch_queries(content, 40)

    assert large - small == 35 * PER_MEMBER + (groups(40) - groups(5)) * PER_GROUP
    assert (large - small) / 35 <= 6  # what each further member costs, marking included
    # The fixed part, 21 queries: 1 the batch's rows with members and preferences, then the shared content:
    # 2 communities, 3 threads with their communities, 4 their linked communities, 5 events, 6 their
    # communities, 7 products, 8 their communities, 9 their tags, 10 news, 11 their communities, 12 open
    # referrals with threads, communities and experts, 13 the experts' clusters, 14 the clusters' communities;
    # then the members' facts: 15 memberships, 16 registrations, 17 interests, 18 earlier digests, 19 expert
    # profiles, 20 their clusters, 21 the clusters' communities.
    assert small - 5 * PER_MEMBER - groups(5) * PER_GROUP == 21


@pytest.mark.parametrize("items", [1, 20])
def test_the_in_browser_digest_costs_a_constant_number_of_queries(client, django_assert_num_queries, content, items):
    reader = MemberFactory()
    reader.interests.add("open data")
    community = content["communities"][0]
    MembershipFactory(member=reader, community=community)
    MemberExpertFactory(member=reader, clusters=[content["cluster"]])
    for _ in range(items):
        ThreadFactory(community=community)
        ReferralFactory(thread=ThreadFactory(community=content["communities"][1]))
        EventFactory(communities=[community])
        KnowledgeProductFactory(tags=["open data"])
        NewsItemFactory()
    services.preference_for(reader)
    client.force_login(reader)

    # 1 session, 2 user, 3 the reader's preference, then the shared content: 4 communities,
    # 5 threads with their communities, 6 their linked communities, 7 events, 8 their communities, 9 products,
    # 10 their communities, 11 their tags, 12 news, 13 their communities, 14 open referrals with threads,
    # communities and experts, 15 the experts' clusters, 16 the clusters' communities; then the reader's facts:
    # 17 memberships, 18 registrations, 19 interests, 20 earlier digests, 21 expert profile, 22 its clusters,
    # 23 their communities; 24 unread notifications (header)
    with django_assert_num_queries(24):
        response = client.get(reverse("digests:in_browser"))

    assert response.status_code == 200
    digest = response.context["digest"]
    # The fixture's two threads in the reader's community are referred to experts: listed once, as questions.
    assert len(digest.threads) == min(items, 5)
    assert len(digest.questions) == min(items + 3, 5)
