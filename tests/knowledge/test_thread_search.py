"""The library's "In discussions": the most recently active threads the viewer may read that match every word.

On PostgreSQL search_threads looks in two passes (the most recently active threads one by one, then, if needed,
the older ones: only those with the rarest word when a word is rare, else all of them); whichever pass finds
them, the answer is the one a single pass over all threads gives. The first pass is shrunk to three threads here
so that a handful of threads exercises both, and each test runs with the words rare and with them common.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from knowledge import selectors
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


# SQLite searches in one pass, whatever the words: once is enough there.
WORDS = ["rare words", "common words"] if connection.vendor == "postgresql" else ["rare words"]


@pytest.fixture(autouse=True, params=WORDS)
def small_first_pass(request, monkeypatch):
    monkeypatch.setattr(selectors, "RECENT_THREADS_CHECKED", 3)
    # With a cap of 1, any word that is found at all is common, and the older threads are walked one by one
    monkeypatch.setattr(selectors, "RARE_WORD_MATCHES", 100 if request.param == "rare words" else 1)
    return request.param


@pytest.fixture
def community():
    return CommunityFactory()


def _threads(community, bodies: list[str]):
    """One thread per body, the first the most recently active."""
    now = timezone.now()
    threads = []
    for age, body in enumerate(bodies):
        thread = ThreadFactory(community=community, title=f"Thread {age}", last_activity_at=now - timedelta(hours=age))
        PostFactory(thread=thread, body=body)
        threads.append(thread)
    return threads


@pytest.mark.parametrize(
    "bodies, limit, expected",
    [
        # Enough matches among the three most recent threads: the first pass answers.
        (["flood", "flood", "flood", "flood", "drought"], 2, [0, 1]),
        # Some in the first pass, the rest among older threads.
        (["flood", "drought", "drought", "flood", "flood", "flood"], 3, [0, 3, 4]),
        # None among the most recent threads.
        (["drought", "drought", "drought", "drought", "flood", "flood"], 10, [4, 5]),
        # Fewer threads than the first pass checks.
        (["flood", "drought"], 10, [0]),
        # No match at all.
        (["drought", "drought", "drought", "drought"], 10, []),
    ],
)
def test_it_finds_the_most_recent_matching_threads(community, bodies, limit, expected):
    threads = _threads(community, bodies)

    found = selectors.search_threads(user=member_of(community), query="flood", limit=limit)

    assert found == [threads[number] for number in expected]


def test_a_title_match_in_an_older_thread_counts(community):
    threads = _threads(community, ["drought", "drought", "drought", "drought", "drought"])
    threads[4].title = "Flood shelters"
    threads[4].save()

    assert selectors.search_threads(user=member_of(community), query="flood") == [threads[4]]


def test_the_older_threads_still_leave_out_what_the_viewer_may_not_read(community):
    private = CommunityFactory(visibility="private")
    threads = _threads(community, ["drought", "drought", "drought", "flood"])
    hidden_in_private = _threads(private, ["flood"])[0]

    found = selectors.search_threads(user=member_of(community), query="flood")

    assert found == [threads[3]]
    assert hidden_in_private not in found


@pytest.mark.parametrize("misspelt", ["flodo", "zq", "..."])  # the last two have no trigrams to look up
def test_a_misspelt_word_finds_nothing_however_common_the_others(community, misspelt):
    _threads(community, ["budget flood", "budget flood", "budget", "budget flood", "budget"])

    assert selectors.search_threads(user=member_of(community), query=f"budget {misspelt}") == []
    assert len(selectors.search_threads(user=member_of(community), query="budget flood")) == 3


def test_a_hidden_post_or_thread_does_not_match(community):
    threads = _threads(community, ["drought", "drought", "drought", "drought", "drought"])
    PostFactory(thread=threads[4], body="flood, said in a post the moderators hid", is_hidden=True)
    ThreadFactory(community=community, title="Flood: a thread the moderators hid", is_hidden=True)

    assert selectors.search_threads(user=member_of(community), query="flood") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the two passes run on PostgreSQL")
@pytest.mark.parametrize(
    "bodies, statements",
    [
        # 1 the ids of the three most recently active threads, 2 the matches among them: enough, no second pass
        (["flood", "flood", "flood", "flood"], 2),
        # too few matches among the recent threads: 3 each word's threads, up to RARE_WORD_MATCHES, then 4 those
        # with the rarest word that match (or, when no word is rare, the older threads walked one by one)
        (["flood", "drought", "drought", "flood"], 4),
        # a word no thread has: nothing older to look at
        (["drought", "drought", "drought", "drought"], 3),
        # fewer threads than the first pass checks: there are no older ones to search
        (["drought", "flood"], 2),
    ],
)
def test_the_older_threads_are_searched_only_when_the_recent_ones_are_not_enough(
    community, django_assert_num_queries, bodies, statements
):
    _threads(community, bodies)
    member = member_of(community)

    with django_assert_num_queries(statements):
        found = selectors.search_threads(user=member, query="flood", limit=2)

    assert len(found) == min(2, bodies.count("flood"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the two passes run on PostgreSQL")
def test_a_word_only_in_private_threads_costs_what_a_word_found_nowhere_costs(community, django_assert_num_queries):
    # How long a search takes must not tell a member that a private community discusses something.
    _threads(community, ["drought", "drought", "drought", "drought"])
    _threads(CommunityFactory(visibility="private"), ["flood", "flood"])
    member = member_of(community)

    with django_assert_num_queries(3):  # as in the "a word no thread has" case above: no older threads read
        assert selectors.search_threads(user=member, query="flood") == []
