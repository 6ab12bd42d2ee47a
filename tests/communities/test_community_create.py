import pytest
from django.urls import reverse

from communities.models import Community, Membership

pytestmark = pytest.mark.django_db

VALID = {"name": "Anti-corruption practitioners", "slug": "anti-corruption", "description": "Integrity.",
         "themes": "integrity, audit", "countries": ["MM", "KH"], "visibility": "request"}  # fmt: skip


def test_a_coordinator_creates_a_community_in_the_site_and_leads_it(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("communities:create"), VALID)
    community = Community.objects.get(slug="anti-corruption")
    assert response.url == community.get_absolute_url()
    assert community.created_by == coordinator
    assert sorted(community.themes.names()) == ["audit", "integrity"]
    assert [c.code for c in community.countries] == ["KH", "MM"]
    assert Membership.objects.get(community=community).role == "leader"


def test_a_bad_slug_gets_a_clear_message_and_keeps_the_input(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("communities:create"), {**VALID, "slug": "Bad Slug!"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Use only lowercase letters, digits and hyphens" in content
    assert 'value="Anti-corruption practitioners"' in content
    assert not Community.objects.exists()


@pytest.mark.parametrize("who", ["member", "report_viewer", "expert"])
def test_only_coordinators_create_communities(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("communities:create")).status_code == 404
    assert client.post(reverse("communities:create"), VALID).status_code == 404
    assert not Community.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("communities:create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_community_created_meanwhile_under_the_same_name_is_a_form_error(client, coordinator, monkeypatch):
    """A double click on "Create": both forms were valid, and the second insert was a 500."""
    from communities import services

    create = services.community_create

    def the_first_click_first(*, form, creator):
        Community.objects.create(name=VALID["name"], slug=VALID["slug"], created_by=creator)
        return create(form=form, creator=creator)

    monkeypatch.setattr(services, "community_create", the_first_click_first)
    client.force_login(coordinator)

    response = client.post(reverse("communities:create"), VALID)

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["name"])
    assert 'value="Anti-corruption practitioners"' in response.content.decode()
    assert Community.objects.count() == 1
