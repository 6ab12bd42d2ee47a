"""Every permission decision about events is made here.

Published events are listed to everyone, except events of private communities: those are shown only to
members of one of their communities (an event shared with an open community is public). Drafts are the
coordinator's. Join links show only to registered members (and coordinators), never on public pages or in feeds.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from communities.models import Community, Membership
from members import roles

from .models import Event, Registration


def events_visible_to(user):
    if roles.is_coordinator(user):
        return Event.objects.all()
    private_links = Event.communities.through.objects.filter(
        event_id=OuterRef("pk"), community__visibility=Community.Visibility.PRIVATE
    )
    open_links = Event.communities.through.objects.filter(event_id=OuterRef("pk")).exclude(
        community__visibility=Community.Visibility.PRIVATE
    )
    visible = Q(has_private=False) | Q(has_open=True)
    if user.is_authenticated:
        mine = Membership.objects.active().filter(member=user).values("community")
        member_links = Event.communities.through.objects.filter(event_id=OuterRef("pk"), community__in=mine)
        visible |= Q(Exists(member_links))
    return (
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .annotate(has_private=Exists(private_links), has_open=Exists(open_links))
        .filter(visible)
    )


def get_event_for_viewer(user, slug: str) -> Event:
    try:
        return events_visible_to(user).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None


def live_registration(user, event: Event) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, member=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event")
        .first()
    )


def can_see_join_link(user, registration: Registration | None) -> bool:
    return roles.is_coordinator(user) or (
        registration is not None and registration.status == Registration.Status.REGISTERED
    )
