"""The expert directory's cards are rendered once and then read from the cache (experts/expert_cards.py): the
coordinator's cards (with the listing status) are never shown to members, and no card is ever stale."""

import pytest
from django.urls import reverse

from experts.models import Expert
from tests.cards import cards_rendered as count_rendered
from tests.cards import list_html
from tests.factories import CoordinatorFactory, MemberFactory

from .factories import ExpertFactory

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "experts/includes/expert_card.html"


def listed(client) -> str:
    return list_html(client, "experts:directory", '<ul class="grid grid-3" role="list">')


def cards_rendered(client) -> int:
    return count_rendered(client, "experts:directory", CARD_TEMPLATE)


@pytest.fixture
def expert():
    return ExpertFactory(name="Dr Aye Aye", organization="Ministry of Planning", countries=["MM"])


def test_cards_are_rendered_once_then_read_from_the_cache(client, expert):
    client.force_login(MemberFactory())
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 0
    cards = listed(client)
    assert "Dr Aye Aye" in cards and "Ministry of Planning" in cards and "Myanmar" in cards
    assert reverse("experts:detail", args=[expert.pk]) in cards


def test_without_the_cache_cards_are_rendered_each_time(client, expert, without_card_cache):
    client.force_login(MemberFactory())
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 1


def test_only_the_coordinator_sees_the_listing_status(client, expert):
    client.force_login(CoordinatorFactory())
    status = str(Expert.Status(expert.status).label)
    assert status in listed(client)  # cached first, for the coordinator

    client.force_login(MemberFactory())
    assert "Dr Aye Aye" in listed(client) and status not in listed(client)


def test_an_unlisted_expert_shows_to_the_coordinator_only(client, expert):
    ExpertFactory(name="Dr Mapped Only", status=Expert.Status.MAPPED)
    client.force_login(MemberFactory())
    assert "Dr Mapped Only" not in listed(client)  # the member's cards first

    client.force_login(CoordinatorFactory())
    cards = listed(client)
    assert "Dr Mapped Only" in cards and ">Mapped<" in cards and ">Active<" in cards

    client.force_login(MemberFactory())
    cards = listed(client)
    assert "Dr Mapped Only" not in cards and ">Active<" not in cards and "Dr Aye Aye" in cards


def test_a_card_shows_every_change_at_once(client, expert):
    client.force_login(MemberFactory())
    assert "Ministry of Planning" in listed(client)

    Expert.objects.filter(pk=expert.pk).update(name="Dr Aye Aye Thant", organization="Ministry of Finance")
    cards = listed(client)
    assert "Dr Aye Aye Thant" in cards and "Ministry of Finance" in cards and "Planning" not in cards

    expert.expertise.add("open data")
    assert 'href="?tag=open-data"' in listed(client)

    client.force_login(CoordinatorFactory())
    assert ">Active<" in listed(client)
    Expert.objects.filter(pk=expert.pk).update(status=Expert.Status.ENGAGED)
    assert ">Engaged<" in listed(client) and ">Active<" not in listed(client)


def test_countries_are_named_in_the_viewers_language(client, expert):
    client.force_login(MemberFactory())
    assert "Myanmar" in listed(client)

    client.cookies["django_language"] = "ru"
    assert "Мьянма" in listed(client)


def test_names_are_escaped(client):
    ExpertFactory(name="<script>alert(1)</script>")
    client.force_login(MemberFactory())

    cards = listed(client)

    assert "<script>alert(1)</script>" not in cards and "&lt;script&gt;alert(1)&lt;/script&gt;" in cards
