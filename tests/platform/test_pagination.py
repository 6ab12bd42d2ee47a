"""Pagination for large lists (cop_platform/pagination.py): a count that stops at the pages it can reach, and
a page read by ids first."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop_platform import pagination
from cop_platform.pagination import CappedIdsPaginator, CappedPaginator, IdsFirstPaginator
from members.models import User
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_count_stops_past_the_pages_it_reaches():
    MemberFactory.create_batch(7)
    members = User.objects.order_by("pk")

    with CaptureQueriesContext(connection) as queries:
        capped = CappedPaginator(members, 2, max_pages=3)
        assert (capped.count, capped.is_capped, capped.num_pages) == (6, True, 3)
    assert len(queries) == 1
    assert "LIMIT 7" in queries[0]["sql"] and "ORDER BY" not in queries[0]["sql"]  # no sorting to count
    assert [m.pk for m in capped.page(3)] == [m.pk for m in members[4:6]]

    roomy = CappedPaginator(members, 2, max_pages=4)
    assert (roomy.count, roomy.is_capped, roomy.num_pages) == (7, False, 4)


def test_the_ids_of_all_pages_are_read_once_for_the_count_and_the_page():
    MemberFactory.create_batch(7)
    members = User.objects.order_by("-pk")

    with CaptureQueriesContext(connection) as queries:
        capped = CappedIdsPaginator(members, 2, max_pages=3)
        assert (capped.count, capped.is_capped, capped.num_pages) == (6, True, 3)
        page = capped.page(2)
        listed = [m.pk for m in page]
    assert listed == [m.pk for m in members[2:4]]
    assert len(queries) == 2  # the ids, in order, up to one past the pages; then the page's rows by id
    assert "ORDER BY" in queries[0]["sql"] and "LIMIT 7" in queries[0]["sql"]
    assert (page.has_next(), page.has_previous(), page.start_index()) == (True, True, 3)

    roomy = CappedIdsPaginator(members, 3, max_pages=4)
    assert (roomy.count, roomy.is_capped, roomy.num_pages) == (7, False, 3)
    assert [m.pk for m in roomy.get_page(99)] == [members[6].pk]  # the last page, short
    assert [m.pk for m in CappedIdsPaginator(members, 3, orphans=1).page(2)] == [m.pk for m in members[3:]]

    distinct = CappedIdsPaginator(members.distinct(), 2, max_pages=3)  # ids alone could repeat: counted as a whole
    assert (distinct.count, distinct.is_capped, [m.pk for m in distinct.page(1)]) == (
        6,
        True,
        [m.pk for m in members[:2]],
    )


def test_a_list_may_read_its_ids_its_own_way():
    MemberFactory.create_batch(7)
    members = User.objects.order_by("-pk")
    asked = []

    def read_ids(limit):
        asked.append(limit)
        return list(members.values_list("pk", flat=True)[1:][:limit])  # (not the list's own: seen in the pages)

    capped = CappedIdsPaginator(members, 2, max_pages=2, read_ids=read_ids)

    assert (capped.count, capped.is_capped, [m.pk for m in capped.page(2)]) == (4, True, [m.pk for m in members[3:5]])
    assert asked == [5]  # once, one past the pages


def test_a_list_is_counted_too():
    paginator = CappedPaginator(list(range(11)), 5, max_pages=2)

    assert (paginator.count, paginator.is_capped) == (10, True)


def test_the_member_directory_says_when_there_are_more_members_than_its_pages(member_client, monkeypatch):
    monkeypatch.setattr(pagination, "MAX_PAGES", 1)
    MemberFactory.create_batch(24)  # 25 with the signed-in member; 24 a page

    content = member_client.get(reverse("members:directory")).content.decode()

    assert "More than 24 members" in content
    assert "Only the first pages are listed. Narrow the search or the filters to see the rest." in content
    MemberFactory(country="KH")
    few = member_client.get(reverse("members:directory"), {"country": "KH"}).content.decode()
    assert "1 member" in few and "More than" not in few and "Only the first pages" not in few


def test_a_page_read_by_ids_first_is_the_same_page_in_the_same_order():
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    author = member_of(community)
    for n in range(9):
        PostFactory(thread=thread, author=author, body=f"Reply {n}")
    posts = thread.posts.select_related("author").order_by("created_at", "pk")

    plain, ids_first = Paginator(posts, 4), IdsFirstPaginator(posts, 4)

    for number in plain.page_range:
        assert list(ids_first.page(number)) == list(plain.page(number))
    last = ids_first.page(ids_first.num_pages)
    with CaptureQueriesContext(connection) as queries:
        assert [post.author.pk for post in last] == [author.pk] * len(last)  # joined: no query per post
    assert len(queries) == 0


# --- The count read with the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_page_carries_the_count_in_one_statement(number):
    MemberFactory.create_batch(5)
    members = User.objects.order_by("pk")

    with CaptureQueriesContext(connection) as queries:
        page = pagination.CountedWithPagePaginator(members, 2).get_page(number)
        assert (page.paginator.count, page.paginator.num_pages, page.number) == (5, 3, number)
        rows = [m.pk for m in page]

    assert len(queries) == 1
    assert rows == [m.pk for m in Paginator(members, 2).page(number)]
    assert "OVER ()" in queries[0]["sql"].upper()


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("9", 3),
        ("0", 3),
        ("-1", 3),
        ("two", 1),
        (None, 1),
        ("2.0", 1),
        # An offset past a 64-bit integer: SQLite answered "datatype mismatch" (a 500 the fuzzing found).
        ("9" * 30, 3),
        (str(2**62), 3),
    ],
)
def test_a_page_that_does_not_exist_shows_what_django_would(asked, shown):
    MemberFactory.create_batch(5)
    members = User.objects.order_by("pk")

    page = pagination.CountedWithPagePaginator(members, 2).get_page(asked)

    expected = Paginator(members, 2).get_page(asked)
    assert page.number == expected.number == shown
    assert [m.pk for m in page] == [m.pk for m in expected]
    assert page.paginator.count == 5


def test_an_empty_list_has_one_empty_page():
    page = pagination.CountedWithPagePaginator(User.objects.none(), 2).get_page(1)

    assert (page.paginator.count, page.paginator.num_pages, list(page)) == (0, 1, [])


def test_a_distinct_list_is_counted_apart():
    community = CommunityFactory()
    for _ in range(3):
        member_of(community)
    # Joined to memberships: without DISTINCT a member could come twice; the window would count every row.
    members = User.objects.filter(memberships__community=community).distinct().order_by("pk")

    with CaptureQueriesContext(connection) as queries:
        page = pagination.CountedWithPagePaginator(members, 2).get_page(1)
        assert (page.paginator.count, len(page)) == (3, 2)

    assert len(queries) == 2 and "OVER ()" not in " ".join(q["sql"] for q in queries).upper()
