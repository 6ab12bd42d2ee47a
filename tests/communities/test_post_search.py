"""Searching discussions by what their posts say (a community's thread list and the library's "In discussions").

PostgreSQL matches words with full-text search on to_tsvector('simple', body), stored in each post's
search_document column and GIN-indexed (migration 0008);
SQLite falls back to a case-insensitive substring. Both find words of any script, ignore hidden posts and agree
on whole words written as the member wrote them.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.models import Post, Thread
from communities.selectors import community_threads, posts_matching
from communities.services import thread_move
from knowledge.selectors import search_threads
from tests.factories import MemberFactory

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL")

RUSSIAN = "Мы опубликовали бюджет для граждан, и БЮДЖЕТНЫЙ процесс открыт."
BURMESE = "ဘတ်ဂျက် အစီအစဉ် ကို ပြည်သူများ ကြည့်ရှုနိုင်ပါသည်"  # "the budget plan can be seen by the public"
ENGLISH = "We published the citizens' budget before the procurement round."


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def threads(community):
    """Three threads whose titles say nothing; a fourth whose only match is a hidden post."""
    made = {}
    for name, body in {"russian": RUSSIAN, "burmese": BURMESE, "english": ENGLISH}.items():
        made[name] = ThreadFactory(community=community, title=f"Thread {name}")
        PostFactory(thread=made[name], body=body)
    made["hidden"] = ThreadFactory(community=community, title="Thread hidden")
    PostFactory(thread=made["hidden"], body=ENGLISH + " " + RUSSIAN + " " + BURMESE, is_hidden=True)
    return made


def _threads_with(word: str) -> set[int]:
    return set(posts_matching(word).values_list("thread", flat=True))


@pytest.mark.parametrize(
    "word, expected",
    [
        ("budget", {"english"}),
        ("BUDGET", {"english"}),  # case does not matter
        ("бюджет", {"russian"}),  # Cyrillic
        ("ဘတ်ဂျက်", {"burmese"}),  # a Burmese word between spaces
        ("ကြည့်ရှုနိုင်ပါသည်", {"burmese"}),
        ("zzzz", set()),
    ],
)
def test_it_finds_posts_by_a_word_in_any_script(threads, word, expected):
    assert _threads_with(word) == {threads[name].pk for name in expected}


def test_it_never_finds_hidden_posts(threads):
    assert threads["hidden"].pk not in _threads_with("procurement")


def test_the_community_thread_list_finds_a_thread_by_a_russian_reply(client, community, threads):
    client.force_login(member_of(community))

    response = client.get(community.get_absolute_url(), {"q": "бюджет"})

    assert list(response.context["page_obj"].object_list) == [threads["russian"]]


def test_the_library_finds_discussions_by_a_burmese_reply(client, community, threads):
    client.force_login(MemberFactory())

    response = client.get(reverse("knowledge:library"), {"q": "ဘတ်ဂျက်"})

    assert response.context["threads"] == [threads["burmese"]]


def test_the_library_wants_every_word_in_the_title_or_some_post(community, threads):
    PostFactory(thread=threads["russian"], body="procurement")  # the two words in two posts of one thread
    found = search_threads(user=MemberFactory(), query="бюджет procurement")

    assert found == [threads["russian"]]


def test_a_title_match_still_counts(community, threads):
    titled = ThreadFactory(community=community, title="Открытый бюджет на 2027 год")

    assert set(community_threads(community=community, include_hidden=False, search="бюджет").threads) == {
        titled, threads["russian"],
    }  # fmt: skip


@on_postgresql
def test_full_text_search_matches_whole_words_as_written(threads):
    # 'simple' configuration: no stemming, so a word matches itself (in any case) and not its other forms.
    # That is the price of one configuration for every language; the SQLite fallback matches substrings.
    assert _threads_with("budgets") == set()
    assert _threads_with("бюджетн") == set()
    assert _threads_with("procurement budget") == {threads["english"].pk}  # every word, in any order
    assert _threads_with("budget -procurement") == set()  # websearch syntax: a leading minus excludes


@on_postgresql
def test_full_text_search_ignores_case_in_every_script(threads):
    # SQLite's LIKE folds ASCII only; PostgreSQL lower-cases Cyrillic (and Greek…) words when it indexes them.
    assert _threads_with("бюджетный") == {threads["russian"].pk}
    assert _threads_with("БЮДЖЕТ") == {threads["russian"].pk}


@on_postgresql
def test_the_post_search_uses_the_gin_index():
    thread = ThreadFactory(community=CommunityFactory(), opening_post=False)
    PostFactory.create_batch(3, thread=thread, body="flood")
    PostFactory.create_batch(300, thread=thread, body="drought")
    posts = posts_matching("flood")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_post")  # real statistics, as a live database has
        # Undone when the test's transaction rolls back. Plain index scans too: with 303 rows the planner may walk
        # the posts' created_at index in search order and filter (seen once on CI), which says nothing about
        # whether the search can use its GIN index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = str(posts.explain())

    # Either full-text index will do: post_body_search, or post_community_search (migration 0010), whose
    # second column is the same document; which one depends on the indexes' sizes, which other tests change.
    assert "Bitmap Index Scan on post_body_search" in plan or "Bitmap Index Scan on post_community_search" in plan
    assert posts.count() == 3


@on_postgresql
def test_the_post_search_index_is_on_the_stored_document():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'post_body_search'")
        (definition,) = cursor.fetchone()

    assert "USING gin (search_document)" in definition


@on_postgresql
def test_the_stored_document_follows_edits_of_the_body(community):
    thread = ThreadFactory(community=community, opening_post=False)
    post = PostFactory(thread=thread, body="A question about flood insurance")
    assert _threads_with("flood") == {thread.pk}

    Post.objects.filter(pk=post.pk).update(body="A question about drought insurance")
    post.body = "A question about cyclone insurance"
    post.save()

    assert _threads_with("flood") == set()
    assert _threads_with("drought") == set()
    assert _threads_with("cyclone") == {thread.pk}


@on_postgresql
def test_the_stored_document_is_read_under_the_alias_of_a_subquery(community):
    # In EXISTS (… posts of the outer thread …) Django aliases the post table (U0); the document must follow.
    found = ThreadFactory(community=community, opening_post=False)
    PostFactory(thread=found, body="mangrove restoration")
    ThreadFactory(community=community, opening_post=False)
    threads = community_threads(community=community, include_hidden=False, search="mangrove").threads

    assert 'U0."search_document"' in str(threads.query)
    assert 'U0."search_community_id" IN' in str(threads.query)  # the community's part of the index
    assert [thread.pk for thread in threads] == [found.pk]


def _search(community, text):
    return list(community_threads(community=community, include_hidden=False, search=text).threads)


def test_a_community_search_finds_the_posts_of_a_thread_linked_into_it(community):
    elsewhere = CommunityFactory()
    linked = ThreadFactory(community=elsewhere, title="Shared question", opening_post=False)
    linked.linked_communities.add(community)
    PostFactory(thread=linked, body="mangrove nurseries")
    unlinked = ThreadFactory(community=elsewhere, opening_post=False)
    PostFactory(thread=unlinked, body="mangrove nurseries")

    assert _search(community, "mangrove") == [linked]
    assert set(_search(elsewhere, "mangrove")) == {linked, unlinked}


def test_a_moved_thread_is_found_in_its_new_community_only(community, coordinator):
    thread = ThreadFactory(community=community, opening_post=False)
    PostFactory(thread=thread, body="mangrove nurseries")
    destination = CommunityFactory()

    thread_move(thread=thread, actor=coordinator, to=destination)

    assert _search(community, "mangrove") == []
    assert _search(destination, "mangrove") == [thread]


@on_postgresql
def test_each_post_carries_its_threads_community_whatever_writes_it(community):
    # Kept by triggers (migration 0010), so the ORM, a queryset update and raw SQL all keep it right.
    def carried() -> set[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, search_community_id FROM communities_post")
            return set(cursor.fetchall())

    first, second = CommunityFactory(), CommunityFactory()
    thread = ThreadFactory(community=community, opening_post=False)
    post = PostFactory(thread=thread, body="mangrove")
    other = ThreadFactory(community=first, opening_post=False)
    assert carried() == {(post.pk, community.pk)}

    Thread.objects.filter(pk=thread.pk).update(community=second)  # a thread moved: its posts follow
    assert carried() == {(post.pk, second.pk)}

    Post.objects.filter(pk=post.pk).update(thread=other)  # a post moved to another thread
    assert carried() == {(post.pk, first.pk)}

    with connection.cursor() as cursor:  # nobody can set it to anything else
        cursor.execute("UPDATE communities_post SET search_community_id = %s", [second.pk])
    assert carried() == {(post.pk, first.pk)}


@on_postgresql
def test_a_post_written_before_its_thread_takes_the_threads_community(community):
    # Foreign keys are checked at commit, so loaddata may insert a post before its thread.
    author = MemberFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('communities_thread', 'id'))")
        (thread_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO communities_post (thread_id, author_id, body, body_html, is_opening, created_at, "
            "is_hidden, hidden_reason, helpful_count) VALUES (%s, %s, 'mangrove', '', true, now(), false, '', 0)",
            [thread_id, author.pk],
        )
    Thread.objects.create(
        pk=thread_id, community=community, title="Late thread", author=author, last_activity_at=timezone.now()
    )

    assert _search(community, "mangrove") == [Thread.objects.get(pk=thread_id)]


@on_postgresql
def test_a_community_search_reads_only_its_communities_part_of_the_index(community):
    thread = ThreadFactory(community=community, opening_post=False)
    PostFactory.create_batch(3, thread=thread, body="flood")
    PostFactory.create_batch(300, thread=ThreadFactory(opening_post=False), body="flood")
    posts = posts_matching("flood", community_ids=[community.pk])

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_post")
        cursor.execute("SET LOCAL enable_seqscan = off")  # undone with the test's transaction
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = str(posts.explain())

    # Both columns in the index condition: a community's search never walks the other communities' posts.
    (condition,) = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "post_community_search" in plan
    assert "search_community_id =" in condition and "search_document @@" in condition
    assert posts.count() == 3
