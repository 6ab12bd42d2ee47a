"""The library's and the events schedule's community and language filters: choices as (slug, name) and
(code, name) pairs (communities.selectors.community_choices, members.selectors.language_choices)."""

import pytest
from django.urls import reverse

from members.models import Language
from tests.communities.factories import CommunityFactory
from tests.events.factories import EventFactory
from tests.knowledge.factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "library": ("knowledge:library", KnowledgeProductFactory),
    "schedule": ("events:schedule", EventFactory),
}


def _listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(item.title for item in response.context["page_obj"].object_list)


@pytest.mark.parametrize("listing", LISTS)
def test_a_chosen_community_and_language_filter_the_list_and_stay_chosen(client, listing):
    url, factory = LISTS[listing]
    finance, english = CommunityFactory(slug="public-finance", name="Public finance"), Language.objects.get(code="en")
    factory(title="Finance, in English", communities=[finance], language=english)
    factory(title="Finance, in another language", communities=[finance])
    factory(title="Elsewhere, in English", communities=[CommunityFactory()], language=english)

    response = client.get(reverse(url), {"community": "public-finance", "language": "en"})

    assert _listed(response) == ["Finance, in English"]
    assert '<option value="public-finance" selected>Public finance</option>' in response.content.decode()
    assert '<option value="en" selected>English</option>' in response.content.decode()
    assert _listed(client.get(reverse(url), {"community": "public-finance"})) == [
        "Finance, in English",
        "Finance, in another language",
    ]


@pytest.mark.parametrize("listing", LISTS)
def test_an_unknown_community_or_language_is_refused_with_a_message(client, listing):
    url, factory = LISTS[listing]
    factory(title="Anything")

    page = client.get(reverse(url), {"community": "no-such-community", "language": "xx"})

    assert page.status_code == 200
    assert "Select a valid choice. no-such-community is not one of the available choices." in page.content.decode()
    assert "Select a valid choice. xx is not one of the available choices." in page.content.decode()


@pytest.mark.parametrize("listing", LISTS)
def test_a_community_whose_slug_is_null_filters_as_itself(client, listing):
    # django-filter reads the value "null" as "no community" unless told otherwise: here it is a slug.
    url, factory = LISTS[listing]
    factory(title="On the island", communities=[CommunityFactory(slug="null")])
    factory(title="Elsewhere", communities=[CommunityFactory()])

    assert _listed(client.get(reverse(url), {"community": "null"})) == ["On the island"]
