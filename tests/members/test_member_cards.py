"""The member directory's cards are rendered once and then read from the cache (members/member_cards.py): an edited
profile shows at once, and a member who leaves the directory is not listed from the cache."""

import pytest
from django.urls import reverse

from members import privacy
from members.models import User
from tests.cards import cards_rendered as count_rendered
from tests.cards import list_html
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "members/includes/member_card.html"


def listed(client) -> str:
    return list_html(client, "members:directory", '<ul class="grid grid-3" role="list">')


def cards_rendered(client) -> int:
    return count_rendered(client, "members:directory", CARD_TEMPLATE)


@pytest.fixture
def viewer(client):
    member = MemberFactory(full_name="Aye Aye Thant")
    client.force_login(member)
    return member


def test_cards_are_rendered_once_then_read_from_the_cache(client, viewer):
    MemberFactory(full_name="Bo Bo Win", organization="Ministry of Health", city_region="Mandalay")
    assert cards_rendered(client) == 2
    assert cards_rendered(client) == 0
    cards = listed(client)
    assert "Bo Bo Win" in cards and "Ministry of Health" in cards and "Mandalay, Myanmar" in cards
    assert reverse("members:detail", args=[viewer.pk]) in cards and ">AA<" in cards


def test_without_the_cache_cards_are_rendered_each_time(client, viewer, without_card_cache):
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 1


def test_a_card_shows_every_change_at_once(client, viewer):
    assert "Aye Aye Thant" in listed(client)

    User.objects.filter(pk=viewer.pk).update(full_name="Aye Aye Win", organization="Ministry of Finance")
    cards = listed(client)
    assert "Aye Aye Win" in cards and "Ministry of Finance" in cards and "Thant" not in cards


def test_a_deactivated_member_is_not_listed_from_the_cache(client, viewer):
    other = MemberFactory(full_name="Bo Bo Win")
    assert "Bo Bo Win" in listed(client)

    User.objects.filter(pk=other.pk).update(is_active=False)

    assert "Bo Bo Win" not in listed(client)


def test_a_deleted_account_is_not_listed_from_the_cache(client, viewer):
    other = MemberFactory(full_name="Bo Bo Win", organization="Ministry of Health")
    assert "Bo Bo Win" in listed(client)

    privacy.account_delete(member=other)

    cards = listed(client)
    assert "Bo Bo Win" not in cards and "Ministry of Health" not in cards


def test_a_card_is_in_the_viewers_language(client, viewer):
    assert "Myanmar" in listed(client)

    position = str(User.PositionLevel(viewer.position_level).label)
    assert position in listed(client)

    client.cookies["django_language"] = "ru"
    cards = listed(client)
    assert "Мьянма" in cards and "Myanmar" not in cards and position not in cards


def test_names_are_escaped(client, viewer):
    MemberFactory(full_name="<script>alert(1)</script>")

    cards = listed(client)

    assert "<script>alert(1)</script>" not in cards and "&lt;script&gt;alert(1)&lt;/script&gt;" in cards
