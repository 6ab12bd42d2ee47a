"""A search within a community reads the ids of its first pages in one of two ways, by how many posts
PostgreSQL expects to match (communities.selectors.ThreadListing.first_ids): for a word in thousands of posts,
with too little memory for PostgreSQL to hash them, so that it walks the threads in order. Both ways give the
same ids, in the list's order, and leave the connection's settings as they were."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import selectors
from communities.selectors import community_threads
from cop_platform.planner import estimated_rows

from .factories import CommunityFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

on_postgresql = connection.vendor == "postgresql"


@pytest.fixture(params=["few posts", "many posts"])
def word_in(request, monkeypatch):
    """How common PostgreSQL takes the searched word to be (on SQLite, always one statement)."""
    monkeypatch.setattr(selectors, "COMMON_WORD_POSTS", 0 if request.param == "many posts" else 10**12)
    return request.param


@pytest.fixture
def threads():
    """Threads of a community, some with "budget" in their title or in a visible post, in a known order: a
    pinned one first, then by latest activity, ties by id. Others have it only in a hidden post, or not at all;
    one is a thread of another community linked into this one; one is hidden."""
    community, elsewhere = CommunityFactory(), CommunityFactory()
    now = timezone.now()
    made = {}

    def thread(name, *, hours_ago, body="No match here", title="A question", **fields):
        made[name] = ThreadFactory(community=fields.pop("community", community), title=title, opening_post=False)
        PostFactory(thread=made[name], body=body, is_hidden=fields.pop("post_hidden", False))
        fields["last_activity_at"] = now - timedelta(hours=hours_ago)
        type(made[name]).objects.filter(pk=made[name].pk).update(**fields)

    thread("pinned, old", hours_ago=90, body="The budget in May", is_pinned=True)
    for number in range(12):  # every third matches, by title or by a post; ties of two by latest activity
        match = {0: {"body": "Budget lines"}, 1: {"title": "Citizens' BUDGET"}, 2: {}}[number % 3]
        thread(f"thread {number}", hours_ago=number // 2, **match)
    thread("hidden post only", hours_ago=2, body="budget", post_hidden=True)
    thread("linked", hours_ago=3, body="Our budget", community=elsewhere)
    made["linked"].linked_communities.add(community)
    thread("hidden thread", hours_ago=1, body="budget", is_hidden=True)
    return community, made


def _expected(made, names):
    return [made[name].pk for name in names]


# Pinned first, then by latest activity; in a tie (threads 0 and 1, 6 and 7, "linked"…) the newer thread first.
MATCHING = ["pinned, old", "thread 1", "thread 0", "thread 3", "thread 4", "linked", "thread 7", "thread 6",
            "thread 9", "thread 10"]  # fmt: skip


def test_a_search_reads_the_first_ids_of_the_list_in_order(threads, word_in):
    community, made = threads
    listing = community_threads(community=community, include_hidden=False, search="budget")

    assert [thread.pk for thread in listing.threads] == _expected(made, MATCHING)
    for limit in (1, 4, len(MATCHING), len(MATCHING) + 5):
        assert listing.first_ids(limit) == _expected(made, MATCHING[:limit])


def test_a_moderator_s_search_also_reads_the_hidden_threads(threads, word_in):
    community, made = threads
    listing = community_threads(community=community, include_hidden=True, search="budget")

    assert listing.first_ids(3) == _expected(made, ["pinned, old", "thread 1", "thread 0"])
    assert listing.first_ids(20) == _expected(made, MATCHING[:3] + ["hidden thread"] + MATCHING[3:])


def test_a_search_with_no_match_reads_no_ids(threads, word_in):
    community, _ = threads

    assert community_threads(community=community, include_hidden=True, search="procurment").first_ids(201) == []


def test_a_word_in_many_posts_is_read_with_little_memory_then_the_setting_is_restored(threads, word_in):
    community, _ = threads
    listing = community_threads(community=community, include_hidden=False, search="budget")
    before = _work_mem()

    with CaptureQueriesContext(connection) as queries:
        listing.first_ids(5)

    statements = [query["sql"] for query in queries]
    walked = on_postgresql and word_in == "many posts"
    assert any(sql.startswith("EXPLAIN") for sql in statements) == on_postgresql
    assert ("SET LOCAL work_mem = '64kB'" in statements) == walked
    if walked:  # the ids are read between the two settings
        ids_at = next(n for n, sql in enumerate(statements) if sql.startswith("SELECT"))
        assert statements[ids_at - 1] == "SET LOCAL work_mem = '64kB'"
        assert statements[ids_at + 1] == "SET LOCAL work_mem TO DEFAULT"
    assert _work_mem() == before


def test_browsing_asks_no_estimate(threads, django_assert_num_queries):
    community, made = threads
    listing = community_threads(community=community, include_hidden=False)

    assert not listing.is_search
    with django_assert_num_queries(1):
        assert listing.first_ids(2) == [made["pinned, old"].pk, made["thread 1"].pk]


@pytest.mark.skipif(not on_postgresql, reason="PostgreSQL's planner")
def test_postgresql_s_estimate_is_a_number_of_rows(threads):
    community, _ = threads
    posts = selectors.posts_matching("budget", community_ids=[community.pk])

    estimate = estimated_rows(posts)

    assert isinstance(estimate, int | float) and estimate >= 1


def _work_mem():
    if not on_postgresql:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return cursor.fetchone()[0]
