"""The schedule's event cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty cards were about a fifth of a schedule page's time at scale (about 5 of 23 ms of CPU), all of it in the
template engine. A card (title, start, kind, language, the communities the viewer may know of, the viewer's
registration, whether the event is full) is rendered from those values alone: viewers who see the same values
share it, and a new title or time, a registration, the event filling up or a place freeing gives it another key.
"""

from cop_platform import cards
from cop_platform.templatetags.choices import display

CARD_TEMPLATE = "events/includes/schedule_card.html"


def card_fields(event, *, registration_status: str) -> dict:
    """Everything the card template reads. `event` comes from events.selectors.schedule (with registered_count
    and visible_communities); `registration_status` is the viewer's ("registered", "waitlisted" or "")."""
    return {
        "pk": event.pk,
        "slug": event.slug,
        "title": event.title,
        "starts_at": event.starts_at,
        "kind": str(display(event, "kind")),
        "language": str(event.language) if event.language else "",
        "lang": event.language.code if event.language else "",  # the content's, for screen readers' voices
        "communities": tuple(community.name for community in event.visible_communities),
        "status": event.status,
        "registration": registration_status,
        "is_full": bool(event.capacity and event.registered_count >= event.capacity),
    }


def rendered_cards(events, registrations: dict) -> list[str]:
    """Each event's card HTML, in order; `registrations`: the viewer's live registrations by event id."""
    values = [
        card_fields(event, registration_status=getattr(registrations.get(event.pk), "status", "")) for event in events
    ]
    return cards.rendered(CARD_TEMPLATE, values, kind="event")
