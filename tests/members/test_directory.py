import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_it_finds_members_by_name_or_organization(member_client):
    MemberFactory(full_name="Sokha Chan", organization="Ministry of Civil Service", country="KH")
    MemberFactory(full_name="Dana Seitkali", organization="Agency for Civil Service Affairs", country="KZ")
    MemberFactory(full_name="Minh Nguyen", organization="Ministry of Home Affairs", country="VN")

    names = lambda response: [m.full_name for m in response.context["page_obj"].object_list]  # noqa: E731
    assert names(member_client.get(reverse("members:directory"), {"q": "sokha"})) == ["Sokha Chan"]
    assert names(member_client.get(reverse("members:directory"), {"q": "civil service"})) == [
        "Dana Seitkali",
        "Sokha Chan",
    ]
    assert names(member_client.get(reverse("members:directory"), {"country": "VN"})) == ["Minh Nguyen"]
    assert names(member_client.get(reverse("members:directory"), {"q": "civil", "country": "KZ"})) == ["Dana Seitkali"]


def test_it_shows_a_clear_empty_state_for_no_match(member_client):
    response = member_client.get(reverse("members:directory"), {"q": "nobody-has-this-name"})
    assert b"No member matches this search." in response.content


def test_it_reports_an_invalid_country_filter(member_client):
    response = member_client.get(reverse("members:directory"), {"country": "ZZ"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_it_leaves_out_inactive_and_unfinished_accounts(member_client):
    MemberFactory(full_name="Gone Member", is_active=False)
    MemberFactory(full_name="Half Member", profile_completed_at=None)
    content = member_client.get(reverse("members:directory")).content.decode()
    assert "Gone Member" not in content
    assert "Half Member" not in content


def test_it_paginates(member_client):
    MemberFactory.create_batch(30)
    first = member_client.get(reverse("members:directory"))
    assert len(first.context["page_obj"].object_list) == 24
    second = member_client.get(reverse("members:directory"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 7  # 30 + the signed-in member
    assert member_client.get(reverse("members:directory"), {"page": "junk"}).status_code == 200


def test_it_is_only_for_signed_in_members(client):
    response = client.get(reverse("members:directory"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("params", [{"country": "MM"}, {"q": "planning"}])
@pytest.mark.parametrize("rows", [3, 40])
def test_it_uses_the_same_number_of_queries_for_any_number_of_members(
    member_client, django_assert_num_queries, rows, params
):
    MemberFactory.create_batch(rows)
    # session, user, unread notifications, COUNT for the paginator, the page of members (+ local community)
    with django_assert_num_queries(5):
        response = member_client.get(reverse("members:directory"), params)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows + 1, 24)  # + the signed-in member


def _page_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if 'ORDER BY "members_user"' in query["sql"]]


def test_a_search_with_few_matches_sorts_them_once_found(member_client, monkeypatch):
    # Fewer matches than the pages reach (here one page of 24) are found first, then sorted.
    monkeypatch.setattr("cop_platform.pagination.MAX_PAGES", 1)
    for number in range(5):
        MemberFactory(full_name=f"{'ZYXWV'[number]}thida {number}", organization="Agency")
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("members:directory"), {"q": "thida"})

    names = [member.full_name for member in response.context["page_obj"].object_list]
    assert names == ["Vthida 4", "Wthida 3", "Xthida 2", "Ythida 1", "Zthida 0"]
    (page_query,) = _page_queries(queries)
    assert "NULLS FIRST" in page_query


@pytest.mark.parametrize("first_letter, read_among_first_names", [("A", True), ("Z", False)])
def test_a_search_with_many_matches_looks_among_the_first_names_first(
    member_client, monkeypatch, first_letter, read_among_first_names
):
    # More matches than the pages reach: a page is looked for among the first names in the directory's order
    # (here 2 for each row up to the page's end: 48 names for page 1). Matches early in the alphabet fill the
    # page from there; late ones leave it short, and every match is then sorted. Either way, the page is the
    # first 24 matches in name order.
    monkeypatch.setattr("cop_platform.pagination.MAX_PAGES", 1)
    monkeypatch.setattr("members.selectors.ManyMatchesInNameOrder.FIRST_NAMES_PER_ROW", 2)
    MemberFactory.create_batch(30, full_name="Mya Filler", organization="Agency")
    for number in range(30):
        MemberFactory(full_name=f"{first_letter}thida {number:02}", organization="Agency")
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("members:directory"), {"q": "thida"})

    assert response.context["page_obj"].paginator.is_capped
    names = [member.full_name for member in response.context["page_obj"].object_list]
    assert names == [f"{first_letter}thida {number:02}" for number in range(24)]
    page_queries = _page_queries(queries)
    assert "<= (SELECT" in page_queries[0] and "NULLS FIRST" not in page_queries[0]
    if read_among_first_names:
        assert len(page_queries) == 1
    else:
        assert len(page_queries) == 2 and "NULLS FIRST" in page_queries[1]


@pytest.mark.parametrize("page, expected", [(1, [("A", n) for n in range(10)] + [("Z", n) for n in range(14)]),
                                            (2, [("Z", n) for n in range(14, 38)])])  # fmt: skip
def test_a_page_the_first_names_hold_only_part_of_is_sorted_whole(member_client, monkeypatch, page, expected):
    # 50 matches, 48 reachable (2 pages of 24); 1 first name per row up to the page's end (24, then 48 names).
    # Page 1's first 24 names hold the 10 early matches only; page 2's first 48 hold 27 of the 48 it needs.
    monkeypatch.setattr("cop_platform.pagination.MAX_PAGES", 2)
    monkeypatch.setattr("members.selectors.ManyMatchesInNameOrder.FIRST_NAMES_PER_ROW", 1)
    for number in range(10):
        MemberFactory(full_name=f"Athida {number:02}")
    MemberFactory.create_batch(20, full_name="Mya Filler")
    for number in range(40):
        MemberFactory(full_name=f"Zthida {number:02}")
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("members:directory"), {"q": "thida", "page": page})

    names = [member.full_name for member in response.context["page_obj"].object_list]
    assert names == [f"{letter}thida {number:02}" for letter, number in expected]
    assert len(_page_queries(queries)) == 2  # the first names', then every match sorted


def test_a_country_filter_keeps_the_first_names_order(member_client, monkeypatch):
    # The first names are counted over every listed member, whatever the country: they are still the start of
    # the filtered order, so the page read among them is the right one.
    monkeypatch.setattr("cop_platform.pagination.MAX_PAGES", 1)
    monkeypatch.setattr("members.selectors.ManyMatchesInNameOrder.FIRST_NAMES_PER_ROW", 2)
    for number in range(30):
        MemberFactory(full_name=f"Athida {number:02}", country="KH" if number % 2 == 0 else "VN")
    for number in range(30):
        MemberFactory(full_name=f"Zthida {number:02}", country="KH")
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("members:directory"), {"q": "thida", "country": "KH"})

    names = [member.full_name for member in response.context["page_obj"].object_list]
    assert names == [f"Athida {n:02}" for n in range(0, 30, 2)] + [f"Zthida {n:02}" for n in range(9)]
    assert len(_page_queries(queries)) == 1  # found among the first 48 names
