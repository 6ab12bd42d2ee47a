"""Knowledge pages cost the same number of queries for 1 row as for many.

The counts were measured with django.test.utils.CaptureQueriesContext, for a signed-in member, and are the
same on SQLite and PostgreSQL (the search page runs full-text search on one and plain matching on the other,
each in one query), except for the search page's matching discussions: one query on SQLite, two or more on
PostgreSQL (tests/knowledge/test_thread_search.py). Each comment lists the queries, in the order they run.
"""

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Language
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory

from .factories import KnowledgeProductFactory, ProductFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client):
    member = MemberFactory()
    client.force_login(member)
    return member


@pytest.fixture
def community(viewer):
    community = CommunityFactory()
    MembershipFactory(member=viewer, community=community)
    return community


def _products(rows, community):
    languages = list(Language.objects.filter(code__in=["en", "ru", "my"]))
    private = CommunityFactory(visibility="private")
    MembershipFactory(member=MemberFactory(), community=private)
    for number in range(rows):
        KnowledgeProductFactory(
            title=f"Flood guidance {number}",
            # The first has no body yet: a search finds it by its title, and its snippet comes from the summary.
            body=f"What the district did in the flood, part {number}." if number else "",
            summary="Flood guidance, to be written.",
            language=languages[number % 3],
            countries=["MM", "KH"],
            communities=[community] if number % 2 else [community, private],
            tags=["crisis response", f"theme {number}"],
            download_count=number,
        )
        ThreadFactory(community=community, title=f"Flood question {number}")


@pytest.mark.parametrize("rows", [1, 25])
def test_it_lists_the_library_in_a_constant_number_of_queries(
    client, viewer, community, django_assert_num_queries, rows
):
    _products(rows, community)

    # 1 session, 2 user, 3 COUNT of visible published products for the paginator, 4 the page of products with
    # their languages, 5 their tags (prefetch), 6 whether the viewer may write a product (an active
    # membership), 7 unread notifications (header), 8 the communities offered by the filter, 9 the languages
    # offered by the filter
    with django_assert_num_queries(9):
        response = client.get(reverse("knowledge:library"))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 25])
def test_it_searches_the_library_in_a_constant_number_of_queries(
    client, viewer, community, django_assert_num_queries, rows
):
    _products(rows, community)

    # 1 session, 2 user, 3 the matching products for the paginator (SQLite: their COUNT; PostgreSQL: the ids and
    # ranks of the newest 201, sorted in Python), 4 the page of matching products with their rank, snippet
    # (PostgreSQL) and languages, 5 their tags (prefetch), 6 the matching discussions the viewer may read (on
    # PostgreSQL, 6 the ids of the most recently active threads and 7 the matches among them; two more when they
    # hold too few and there are older threads), 7 whether the viewer may write a product, 8 unread
    # notifications (header), 9 the communities offered by the filter, 10 the languages offered by the filter
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 10):
        response = client.get(reverse("knowledge:library"), {"q": "flood", "sort": "relevance"})

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)
    assert len(response.context["threads"]) == min(rows, 10)
    assert all("<mark>" in product.highlight for product in response.context["page_obj"].object_list)


@pytest.mark.parametrize("files", [1, 10])
def test_it_shows_a_product_in_a_constant_number_of_queries(
    client, viewer, community, django_assert_num_queries, files
):
    authors = [MemberFactory() for _ in range(3)]
    product = KnowledgeProductFactory(
        language=Language.objects.get(code="en"),
        countries=["MM", "KH", "LA"],
        communities=[community, CommunityFactory(), CommunityFactory()],
        authors=authors,
        tags=["crisis response", "continuity", "e-services"],
        source_threads=[ThreadFactory(community=community), ThreadFactory(community=community)],
    )
    for _ in range(files):
        ProductFileFactory(product=product)

    # 1 session, 2 user, 3 the product by slug as the viewer may see it, 4 the product with its language and
    # creator, 5 its files, 6 tags, 7 authors and 8 communities (prefetches), 9 the source discussions and
    # 10 the source events the viewer may see, 11 unread notifications (header)
    with django_assert_num_queries(11):
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('href="/knowledge/' + product.slug + "/files/") == files
    assert all(author.display_name in page for author in authors)
    assert len(response.context["sources"]) == 2
