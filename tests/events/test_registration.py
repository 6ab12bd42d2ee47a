"""Registration with a waitlist, through the views: who gets a seat, who is told, and what is refused."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from events import services
from events.models import Event, Registration
from members.models import Activity
from tests.communities.factories import CommunityFactory, member_of

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _register(client, event, **kwargs):
    return client.post(reverse("events:register", args=[event.slug]), **kwargs)


def _cancel(client, event):
    return client.post(reverse("events:cancel", args=[event.slug]))


def test_it_registers_a_member(member_client, member):
    event = EventFactory(capacity=10)

    response = _register(member_client, event)

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(event=event, member=member)
    assert registration.status == Registration.Status.REGISTERED
    assert _messages(response) == ["You are registered. Add the event to your calendar below."]
    assert Activity.objects.filter(member=member, kind=Activity.Kind.EVENT_REGISTRATION).count() == 1


def test_it_puts_a_member_on_the_waitlist_when_the_event_is_full(member_client, member):
    event = EventFactory(capacity=2)
    RegistrationFactory.create_batch(2, event=event)

    response = _register(member_client, event)

    assert Registration.objects.get(event=event, member=member).status == Registration.Status.WAITLISTED
    assert _messages(response) == ["The event is full: you are on the waitlist and will be emailed if a seat opens."]
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 2
    assert Activity.objects.filter(member=member, kind=Activity.Kind.EVENT_REGISTRATION).count() == 1
    page = member_client.get(event.get_absolute_url()).content.decode()
    assert "On the waitlist, number 1" in page


def test_a_freed_seat_goes_to_the_first_member_on_the_waitlist_who_is_emailed(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1, title="Budget reform clinic")
    holder = RegistrationFactory(event=event).member
    now = timezone.now()
    # Created in this order, but the second one joined the waitlist first: first come, first served.
    later = RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, created_at=now - timedelta(minutes=5)
    )
    first = RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, created_at=now - timedelta(minutes=30)
    )
    last = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED, created_at=now)
    client.force_login(holder)

    with django_capture_on_commit_callbacks(execute=True):
        response = _cancel(client, event)

    assert _messages(response) == ["Your registration was cancelled."]
    assert Registration.objects.get(event=event, member=holder).status == Registration.Status.CANCELLED
    first.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED
    assert first.promoted_at is not None
    assert set(Registration.objects.filter(pk__in=[later.pk, last.pk]).values_list("status", flat=True)) == {
        Registration.Status.WAITLISTED
    }
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [first.member.email]
    assert email.subject == "A seat opened for you: Budget reform clinic"
    assert event.get_absolute_url() in email.body


def test_cancelling_a_waitlisted_registration_promotes_nobody(client, django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    behind = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    client.force_login(waiting.member)

    with django_capture_on_commit_callbacks(execute=True):
        response = _cancel(client, event)

    assert _messages(response) == ["Your registration was cancelled."]
    waiting.refresh_from_db()
    behind.refresh_from_db()
    assert waiting.status == Registration.Status.CANCELLED
    assert behind.status == Registration.Status.WAITLISTED
    assert behind.promoted_at is None
    assert mailoutbox == []


def test_a_seat_freed_in_an_event_without_a_limit_promotes_nobody_and_emails_nobody(
    member_client, member, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=None)
    RegistrationFactory(event=event, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        _cancel(member_client, event)

    assert Registration.objects.get(member=member).status == Registration.Status.CANCELLED
    assert mailoutbox == []


def test_a_member_who_cancelled_may_register_again(member_client, member):
    event = EventFactory()
    RegistrationFactory(event=event, member=member, status=Registration.Status.CANCELLED)

    response = _register(member_client, event)

    assert _messages(response) == ["You are registered. Add the event to your calendar below."]
    assert sorted(Registration.objects.filter(member=member).values_list("status", flat=True)) == [
        Registration.Status.CANCELLED,
        Registration.Status.REGISTERED,
    ]


def test_cancelling_without_a_registration_says_so(member_client):
    event = EventFactory()

    response = _cancel(member_client, event)

    assert _messages(response) == ["You are not registered for this event."]


def test_registration_closes_at_the_deadline(member_client, member):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))

    response = _register(member_client, event)

    assert _messages(response) == ["Registration for this event is closed."]
    assert not Registration.objects.exists()
    assert not Activity.objects.filter(kind=Activity.Kind.EVENT_REGISTRATION).exists()
    assert "Registration is closed." in member_client.get(event.get_absolute_url()).content.decode()


def test_registration_closes_at_the_exact_deadline_and_start():
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=2), registration_deadline=now + timedelta(hours=1))
    with mock.patch("django.utils.timezone.now", return_value=event.registration_deadline - timedelta(seconds=1)):
        assert event.registration_open
    with mock.patch("django.utils.timezone.now", return_value=event.registration_deadline):
        assert not event.registration_open
    event.registration_deadline = None
    with mock.patch("django.utils.timezone.now", return_value=event.starts_at - timedelta(seconds=1)):
        assert event.registration_open
    with mock.patch("django.utils.timezone.now", return_value=event.starts_at):
        assert not event.registration_open


def test_registration_closes_at_the_start(member_client):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=1))

    response = _register(member_client, event)

    assert _messages(response) == ["Registration for this event is closed."]
    assert not Registration.objects.exists()


def test_past_events_cannot_be_registered_for(member_client):
    event = EventFactory(starts_at=timezone.now() - timedelta(days=3))

    response = _register(member_client, event)

    assert _messages(response) == ["Registration for this event is closed."]
    assert not Registration.objects.exists()
    assert "This event has taken place." in member_client.get(event.get_absolute_url()).content.decode()


def test_a_draft_event_is_not_found_for_members(member_client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert member_client.get(event.get_absolute_url()).status_code == 404
    assert _register(member_client, event).status_code == 404
    assert not Registration.objects.exists()


def test_registering_twice_is_refused(member_client, member):
    event = EventFactory()
    _register(member_client, event, follow=True)  # the page shows (and so consumes) the first message

    response = _register(member_client, event)

    assert _messages(response) == ["You are already registered or on the waitlist."]
    assert Registration.objects.filter(member=member).count() == 1
    assert Activity.objects.filter(member=member, kind=Activity.Kind.EVENT_REGISTRATION).count() == 1


def test_joining_the_waitlist_twice_is_refused(member_client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    _register(member_client, event, follow=True)

    response = _register(member_client, event)

    assert _messages(response) == ["You are already registered or on the waitlist."]
    assert Registration.objects.filter(member=member).count() == 1


def test_a_cancelled_event_refuses_registration(member_client):
    event = EventFactory(status=Event.Status.CANCELLED)

    response = _register(member_client, event)

    assert _messages(response) == ["Registration for this event is closed."]
    assert not Registration.objects.exists()


def test_registrations_cannot_be_cancelled_once_the_event_has_started(member_client, member):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=10))
    RegistrationFactory(event=event, member=member)

    response = _cancel(member_client, event)

    assert _messages(response) == ["The event has started; registrations can no longer be changed."]
    assert Registration.objects.get(member=member).status == Registration.Status.REGISTERED


def test_cancelling_an_event_emails_every_live_registrant(django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(capacity=1, title="Procurement webinar")
    registered = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        told = services.event_cancel(event=event)

    assert told == 2
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(email.to[0] for email in mailoutbox) == sorted([registered.member.email, waiting.member.email])
    assert {email.subject for email in mailoutbox} == {"Cancelled: Procurement webinar"}
    assert "has been cancelled" in mailoutbox[0].body

    # Cancelling again tells nobody twice, and says it cancelled nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_cancel(event=event) is None
    assert len(mailoutbox) == 2


def test_cancelling_a_public_event_checks_who_may_see_it_once_not_per_registrant(
    monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    """The check runs under the event's lock: a query per registrant of a large webinar held it for long."""
    from events import access

    checks = []
    real = access.events_visible_to
    monkeypatch.setattr(services, "events_visible_to", lambda user: checks.append(user) or real(user))
    public = EventFactory()
    RegistrationFactory.create_batch(5, event=public)
    private_community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    private = EventFactory(communities=[private_community])
    inside = RegistrationFactory(event=private, member=member_of(private_community))
    RegistrationFactory(event=private)  # registered, then removed from the community: not told

    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_cancel(event=public) == 5
    assert len(checks) == 1  # the anonymous check: the event is public
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_cancel(event=private) == 1
    assert len(checks) == 1 + 1 + 2  # private: checked for each registrant
    assert mailoutbox[-1].to == [inside.member.email]


def test_the_admin_cancel_action_emails_every_live_registrant(
    client, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory()
    other = EventFactory()
    registrations = RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=other)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_event_changelist"),
            {"action": "cancel_events", "_selected_action": [event.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "3 registrants were told." in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert Event.objects.get(pk=other.pk).status == Event.Status.PUBLISHED
    assert sorted(email.to[0] for email in mailoutbox) == sorted(r.member.email for r in registrations)


def test_cancelling_a_registration_of_a_cancelled_event_promotes_nobody(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event)
    mailoutbox.clear()
    client.force_login(holder.member)

    with django_capture_on_commit_callbacks(execute=True):
        _cancel(client, event)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert mailoutbox == []


def test_the_waitlist_position_follows_the_queue(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    now = timezone.now()
    waiting = [
        RegistrationFactory(
            event=event, status=Registration.Status.WAITLISTED, created_at=now - timedelta(minutes=10 - n)
        )
        for n in range(3)
    ]
    client.force_login(waiting[2].member)

    assert "On the waitlist, number 3" in client.get(event.get_absolute_url()).content.decode()


def test_a_freed_seat_skips_a_waitlisted_member_who_may_no_longer_see_the_event(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    """Removed from the event's private community since joining the waitlist: they could not give the seat back
    (cancelling needs the event's page), so their place goes and the next member gets the seat."""
    from communities.models import Community
    from communities.services import community_leave
    from tests.communities.factories import CommunityFactory, MembershipFactory

    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(capacity=1, communities=[private], title="Closed clinic")
    holder, gone, next_ = (MembershipFactory(community=private).member for _ in range(3))
    RegistrationFactory(event=event, member=holder)
    now = timezone.now()
    first = RegistrationFactory(
        event=event, member=gone, status=Registration.Status.WAITLISTED, created_at=now - timedelta(minutes=9)
    )
    second = RegistrationFactory(event=event, member=next_, status=Registration.Status.WAITLISTED, created_at=now)
    community_leave(member=gone, community=private)
    client.force_login(holder)

    with django_capture_on_commit_callbacks(execute=True):
        _cancel(client, event)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED and first.cancelled_at is not None
    assert second.status == Registration.Status.REGISTERED
    assert [m.to for m in mailoutbox] == [[next_.email]]
