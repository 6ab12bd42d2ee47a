"""Every permission decision about events is made here.

Published events are listed to everyone, except events of private communities: those are shown only to
members of one of their communities (an event shared with an open community is public). Drafts are the
coordinator's. Join links show only to registered members (and coordinators), never on public pages or in feeds.
"""

from django.http import Http404

from communities.access import shared_with_visible_community
from members import roles

from .models import Event, Registration


def events_visible_to(user):
    if roles.is_coordinator(user):
        return Event.objects.all()
    return Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]).filter(
        shared_with_visible_community(Event, user)
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
