"""Cards: the items of a list page (a post's byline and body, the actions under it, a community's thread, a
library product, an event on the schedule, a community, an expert, a member) and the site's header and footer,
rendered from plain values alone and cached under a digest of them.

The template engine is most of a list page's time at scale (twenty cards: 5–8 ms). A card's key is a digest of its
values, the language, the time zone and the release (the card's template, compiled translations, date formats, URL
modules and Django's version), so a card cannot be stale: anything that would change it gives it another key, and
unused entries expire after CARD_SECONDS. Whatever depends on the viewer is either rendered in the page or one of
the values (the viewer's registration for an event, the communities they may know of, the actions they have on a
post), so viewers share a card only when they would see the same one. What a card shows that changes without its
values changing (a time ago), that anyone could vary without end (a search's snippet) or that is the viewer's own (a
form's CSRF field) is written into a slot the cached card leaves for it (filled). Without the cache (Redis down, see
cop_platform.cache) cards are rendered each time.

CARD_SECONDS is short on purpose: the cache shares its Redis server with the Celery broker (README: production),
and a deleted member's name should not linger in the cache for long.
"""

import hashlib
from functools import cache as once_per_process

from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from cop_platform.release import ROOT, files_version, translation_files

CARD_SECONDS = 3600
# Where a card's form takes the page's CSRF field (never cached: it is the viewer's, and changes).
CSRF_SLOT = "<!--csrf-->"


def rendered(template_name: str, cards: list[dict], *, kind: str, zoned: bool = True) -> list[str]:
    """Each card's HTML, in order, `template_name` rendered with {"card": values}: from the cache, or rendered
    (and cached) when it is not there. `kind` names the cards in their keys. `zoned=False` for cards that show
    no date or time: members in every time zone then share them.
    No value may be one that anyone could vary without end (a search's words): such cards would fill the cache,
    which also holds the rate limits' counters, with entries nobody reads again: such text goes in a slot
    (see filled)."""
    if not cards:
        return []
    language, zone = translation.get_language(), timezone.get_current_timezone_name() if zoned else ""
    context = f"{language}|{zone}|{release_digest(template_name)}"
    keys = [f"{kind}-card:{fields['pk']}:{_digest(context, fields)}" for fields in cards]
    found = cache.get_many(keys)
    template = get_template(template_name)
    drawn = {
        key: template.render({"card": fields}) for key, fields in zip(keys, cards, strict=True) if key not in found
    }
    if drawn:
        cache.set_many(drawn, timeout=CARD_SECONDS)
    return [mark_safe(found[key] if key in found else drawn[key]) for key in keys]  # noqa: S308 - our templates


def filled(card: str, slot: str, value, *, count: int = 1) -> str:
    """`card` with `slot` replaced by `value`, escaped unless it is safe HTML already: for what a card shows that
    changes without its values changing, or that anyone could vary without end (a time ago, a search's snippet),
    the card is cached with a slot in its place. A slot is an HTML comment that the card's template writes
    (once, unless `count` says how many times, -1 for every one), unescaped, in a card whose values are all
    escaped, "<" included, so no member's text can spell it (only a translation could, and translations are
    ours). `card` is HTML our templates wrote, marked safe or not (a regular expression's output is not)."""
    return mark_safe(card.replace(slot, conditional_escape(value), count))  # noqa: S308 - the value is escaped


def csrf_filled(card: str, context) -> str:
    """`card` with each of its CSRF slots written as {% csrf_token %} writes it from the template `context` (the
    page's token; nothing without one)."""
    if CSRF_SLOT not in card:
        return card
    return filled(card, CSRF_SLOT, CsrfTokenNode().render(context), count=-1)


def attach(objects, html: list[str]) -> None:
    """Each object's card HTML as its `card`, which the list templates write ({{ product.card }})."""
    for obj, card in zip(objects, html, strict=True):
        obj.card = card


def _digest(context: str, fields: dict) -> str:
    return hashlib.blake2b(f"{context}|{sorted(fields.items())!r}".encode(), digest_size=16).hexdigest()


@once_per_process
def release_digest(template_name: str) -> str:
    """The card template, the compiled translations, the date formats, the URL modules (cards write links) and
    Django's version (cop_platform.release). (In development, `runserver` reloads templates and translations
    without restarting; a card may then show the old version until the server restarts.)"""
    formats = ROOT / "cop_platform" / "formats"
    return files_version(
        [ROOT / "templates" / template_name, *translation_files(), *formats.rglob("*.py"), *ROOT.glob("*/urls.py")]
    )
