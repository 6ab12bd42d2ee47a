"""Forged values in the admin's queries and forms get the admin's own "invalid" answers, not a 500
(cop_platform.admin_site: every registered admin and its inlines are guarded). Runs on both databases in CI."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.urls import reverse

from communities import services
from communities.models import Community, Membership
from cop_platform.admin_site import ForgedInputGuard, KeysOnlyAutocomplete
from tests.communities.factories import CommunityFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOT_KEYS = ["abc", "99999999999999999999", "²"]


def test_every_registered_admin_and_its_inlines_are_guarded():
    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, ForgedInputGuard), type(model_admin)
        for inline in model_admin.inlines:
            assert issubclass(inline, InlineModelAdmin) and issubclass(inline, KeysOnlyAutocomplete), inline


@pytest.mark.parametrize(
    "query",
    [
        "starts_at__year=99999999999999999999",
        "starts_at__year=9999",  # Django adds a year past its check
        "starts_at__year=9999&starts_at__month=12",
        "starts_at__year=2026&starts_at__month=99999999999999999999",
        "starts_at__year=2026&starts_at__month=1&starts_at__day=99999999999999999999",
        "starts_at__year=-3",
        "starts_at__year=abc",
    ],
)
def test_a_date_drill_down_out_of_range_is_an_invalid_lookup(client, coordinator, query):
    client.force_login(coordinator)

    response = client.get(f"{reverse('admin:events_event_changelist')}?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:events_event_changelist')}?e=1"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/?starts_at__year__gte=-1",  # the drill-down's field, past its own parameters
        "/admin/events/event/?ends_at__year=99999999999999999999",
        "/admin/cop_platform/outboxemail/?created_at__year=-1",
        "/admin/taggit/tag/?knowledgeproduct__exact=abc",  # a generic relation's integer column (PostgreSQL)
        "/admin/auth/group/?id__in=1,99999999999999999999",  # 20 digits (SQLite)
        "/admin/auth/group/?user__exact=99999999999999999999",
    ],
)
def test_a_filter_value_no_query_could_run_with_is_an_invalid_lookup(client, url):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{url.split('?')[0]}?e=1"


def test_a_list_filter_of_our_own_judges_its_own_values(client, coordinator):
    client.force_login(coordinator)

    response = client.get("/admin/events/registration/?event=99999999999999999999")

    assert response.status_code == 200
    assert "0 registrations" in response.content.decode()


def test_a_reverse_many_to_many_named_as_to_field_is_refused(client):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/auth/group/?_to_field=user").status_code == 400  # Django's AttributeError: a 500


def test_a_date_drill_down_in_range_still_lists(client, coordinator):
    client.force_login(coordinator)

    response = client.get(f"{reverse('admin:events_event_changelist')}?starts_at__year=9998&starts_at__month=11")

    assert response.status_code == 200


def test_an_action_acts_on_the_rows_that_are_keys_and_ignores_the_rest(client, coordinator):
    community = CommunityFactory(visibility=Community.Visibility.REQUEST)
    request = services.community_join(member=MemberFactory(), community=community)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": [*NOT_KEYS, request.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["1 request approved; the member was told."]
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_an_action_on_no_key_at_all_says_nothing_was_selected(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": NOT_KEYS},
        follow=True,
    )

    assert response.status_code == 200
    assert "Items must be selected" in str(list(response.context["messages"])[0])


@pytest.mark.parametrize("value", NOT_KEYS)
def test_a_form_sent_back_with_an_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator, value):
    client.force_login(coordinator)

    response = client.post(reverse("admin:communities_membership_add"), {"member": value, "community": value})

    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["member"])


def test_a_many_to_many_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("admin:knowledge_knowledgeproduct_add"), {"authors": NOT_KEYS, "title": "A"})

    assert response.status_code == 200
    assert "authors" in response.context["adminform"].form.errors


def test_an_inline_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_community_add"),
        {
            "name": "Public finance",
            "slug": "public-finance",
            "visibility": "open",
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "0",
            "teams-0-name": "Yangon team",
            "teams-0-leader": "abc",
            "teams-0-local_community": "99999999999999999999",
        },  # fmt: skip
    )

    assert response.status_code == 200
    team_errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert {"leader", "local_community"} <= set(team_errors)
