"""Community pages cost the same number of queries for 1 row as for 50.

The counts were measured with django.test.utils.CaptureQueriesContext, for a signed-in member, and are the
same on SQLite and PostgreSQL, except where a comment says otherwise. Each comment lists the queries, in the
order they run.
"""

import pytest
from django.db import connection
from django.urls import reverse

from communities import selectors
from communities.models import Community, Membership, Reaction
from tests.factories import MemberFactory

from .factories import CommunityFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

VISIBILITIES = list(Community.Visibility)


@pytest.fixture
def viewer(client):
    member = MemberFactory()
    client.force_login(member)
    return member


@pytest.mark.parametrize("rows", [1, 50])
def test_it_lists_communities_in_a_constant_number_of_queries(client, viewer, django_assert_num_queries, rows):
    for number in range(rows):
        community = CommunityFactory(countries=["MM", "KH"], visibility=VISIBILITIES[number % 3])
        community.themes.add("budgeting", f"theme-{number}")
        MembershipFactory(community=community)
        if number % 2:  # the viewer's badge: member of some, waiting for others
            MembershipFactory(member=viewer, community=community)
        elif community.visibility == Community.Visibility.REQUEST:
            MembershipFactory(member=viewer, community=community, status=Membership.Status.PENDING)

    # 1 session, 2 user, 3 COUNT of visible communities for the paginator, 4 the page of communities,
    # 5 their themes (prefetch), 6 their member counts (none in the cache yet), 7 the viewer's memberships
    # (badges), 8 unread notifications (header)
    with django_assert_num_queries(8):
        response = client.get(reverse("communities:list"))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 24)
    with django_assert_num_queries(7):  # the member counts are in the cache now
        again = client.get(reverse("communities:list"))
    members = [community.member_count for community in again.context["page_obj"].object_list]
    assert members == [community.member_count for community in response.context["page_obj"].object_list]
    assert members and all(count >= 1 for count in members)


def _communities_of(viewer) -> tuple[Community, Community]:
    """A community of the viewer's, and another whose threads are linked into it."""
    community = CommunityFactory()
    MembershipFactory(member=viewer, community=community)
    return community, CommunityFactory()


def _thread_listed_in(community: Community, elsewhere: Community, number: int, **fields):
    """Every other thread is the community's own; the rest are inter-practice discussions linked into it from
    `elsewhere`, whose name the list shows."""
    own = number % 2 == 0
    thread = ThreadFactory(community=community if own else elsewhere, **fields)
    if not own:
        thread.linked_communities.add(community)
    return thread


@pytest.mark.parametrize("rows", [1, 50])
def test_it_shows_a_community_home_in_a_constant_number_of_queries(client, viewer, django_assert_num_queries, rows):
    community, elsewhere = _communities_of(viewer)
    for number in range(rows):
        _thread_listed_in(community, elsewhere, number, is_pinned=number == 0, is_locked=number % 5 == 4)

    # 1 session, 2 user, 3 community by slug, 4 the viewer's membership, 5 ids of the threads linked into the
    # community, 6 COUNT of threads for the paginator, 7 ids of the communities the viewer may know of (to name
    # an inter-practice thread's home), 8 unread notifications (header), 9 the page of threads with their
    # authors and home communities
    with django_assert_num_queries(9):
        response = client.get(community.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)


@pytest.mark.parametrize("common", [False, True], ids=["a word in few posts", "a word in many posts"])
@pytest.mark.parametrize("rows", [1, 50])
def test_it_searches_a_community_in_a_constant_number_of_queries(
    client, viewer, django_assert_num_queries, rows, common, monkeypatch
):
    community, elsewhere = _communities_of(viewer)
    for number in range(rows):  # a linked thread's posts are searched too
        thread = _thread_listed_in(community, elsewhere, number, opening_post=False)
        PostFactory(thread=thread, body="The mangrove nursery" if number % 3 else "Mangrove")
    if common:
        monkeypatch.setattr(selectors, "COMMON_WORD_POSTS", 0)

    # 1 session, 2 user, 3 community by slug, 4 the viewer's membership, 5 ids of the threads linked into the
    # community, [PostgreSQL: PostgreSQL's estimate of the matching posts, and for a common word SAVEPOINT,
    # SET LOCAL work_mem…, the ids, ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT; ThreadListing.first_ids]
    # 6 ids of the matching threads of every page the search lists, in order (the count too), 7 ids of the
    # communities the viewer may know of, 8 unread notifications (header), 9 the page's threads by id
    on_postgresql = connection.vendor == "postgresql"
    with django_assert_num_queries(9 + on_postgresql + 4 * (on_postgresql and common)):
        response = client.get(community.get_absolute_url(), {"q": "mangrove"})

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)
    assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_it_shows_a_thread_in_a_constant_number_of_queries(client, viewer, django_assert_num_queries, rows):
    community = CommunityFactory()
    MembershipFactory(member=viewer, community=community)
    thread = ThreadFactory(community=community, opening_post=False)
    thread.linked_communities.add(CommunityFactory())
    previous = None
    for number in range(rows):
        post = PostFactory(
            thread=thread,
            is_opening=number == 0,
            quoted=previous if number % 3 == 2 else None,
            is_hidden=number % 7 == 6,
            helpful_count=number % 2,
        )
        if number % 2:
            Reaction.objects.create(post=post, member=viewer)
        previous = post

    # 1 session, 2 user, 3 community by slug, 4 the viewer's membership, 5 the thread with its community and
    # author, 6 the linked communities, 7 ids of the communities the viewer may know of, 8 COUNT of posts for
    # the paginator, 9 the ids of the page's posts, 10 those posts with their authors and quoted posts' authors,
    # 11 the viewer's helpful marks on the page, 12 whether the viewer follows the thread, 13 the thread's
    # expert referrals (badges and the referral panel), 14 unread notifications (header)
    with django_assert_num_queries(14):
        response = client.get(thread.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)
