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


@pytest.mark.parametrize("matches, sorted_after_matching", [(5, True), (30, False)])
def test_a_search_lists_members_by_name_however_it_is_read(member_client, monkeypatch, matches, sorted_after_matching):
    # Fewer matches than the pages reach (here one page of 24) are sorted once found; more are read in name
    # order off the directory's index. Either way the page is in name order.
    monkeypatch.setattr("cop_platform.pagination.MAX_PAGES", 1)
    for number in range(matches):
        MemberFactory(full_name=f"{'ZYXWVUTSRQ'[number % 10]}thida {number}", organization="Agency")
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("members:directory"), {"q": "thida"})

    names = [member.full_name for member in response.context["page_obj"].object_list]
    assert names == sorted(names) and len(names) == min(matches, 24)
    (page_query,) = [query["sql"] for query in queries.captured_queries if 'ORDER BY "members_user"' in query["sql"]]
    assert ("NULLS FIRST" in page_query) is sorted_after_matching
