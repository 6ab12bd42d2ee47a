"""Who may see and do what, for every events URL and every role.

Roles: an anonymous visitor, a member (in no community of the event), a member of the event's private community,
and the coordinator. Events: one open to everyone, one of a private community, one shared between the private
community and an open one (so public), a cancelled one, and a draft.
"""

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from events.models import Event, Registration
from events.services import calendar_feed_for
from tests.communities.factories import CommunityFactory, MembershipFactory, member_of

from .factories import EventFactory, RegistrationFactory, in_hours

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "insider", "coordinator"]
EVENTS = ["open", "private", "shared", "cancelled", "draft"]
# Which events each role may see (schedule, page, calendar file, every action on the event).
VISIBLE = {
    "anonymous": {"open", "shared", "cancelled"},
    "member": {"open", "shared", "cancelled"},
    "insider": {"open", "private", "shared", "cancelled"},
    "coordinator": {"open", "private", "shared", "cancelled", "draft"},
}


@pytest.fixture
def private():
    return CommunityFactory(visibility=Community.Visibility.PRIVATE, name="Senior leaders circle")


@pytest.fixture
def people(member, coordinator, private):
    return {"anonymous": None, "member": member, "insider": member_of(private), "coordinator": coordinator}


@pytest.fixture
def events(private):
    return {
        "open": EventFactory(title="Open webinar"),
        "private": EventFactory(title="Closed dialogue", communities=[private]),
        "shared": EventFactory(title="Shared roundtable", communities=[private, CommunityFactory()]),
        "cancelled": EventFactory(title="Called-off workshop", status=Event.Status.CANCELLED),
        "draft": EventFactory(title="Unannounced training", status=Event.Status.DRAFT),
    }


def _as(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return people[role]


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_the_schedule_lists_the_events_each_role_may_see(client, people, events, role):
    _as(client, people, role)

    response = client.get(reverse("events:schedule"))

    assert response.status_code == 200
    listed = {event.title for event in response.context["page_obj"].object_list}
    assert listed == {events[key].title for key in VISIBLE[role]}
    page = response.content.decode()
    for key, event in events.items():
        assert (event.title in page) is (key in VISIBLE[role]), key


def test_a_pending_request_does_not_show_a_private_communitys_event(client, private, events):
    pending = MembershipFactory(community=private, status=Membership.Status.PENDING).member
    client.force_login(pending)

    assert "Closed dialogue" not in client.get(reverse("events:schedule")).content.decode()
    assert client.get(events["private"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", EVENTS)
def test_the_event_page_and_its_calendar_file_are_404_unless_visible(client, people, events, role, key):
    _as(client, people, role)
    event = events[key]
    expected = 200 if key in VISIBLE[role] else 404

    assert client.get(event.get_absolute_url()).status_code == expected
    assert client.get(reverse("events:ics", args=[event.slug])).status_code == expected


@pytest.mark.parametrize("name", ["register", "cancel"])
def test_registering_and_cancelling_need_a_post_and_a_signed_in_member(client, events, name):
    url = reverse(f"events:{name}", args=[events["open"].slug])

    assert client.get(url).status_code == 405
    assert _is_login_redirect(client.post(url))
    assert not Registration.objects.exists()


@pytest.mark.parametrize("role", ["member", "insider", "coordinator"])
@pytest.mark.parametrize("key", EVENTS)
def test_registering_for_an_event_one_may_not_see_is_not_found(client, people, events, role, key):
    user = _as(client, people, role)

    response = client.post(reverse("events:register", args=[events[key].slug]))

    if key not in VISIBLE[role]:
        assert response.status_code == 404
        assert not Registration.objects.exists()
    else:
        assert response.status_code == 302
        held = Registration.objects.filter(member=user, event=events[key]).exists()
        assert held is (key in {"open", "private", "shared"})  # drafts and cancelled events are closed


def test_cancelling_in_an_event_one_no_longer_sees_is_not_found(client, people, events, private):
    insider = _as(client, people, "insider")
    RegistrationFactory(event=events["private"], member=insider)
    Membership.objects.filter(member=insider, community=private).delete()

    assert client.post(reverse("events:cancel", args=[events["private"].slug])).status_code == 404
    assert Registration.objects.get(member=insider).status == Registration.Status.REGISTERED


@pytest.mark.parametrize("name", ["feedback", "check_in"])
@pytest.mark.parametrize("role", ROLES)
def test_feedback_and_check_in_need_a_signed_in_member_who_may_see_the_event(client, people, events, role, name):
    _as(client, people, role)

    for key, event in events.items():
        response = client.get(reverse(f"events:{name}", args=[event.slug]))
        if role == "anonymous":
            assert _is_login_redirect(response), key
        elif key not in VISIBLE[role]:
            assert response.status_code == 404, key
        elif name == "feedback":  # visible, but no seat in a past event: sent back to the event page
            assert response.status_code == 302 and response["Location"] == event.get_absolute_url(), key
        else:
            assert response.status_code == 200, key


def test_the_calendar_page_needs_a_signed_in_member_and_the_feed_only_its_token(client, member):
    assert _is_login_redirect(client.get(reverse("events:calendar")))
    assert _is_login_redirect(client.post(reverse("events:calendar")))
    token = calendar_feed_for(member).token
    assert client.get(reverse("events:feed", args=[token])).status_code == 200
    assert client.get(reverse("events:feed", args=["guess"])).status_code == 404
    client.force_login(member)
    assert client.get(reverse("events:calendar")).status_code == 200


def test_the_topics_page_is_public_but_voting_needs_a_signed_in_member(client, member):
    from events.services import topic_propose

    topic, _created = topic_propose(member=member, title="Remote onboarding")
    url = reverse("events:topic_vote", args=[topic.pk])

    assert client.get(reverse("events:topics")).status_code == 200
    assert client.get(url).status_code == 405
    assert _is_login_redirect(client.post(url))
    topic.refresh_from_db()
    assert topic.vote_count == 1


# --- The join link -----------------------------------------------------------------------------------------

JOIN_URL = "https://meet.example.org/j/83412-secret"


@pytest.fixture
def webinar():
    return EventFactory(title="Webinar with a link", join_url=JOIN_URL, capacity=1)


def _detail_and_schedule(client, event) -> tuple[str, str]:
    detail = client.get(event.get_absolute_url())
    schedule = client.get(reverse("events:schedule"))
    assert detail.status_code == schedule.status_code == 200
    return detail.content.decode(), schedule.content.decode()


def test_a_registered_member_sees_the_join_link_on_the_event_page_only(client, member, webinar):
    RegistrationFactory(event=webinar, member=member)
    client.force_login(member)

    detail, schedule = _detail_and_schedule(client, webinar)

    assert JOIN_URL in detail
    assert "Webinar with a link" in schedule
    assert JOIN_URL not in schedule
    assert JOIN_URL not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "member", "waitlisted", "cancelled"])
def test_the_join_link_is_hidden_from_everyone_without_a_seat(client, member, webinar, who):
    RegistrationFactory(event=webinar)  # someone else holds the only seat
    if who != "anonymous":
        client.force_login(member)
    if who in ("waitlisted", "cancelled"):
        RegistrationFactory(event=webinar, member=member, status=who)

    detail, schedule = _detail_and_schedule(client, webinar)

    assert "Webinar with a link" in detail
    assert JOIN_URL not in detail
    assert JOIN_URL not in schedule


def test_the_join_link_is_hidden_after_the_event(client, member):
    event = EventFactory(starts_at=in_hours(-5), join_url=JOIN_URL)
    RegistrationFactory(event=event, member=member)
    client.force_login(member)

    assert JOIN_URL not in client.get(event.get_absolute_url()).content.decode()


def test_the_join_link_never_appears_on_the_schedule_even_for_the_coordinator(client, coordinator, webinar):
    RegistrationFactory(event=webinar, member=coordinator)
    client.force_login(coordinator)

    for when in ("upcoming", "past"):
        assert JOIN_URL not in client.get(reverse("events:schedule"), {"when": when}).content.decode()


def test_the_coordinator_sees_the_join_link_without_registering(client, coordinator, webinar):
    client.force_login(coordinator)

    detail, schedule = _detail_and_schedule(client, webinar)

    assert JOIN_URL in detail
    assert JOIN_URL not in schedule


# --- The signed-in home page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "insider", "coordinator"])
def test_the_home_page_lists_upcoming_published_events_the_member_may_see(client, people, events, role):
    _as(client, people, role)
    EventFactory(title="Already happened", starts_at=in_hours(-48))

    response = client.get(reverse("home"))

    listed = {event.title for event in response.context["upcoming_events"]}
    expected = {events[key].title for key in VISIBLE[role] if key not in ("cancelled", "draft")}
    assert listed == expected


# --- The check-in code -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "member", "registered"])
def test_the_check_in_code_is_shown_to_the_coordinator_only(client, member, coordinator, who):
    event = EventFactory(starts_at=in_hours(-0.25), checkin_code="C0DE42")
    if who != "anonymous":
        client.force_login(member)
    if who == "registered":
        RegistrationFactory(event=event, member=member)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "C0DE42" not in page
    assert ("Check in</a>" in page) is (who == "registered")
    client.force_login(coordinator)
    assert "Check-in code: C0DE42" in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("starts_in_hours", "offered"), [(0.4, True), (0.6, False), (-2.5, True), (-3.5, False)])
def test_the_check_in_link_is_offered_while_check_in_is_open(client, member, starts_in_hours, offered):
    """Check-in opens 30 minutes before the start and closes an hour after the end (a 2-hour event here): the
    link showed only while the event ran, so early and late arrivals could not find it."""
    event = EventFactory(starts_at=in_hours(starts_in_hours), ends_at=in_hours(starts_in_hours + 2))
    RegistrationFactory(event=event, member=member)
    client.force_login(member)

    assert ("Check in</a>" in client.get(event.get_absolute_url()).content.decode()) is offered
