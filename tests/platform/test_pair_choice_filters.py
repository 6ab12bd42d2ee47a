"""Filters whose choices are (key, name) pairs (cop_platform.forms.pair_choice_filter): the library's and the
events schedule's community and language, the expert directory's cluster and language."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from members.models import Language
from tests.communities.factories import CommunityFactory
from tests.events.factories import EventFactory
from tests.experts.factories import ExpertClusterFactory, ExpertFactory
from tests.knowledge.factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db


@dataclass
class Listing:
    url: str
    group: str  # the parameter of the filter by group (a community, a cluster)
    new_group: Callable  # (slug=…, name=…), both optional -> a group
    new_item: Callable  # (title, groups, language=None) -> an item listed under that title

    def titles(self, response) -> list[str]:
        assert response.status_code == 200
        return sorted(str(item) for item in response.context["page_obj"].object_list)


def _in_communities(factory):
    def new_item(title, groups, **language):
        return factory(title=title, communities=groups, **language)

    return new_item


def _cluster(**fields):
    if "name" in fields:
        fields["theme"] = fields.pop("name")
    return ExpertClusterFactory(**fields)


def _expert(title, groups, language=None):
    return ExpertFactory(name=title, clusters=groups, languages=[language] if language else [])


LISTS = {
    "library": Listing("knowledge:library", "community", CommunityFactory, _in_communities(KnowledgeProductFactory)),
    "schedule": Listing("events:schedule", "community", CommunityFactory, _in_communities(EventFactory)),
    "experts": Listing("experts:directory", "cluster", _cluster, _expert),
}


@pytest.fixture(params=LISTS)
def listing(request, client, member):
    client.force_login(member)  # the expert directory is for members; the other two are public
    return LISTS[request.param]


def test_a_chosen_group_and_language_filter_the_list_and_stay_chosen(client, listing):
    finance, english = listing.new_group(slug="public-finance", name="Public finance"), Language.objects.get(code="en")
    listing.new_item("Finance, in English", [finance], language=english)
    listing.new_item("Finance, in another language", [finance])
    listing.new_item("Elsewhere, in English", [listing.new_group()], language=english)
    url = reverse(listing.url)

    response = client.get(url, {listing.group: "public-finance", "language": "en"})

    assert listing.titles(response) == ["Finance, in English"]
    assert '<option value="public-finance" selected>Public finance</option>' in response.content.decode()
    assert '<option value="en" selected>English</option>' in response.content.decode()
    assert listing.titles(client.get(url, {listing.group: "public-finance"})) == [
        "Finance, in English",
        "Finance, in another language",
    ]


def test_an_unknown_group_or_language_is_refused_with_a_message(client, listing):
    listing.new_item("Anything", [listing.new_group()])

    page = client.get(reverse(listing.url), {listing.group: "no-such-group", "language": "xx"})

    assert page.status_code == 200
    assert "Select a valid choice. no-such-group is not one of the available choices." in page.content.decode()
    assert "Select a valid choice. xx is not one of the available choices." in page.content.decode()


def test_a_group_whose_slug_is_null_filters_as_itself(client, listing):
    # django-filter reads the value "null" as "no such group" unless told otherwise: here it is a slug.
    listing.new_item("On the island", [listing.new_group(slug="null")])
    listing.new_item("Elsewhere", [listing.new_group()])

    assert listing.titles(client.get(reverse(listing.url), {listing.group: "null"})) == ["On the island"]
