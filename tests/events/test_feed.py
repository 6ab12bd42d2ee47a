"""The personal calendar feed: a secret URL that calendar apps fetch without cookies."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import CalendarFeed, Event, Registration
from events.services import calendar_feed_for, calendar_feed_reset
from tests.factories import MemberFactory
from tests.support.together import postgresql_only, together

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _feed_url(token):
    return reverse("events:feed", args=[token])


def test_the_calendar_page_shows_the_members_feed_address(member_client, member):
    response = member_client.get(reverse("events:calendar"))

    assert response.status_code == 200
    feed = CalendarFeed.objects.get(member=member)
    assert response.context["feed_url"] == f"http://testserver{_feed_url(feed.token)}"
    assert f'value="http://testserver/events/feed/{feed.token}.ics"' in response.content.decode()
    # Visiting again keeps the same address.
    member_client.get(reverse("events:calendar"))
    assert CalendarFeed.objects.get(member=member).token == feed.token


def test_the_feed_lists_only_the_members_registered_events_without_signing_in(client, member):
    mine = EventFactory(title="Registered here")
    past = EventFactory(title="Registered in the past", starts_at=timezone.now() - timedelta(days=30))
    cancelled_event = EventFactory(title="Event called off", status=Event.Status.CANCELLED)
    waiting = EventFactory(title="Only on the waitlist", capacity=1)
    dropped = EventFactory(title="Registration cancelled")
    others = EventFactory(title="Someone else's event")
    for event in (mine, past, cancelled_event):
        RegistrationFactory(event=event, member=member)
    RegistrationFactory(event=waiting, member=member, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=dropped, member=member, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=others)
    RegistrationFactory(event=mine)  # another member in the same event does not duplicate it
    feed = calendar_feed_for(member)

    response = client.get(_feed_url(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    calendar = Calendar.from_ical(response.content)
    summaries = [str(component["SUMMARY"]) for component in calendar.walk("VEVENT")]
    assert summaries == ["Registered in the past", "Registered here", "Event called off"]
    statuses = {str(c["SUMMARY"]): str(c["STATUS"]) for c in calendar.walk("VEVENT")}
    assert statuses["Event called off"] == "CANCELLED"
    assert str(calendar["X-WR-CALNAME"]) == "My events"
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {"Asia/Yangon"}


def test_a_feed_without_registrations_is_an_empty_valid_calendar(client, member):
    feed = calendar_feed_for(member)

    calendar = Calendar.from_ical(client.get(_feed_url(feed.token)).content)

    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


def test_a_wrong_token_is_not_found(client, member):
    feed = calendar_feed_for(member)
    RegistrationFactory(member=member)

    assert client.get(_feed_url("not-the-token")).status_code == 404
    assert client.get(_feed_url(feed.token[:-1])).status_code == 404


def test_resetting_changes_the_address_and_the_old_one_stops_working(member_client, member, client):
    RegistrationFactory(member=member, event=EventFactory(title="Still listed"))
    member_client.get(reverse("events:calendar"))
    old = CalendarFeed.objects.get(member=member).token

    response = member_client.post(reverse("events:calendar"), follow=True)

    assert response.redirect_chain == [(reverse("events:calendar"), 302)]
    assert "Your calendar address was changed." in response.content.decode()
    new = CalendarFeed.objects.get(member=member).token
    assert new != old
    assert new in response.content.decode()
    assert old not in response.content.decode()
    assert client.get(_feed_url(old)).status_code == 404
    new_feed = client.get(_feed_url(new))
    assert new_feed.status_code == 200
    assert [str(c["SUMMARY"]) for c in Calendar.from_ical(new_feed.content).walk("VEVENT")] == ["Still listed"]


def test_an_inactive_members_feed_is_not_found(client):
    member = MemberFactory()
    RegistrationFactory(member=member)
    feed = calendar_feed_for(member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert client.get(_feed_url(feed.token)).status_code == 404


def test_the_feed_leaves_out_drafts(client, member):
    RegistrationFactory(member=member, event=EventFactory(status=Event.Status.DRAFT, title="Not yet announced"))
    feed = calendar_feed_for(member)

    assert Calendar.from_ical(client.get(_feed_url(feed.token)).content).walk("VEVENT") == []


def test_resetting_the_calendar_address_changes_it_and_keeps_one_feed(member_client, member):
    old = calendar_feed_for(member)

    response = member_client.post(reverse("events:calendar"))

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(member=member)
    assert feed.token != old.token
    assert member_client.get(_feed_url(old.token)).status_code == 404
    assert member_client.get(_feed_url(feed.token)).status_code == 200


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_resets_of_the_calendar_address_at_once_leave_one_new_address():
    """A double click on "Reset": each request deleted the feed and then created one, and the second creation failed
    on the member's one feed (an error page)."""
    for _round in range(3):  # a race that loses only sometimes should still show up
        member = MemberFactory()
        old = calendar_feed_for(member).token

        results = together(*(lambda member=member: calendar_feed_reset(member) for _ in range(2)))

        assert all(isinstance(result, CalendarFeed) for result in results), results
        tokens = list(CalendarFeed.objects.filter(member=member).values_list("token", flat=True))
        assert len(tokens) == 1 and tokens[0] != old
