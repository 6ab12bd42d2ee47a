import pytest
from django.urls import reverse

from communities.models import Community, Membership

from .factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [community.name for community in response.context["page_obj"].object_list]


@pytest.fixture
def communities():
    budgeting = CommunityFactory(name="Budgeting", description="Public money, well spent.", countries=["KH", "MM"])
    budgeting.themes.add("public finance")
    digital = CommunityFactory(name="Digital government", description="Online services.", countries=["VN"])
    digital.themes.add("e-services", "public finance")
    health = CommunityFactory(name="Health", description="Clinics and budgets.", countries=["MM", "TH", "LA"])
    return budgeting, digital, health


def test_it_lists_communities_by_name_with_member_counts(client, communities):
    budgeting = communities[0]
    MembershipFactory.create_batch(2, community=budgeting)
    MembershipFactory(community=budgeting, status=Membership.Status.PENDING)
    response = client.get(reverse("communities:list"))
    assert response.status_code == 200
    assert names(response) == ["Budgeting", "Digital government", "Health"]
    assert response.context["page_obj"].object_list[0].member_count == 2


def test_it_searches_names_and_descriptions(client, communities):
    assert names(client.get(reverse("communities:list"), {"q": "budget"})) == ["Budgeting", "Health"]
    assert names(client.get(reverse("communities:list"), {"q": "ONLINE"})) == ["Digital government"]
    response = client.get(reverse("communities:list"), {"q": "nothing like this"})
    assert names(response) == []
    assert response.context["is_filtered"] is True


def test_it_filters_by_theme(client, communities):
    assert names(client.get(reverse("communities:list"), {"theme": "public-finance"})) == [
        "Budgeting",
        "Digital government",
    ]
    assert names(client.get(reverse("communities:list"), {"theme": "e-services"})) == ["Digital government"]


@pytest.mark.parametrize(
    ("country", "expected"),
    [("KH", ["Budgeting"]), ("MM", ["Budgeting", "Health"]), ("TH", ["Health"]), ("LA", ["Health"]), ("PH", [])],
)
def test_it_filters_by_a_whole_country_code(client, communities, country, expected):
    assert names(client.get(reverse("communities:list"), {"country": country})) == expected


def test_it_shows_the_viewers_standing_in_each_community(client, member, communities):
    budgeting, digital, _health = communities
    digital.visibility = Community.Visibility.REQUEST
    digital.save()
    MembershipFactory(member=member, community=budgeting, role=Membership.Role.MODERATOR)
    MembershipFactory(member=member, community=digital, status=Membership.Status.PENDING)
    client.force_login(member)
    listed = client.get(reverse("communities:list")).context["page_obj"].object_list
    cards = {community.name: community.card for community in listed}
    assert ">Moderator</span>" in cards["Budgeting"] and "Requested" not in cards["Budgeting"]
    assert ">Requested</span>" in cards["Digital government"] and "Moderator" not in cards["Digital government"]
    assert "Moderator" not in cards["Health"] and "Requested" not in cards["Health"]


def test_it_pages_the_list(client):
    CommunityFactory.create_batch(30)
    assert len(client.get(reverse("communities:list")).context["page_obj"].object_list) == 24
    assert len(client.get(reverse("communities:list"), {"page": 2}).context["page_obj"].object_list) == 6


def test_it_offers_community_creation_only_to_the_coordinator(client, member, coordinator):
    assert client.get(reverse("communities:list")).context["can_create"] is False
    client.force_login(member)
    assert client.get(reverse("communities:list")).context["can_create"] is False
    client.force_login(coordinator)
    assert client.get(reverse("communities:list")).context["can_create"] is True
