"""A search within a community reads the ids of its first pages in one of two ways, by how many posts
PostgreSQL expects to match (communities.selectors.ThreadListing.first_ids): for a word in thousands of posts,
with too little memory for PostgreSQL to hash them, so that it walks the threads in order. Both ways give the
same ids, in the list's order, and leave the connection's settings as they were."""

from datetime import timedelta

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import selectors
from communities.models import Thread
from communities.selectors import community_threads
from cop_platform.planner import estimated_rows

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

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


def test_a_word_in_many_posts_is_read_with_little_memory_then_the_settings_are_restored(threads, word_in):
    community, _ = threads
    listing = community_threads(community=community, include_hidden=False, search="budget")
    before = _settings()

    with CaptureQueriesContext(connection) as queries:
        listing.first_ids(5)

    statements = [query["sql"] for query in queries]
    walked = on_postgresql and word_in == "many posts"
    assert any(sql.startswith("EXPLAIN") for sql in statements) == on_postgresql
    assert any("SET LOCAL" in sql for sql in statements) == walked
    if walked:  # the ids are read right after the settings, then rolled back to before them
        ids_at = next(n for n, sql in enumerate(statements) if sql.startswith("SELECT"))
        assert statements[ids_at - 1] == "SET LOCAL work_mem = '64kB'; SET LOCAL hash_mem_multiplier = 1"
        assert statements[ids_at + 1].startswith("ROLLBACK")
    assert _settings() == before


@pytest.mark.skipif(not on_postgresql, reason="the settings are PostgreSQL's")
def test_a_setting_made_before_in_the_same_transaction_is_kept(threads, monkeypatch):
    community, _ = threads
    monkeypatch.setattr(selectors, "COMMON_WORD_POSTS", 0)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '8MB'")  # (the test runs in a transaction)
    before = _settings()

    community_threads(community=community, include_hidden=False, search="budget").first_ids(5)

    assert _settings() == before and before[0] == "8MB"


@pytest.mark.skipif(not on_postgresql, reason="the settings are PostgreSQL's")
def test_a_failed_read_leaves_the_settings_and_the_connection_as_they_were(threads, monkeypatch):
    community, _ = threads
    monkeypatch.setattr(selectors, "COMMON_WORD_POSTS", 0)
    posts = selectors.posts_matching("budget", community_ids=[community.pk])
    failing = selectors.ThreadListing(Thread.objects.extra(where=["1 / 0 = 1"]), matching_posts=posts)
    before = _settings()

    with pytest.raises(DataError):
        failing.first_ids(5)

    assert _settings() == before
    assert community_threads(community=community, include_hidden=False, search="budget").first_ids(1)


def test_browsing_asks_no_estimate(threads, django_assert_num_queries):
    community, made = threads
    listing = community_threads(community=community, include_hidden=False)

    assert not listing.is_search
    with django_assert_num_queries(1):
        assert listing.first_ids(2) == [made["pinned, old"].pk, made["thread 1"].pk]


@pytest.mark.skipif(not on_postgresql, reason="PostgreSQL's planner")
def test_postgresql_s_estimate_follows_how_common_a_word_is():
    community = CommunityFactory()
    for number in range(300):
        body = "The budget for the district" if number % 2 else f"A note about schools, number {number}"
        PostFactory(thread=ThreadFactory(community=community, opening_post=False), body=body)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_post")  # the statistics of each word's frequency

    def estimate(word):
        return estimated_rows(selectors.posts_matching(word, community_ids=[community.pk]))

    assert 100 <= estimate("budget") <= 200  # in 150 posts
    assert estimate("procurement") < 10  # in none


def _settings():
    if not on_postgresql:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('hash_mem_multiplier')")
        return cursor.fetchone()


def test_the_community_page_reads_a_search_s_ids_through_the_listing(client, threads, monkeypatch):
    community, made = threads
    asked = []
    first_ids = selectors.ThreadListing.first_ids
    monkeypatch.setattr(
        selectors.ThreadListing, "first_ids", lambda listing, limit: asked.append(limit) or first_ids(listing, limit)
    )
    client.force_login(member_of(community))

    page = client.get(community.get_absolute_url(), {"q": "budget"}).context["page_obj"]

    assert asked == [selectors.SEARCH_PAGES * selectors.THREADS_PER_PAGE + 1]
    assert [thread.pk for thread in page.object_list] == _expected(made, MATCHING)
