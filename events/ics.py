"""iCalendar (RFC 5545) files: one event, or a member's registrations. Times carry the organizer's time zone
(with its VTIMEZONE). Join links are never written into calendar files: they point to the event page."""

from datetime import UTC
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event) -> CalendarEvent:
    zone = ZoneInfo(event.time_zone or settings.TIME_ZONE)
    component = CalendarEvent()
    component.add("uid", f"event-{event.pk}@{settings.SITE_URL.split('://')[-1]}")
    # A calendar takes a changed copy of the event (moved, another venue, cancelled) only with a higher SEQUENCE. With
    # no METHOD in the file, DTSTAMP is when the event was last revised (RFC 5545, 3.8.7.2), in UTC: the time of the
    # download made every copy look new, and the same revision differ from one download to the next.
    component.add("sequence", event.sequence)
    component.add("dtstamp", (event.revised_at or event.created_at).astimezone(UTC))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title)
    url = settings.SITE_URL + event.get_absolute_url()
    component.add("url", url)
    component.add(
        "description",
        _("%(kind)s. Details and the join link: %(url)s") % {"kind": event.get_kind_display(), "url": url},
    )
    if event.venue:
        component.add("location", event.venue)
    component.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return component


def event_calendar(event: Event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_calendar(events, *, name: str) -> bytes:
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
