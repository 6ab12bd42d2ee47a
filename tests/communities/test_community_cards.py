"""The community directory's cards are rendered once and then read from the cache (communities/community_cards.py):
a cached card is shared only by viewers who see the same thing, and never shows anything stale."""

import pytest

from communities.models import Community, Membership
from tests.cards import cards_rendered as count_rendered
from tests.cards import list_html
from tests.factories import MemberFactory

from .factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "communities/includes/community_card.html"


@pytest.fixture
def community():
    community = CommunityFactory(name="Budgeting", description="Public money, well spent.")
    community.themes.add("public finance")
    return community


def listed(client) -> str:
    return list_html(client, "communities:list", '<ul class="grid grid-2" role="list">')


def cards_rendered(client) -> int:
    return count_rendered(client, "communities:list", CARD_TEMPLATE)


def test_cards_are_rendered_once_then_read_from_the_cache(client, community):
    CommunityFactory(name="Health")
    assert cards_rendered(client) == 2
    assert cards_rendered(client) == 0
    cards = listed(client)
    assert "Budgeting" in cards and "Health" in cards and community.get_absolute_url() in cards
    assert "Public money, well spent." in cards and 'href="?theme=public-finance"' in cards
    assert "0 members" in cards and "Open: anyone can join" in cards


def test_without_the_cache_cards_are_rendered_each_time(client, community, without_card_cache):
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 1


def test_each_viewer_sees_their_own_membership(client, community):
    leader, asking, other = MemberFactory(), MemberFactory(), MemberFactory()
    MembershipFactory(member=leader, community=community, role=Membership.Role.LEADER)
    MembershipFactory(member=asking, community=community, status=Membership.Status.PENDING)

    client.force_login(leader)
    assert ">Leader</span>" in listed(client)
    client.force_login(asking)
    cards = listed(client)
    assert ">Requested</span>" in cards and ">Leader</span>" not in cards
    client.force_login(other)
    cards = listed(client)
    assert "Requested" not in cards and ">Leader</span>" not in cards and "Budgeting" in cards


def test_a_changed_membership_shows_at_once(client, community):
    member = MemberFactory()
    membership = MembershipFactory(member=member, community=community, status=Membership.Status.PENDING)
    client.force_login(member)
    assert ">Requested</span>" in listed(client)

    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ACTIVE)
    assert ">Member</span>" in listed(client)

    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.MODERATOR)
    assert ">Moderator</span>" in listed(client)

    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    cards = listed(client)
    assert "badge-success" not in cards and "badge-warning" not in cards


def test_a_card_shows_every_change_at_once(client, community):
    assert "0 members" in listed(client)

    MembershipFactory(community=community)
    assert "1 member\n" in listed(client)

    Community.objects.filter(pk=community.pk).update(name="Public budgeting", description="Renewed.")
    cards = listed(client)
    assert "Public budgeting" in cards and "Renewed." in cards

    community.themes.add("open data")
    assert 'href="?theme=open-data"' in listed(client)


def test_a_card_is_in_the_viewers_language(client, community):
    assert "Open: anyone can join" in listed(client)

    client.cookies["django_language"] = "ru"
    cards = listed(client)
    assert "Open: anyone can join" not in cards and "0 участников" in cards


def test_names_and_descriptions_are_escaped(client):
    CommunityFactory(name="<script>alert(1)</script>", description="<b>bold</b>")

    cards = listed(client)

    assert "<script>alert(1)</script>" not in cards and "&lt;script&gt;alert(1)&lt;/script&gt;" in cards
    assert "<b>bold</b>" not in cards and "&lt;b&gt;bold&lt;/b&gt;" in cards


def test_members_in_every_time_zone_share_a_card(client, community):
    # A community card shows no date: its key leaves the time zone out (events and products keep it).
    client.force_login(MemberFactory(time_zone="Asia/Yangon"))
    assert cards_rendered(client) == 1
    client.force_login(MemberFactory(time_zone="Asia/Almaty"))
    assert cards_rendered(client) == 0
