import pytest
from django.urls import reverse

from communities.models import Community, Membership

pytestmark = pytest.mark.django_db


def test_a_community_created_in_the_admin_gets_the_coordinator_as_leader(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:communities_community_add"),
        {
            "name": "Public finance",
            "slug": "public-finance",
            "description": "",
            "themes": "budgeting",
            "countries": ["MM"],
            "visibility": "request",
            "teams-TOTAL_FORMS": "0",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
        },  # fmt: skip
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    community = Community.objects.get(slug="public-finance")
    assert community.created_by == coordinator
    assert community.themes.names()[0] == "budgeting"
    assert Membership.objects.get(community=community).role == Membership.Role.LEADER


def test_the_admin_refuses_the_reserved_slug(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:communities_community_add"),
        {"name": "New", "slug": "new", "visibility": "open", "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "This address is reserved by the site" in response.content.decode()
    assert not Community.objects.exists()


def test_the_moderation_log_is_read_only_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:communities_moderationaction_add")).status_code == 403
    for name in ["community", "membership", "thread", "post", "report", "moderationaction", "localactionteam"]:
        assert client.get(reverse(f"admin:communities_{name}_changelist")).status_code == 200
