"""What an event's save in the admin does beyond its row (telling registrants of a cancellation or a new time, giving
seats a raised capacity opened) is decided once the whole form is saved, its communities too: who may see the event,
and so who is told or moves up, depends on them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from events.models import Event, Registration
from tests.communities.factories import CommunityFactory, member_of

from .factories import EventFactory, RegistrationFactory
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 2
STARTS = datetime(YEAR, 3, 10, 3, 30, tzinfo=UTC)  # 10:00 in Yangon, the form's zone


def _saved(client, event, communities, **changes):
    """The event's form as it stands, with its communities set to `communities` and `changes`, saved."""
    data = _event_form(
        title=event.title, slug=event.slug, join_url=event.join_url, starts_at=event.starts_at, ends_at=event.ends_at
    )
    data.update(changes)
    if communities:
        data["communities"] = [community.pk for community in communities]
    return client.post(reverse("admin:events_event_change", args=[event.pk]), data, follow=True)


CANCELLED = {"status": "cancelled"}
MOVED = {"starts_at_0": f"{YEAR}-03-11", "ends_at_0": f"{YEAR}-03-11"}


@pytest.mark.parametrize("change", [CANCELLED, MOVED], ids=["cancelled", "moved"])
def test_a_private_event_opened_to_everyone_in_the_same_save_tells_every_registrant(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks, change
):
    """Decided before the communities were saved, the event was still private: a registrant its community no longer
    holds, who may now see the event, was not told that it was cancelled or moved."""
    circle = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1), communities=[circle])
    inside = RegistrationFactory(event=event, member=member_of(circle)).member
    left = RegistrationFactory(event=event).member  # registered, then left the community

    with django_capture_on_commit_callbacks(execute=True):
        response = _saved(coordinator_client, event, communities=[], **change)

    assert response.redirect_chain, response.content.decode()[:3000]
    assert not Event.objects.get(pk=event.pk).communities.exists()
    assert sorted(message.to[0] for message in mailoutbox) == sorted([inside.email, left.email])


@pytest.mark.parametrize("change", [CANCELLED, MOVED], ids=["cancelled", "moved"])
def test_an_event_made_private_in_the_same_save_is_not_announced_to_registrants_who_may_no_longer_see_it(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks, change
):
    """Decided before the communities were saved, the event was still open to everyone: its title and date were
    emailed to a registrant outside the community it now belongs to, who may not see it."""
    circle = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1))
    inside = RegistrationFactory(event=event, member=member_of(circle)).member
    RegistrationFactory(event=event)  # outside the community

    with django_capture_on_commit_callbacks(execute=True):
        _saved(coordinator_client, event, communities=[circle], **change)

    assert list(Event.objects.get(pk=event.pk).communities.all()) == [circle]
    assert [message.to[0] for message in mailoutbox] == [inside.email]


def test_a_waiting_member_who_may_see_the_event_only_after_the_save_takes_a_seat_the_save_opened(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    """Decided before the communities were saved, the member waiting (outside the event's former private
    community) lost their place instead of taking the seat the raised capacity opened."""
    circle = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1), communities=[circle], capacity=1)
    RegistrationFactory(event=event, member=member_of(circle))
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        _saved(coordinator_client, event, communities=[], capacity="2")

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED
    assert [message.to[0] for message in mailoutbox] == [waiting.member.email]
