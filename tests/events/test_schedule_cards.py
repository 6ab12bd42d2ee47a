"""The schedule's event cards are rendered once and then read from the cache (events/schedule_cards.py): a cached
card is shared only by viewers who see the same thing, and never shows anything stale."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from communities.models import Community
from events.models import Event, Registration
from tests.cards import cards_rendered as count_rendered
from tests.cards import list_html
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import MemberFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "events/includes/schedule_card.html"


def schedule(client, **params) -> str:
    response = client.get(reverse("events:schedule"), params)
    assert response.status_code == 200
    return response.content.decode()


def listed(client) -> str:
    return list_html(client, "events:schedule", '<ul class="stack" role="list">')


def cards_rendered(client) -> int:
    return count_rendered(client, "events:schedule", CARD_TEMPLATE)


@pytest.fixture
def event():
    return EventFactory(title="Open budgets", capacity=1)


def test_cards_are_rendered_once_then_read_from_the_cache(client, event):
    EventFactory(title="Service charters")
    assert cards_rendered(client) == 2
    assert cards_rendered(client) == 0
    page = listed(client)
    assert "Open budgets" in page and "Service charters" in page and event.get_absolute_url() in page
    assert " · Webinar" in page


def test_without_the_cache_cards_are_rendered_each_time(client, event, without_card_cache):
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 1


def test_each_viewer_sees_their_own_registration(client, event):
    registered, waitlisted, other = MemberFactory(), MemberFactory(), MemberFactory()
    RegistrationFactory(event=event, member=registered)
    RegistrationFactory(event=event, member=waitlisted, status=Registration.Status.WAITLISTED)

    client.force_login(registered)
    assert ">Registered<" in schedule(client)
    client.force_login(waitlisted)
    assert ">Waitlist<" in schedule(client) and ">Registered<" not in schedule(client)
    client.force_login(other)
    page = schedule(client)
    assert ">Full: waitlist<" in page and ">Registered<" not in page and ">Waitlist<" not in page


def test_viewers_who_would_see_the_same_card_share_it(client, event):
    client.force_login(MemberFactory())
    assert cards_rendered(client) == 1
    client.force_login(MemberFactory())
    assert cards_rendered(client) == 0


def test_a_card_shows_every_change_at_once(client, event):
    community = CommunityFactory(name="Open network")
    event.communities.add(community)
    assert ">Full: waitlist<" not in listed(client)

    registration = RegistrationFactory(event=event)  # the last place taken
    assert ">Full: waitlist<" in listed(client)

    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    assert ">Full: waitlist<" not in listed(client)

    Community.objects.filter(pk=community.pk).update(name="Open government network")
    assert "Open government network" in listed(client)

    Event.objects.filter(pk=event.pk).update(title="Open budgets, part 2", status=Event.Status.CANCELLED)
    cards = listed(client)
    assert "Open budgets, part 2" in cards and ">Cancelled<" in cards


def test_a_cancelled_event_says_so_even_to_those_registered(client, event):
    member = MemberFactory()
    RegistrationFactory(event=event, member=member)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    client.force_login(member)

    cards = listed(client)

    assert ">Cancelled<" in cards and ">Registered<" not in cards


def test_a_community_made_private_disappears_from_outsiders_cards(client, event):
    community = CommunityFactory(name="Leaders circle")
    event.communities.add(community, CommunityFactory(name="Open network"))
    assert "Leaders circle" in listed(client)  # cached while the community was open

    Community.objects.filter(pk=community.pk).update(visibility=Community.Visibility.PRIVATE)

    cards = listed(client)
    assert "Open network" in cards and "Leaders circle" not in cards


def test_a_private_communitys_name_shows_only_to_its_members(client, event):
    private = CommunityFactory(name="Leaders circle", visibility=Community.Visibility.PRIVATE)
    event.communities.add(private, CommunityFactory(name="Open network"))
    insider, outsider = MemberFactory(), MemberFactory()
    MembershipFactory(member=insider, community=private)

    client.force_login(insider)
    assert "Leaders circle" in listed(client)  # cached first, for the insider
    client.force_login(outsider)
    cards = listed(client)
    assert "Open network" in cards and "Leaders circle" not in cards


def test_a_card_is_in_the_viewers_time_zone(client, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=datetime(2030, 1, 1, 9, 0, tzinfo=UTC),
        ends_at=datetime(2030, 1, 1, 9, 0, tzinfo=UTC) + timedelta(hours=1),
    )
    viewer = MemberFactory(time_zone="UTC")
    client.force_login(viewer)
    assert "2030, 09:00</time>" in listed(client)

    viewer.time_zone = "Asia/Yangon"
    viewer.save()
    cards = listed(client)
    assert "2030, 15:30</time>" in cards and "09:00</time>" not in cards


def test_a_card_is_in_the_viewers_language(client, event):
    assert " · Webinar" in listed(client)  # cached in English first

    client.cookies["django_language"] = "ru"
    cards = listed(client)
    assert " · Webinar" not in cards and "Open budgets" in cards


def test_titles_are_escaped(client):
    EventFactory(title="<script>alert(1)</script>")

    page = schedule(client)

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_registration_shows_on_the_page_that_lists_its_event(client, event):
    # The viewer's registrations are read for the page's events only: one on page 2 shows there.
    later = EventFactory(starts_at=event.starts_at + timedelta(days=60), title="A later webinar")
    for number in range(20):
        EventFactory(starts_at=event.starts_at + timedelta(days=1 + number))
    member = MemberFactory()
    RegistrationFactory(event=later, member=member)
    RegistrationFactory(event=event, member=member, status=Registration.Status.CANCELLED)
    client.force_login(member)

    first = client.get(reverse("events:schedule")).content.decode()
    second = client.get(reverse("events:schedule"), {"page": 2}).content.decode()

    assert ">Registered<" not in first  # cancelled, and the later one is on page 2
    assert "A later webinar" in second and ">Registered<" in second
