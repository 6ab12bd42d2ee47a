"""A discussion page's posts, each rendered once and then read from the cache.

Rendering twenty posts was about a quarter of a thread page's time (8 of 30 ms at scale), all of it in the
template engine. A post's card (its byline, badges, and body, or the note that it is hidden) is rendered from
`card_fields` alone, plain values rather than the post, and cached under a digest of those values, the
language, the time zone and the release (the card template, translations, date formats and Django's version:
`_release_digest`). A card therefore can't be stale: anything that would change it (an edit, a
helpful mark, the author's new name or deleted account, a quoted post hidden, a deploy with a new template or
translation) gives it another key, and unused entries expire after CARD_SECONDS. What differs from viewer to
viewer (the actions under a post) is rendered in the page each time. Without the cache (Redis down, see
cop_platform.cache), cards are rendered each time.

CARD_SECONDS is short on purpose: the cache shares its Redis server with the Celery broker (README:
production), and a deleted member's name should not linger in the cache for long.
"""

import hashlib
from functools import cache as once_per_process

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from cop_platform.release import ROOT, files_version, translation_files

CARD_TEMPLATE = "communities/includes/post_card.html"
CARD_SECONDS = 3600


def card_fields(post, *, author_url: str, is_expert_answer: bool, shows_body: bool) -> dict:
    """Everything the card template reads. `shows_body` is False for a hidden post the viewer may not read."""
    author = post.author
    named = author is not None and author.is_active
    fields = {
        "pk": post.pk,
        "initials": author.initials if author else "",
        "author_name": author.display_name if named else "",
        "author_url": author_url if named else "",
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "is_expert_answer": is_expert_answer,
        "helpful_count": post.helpful_count,
        "shows_body": shows_body,
    }
    if shows_body:
        quoted = post.quoted if post.quoted and not post.quoted.is_hidden else None
        fields |= {
            "is_hidden": post.is_hidden,
            "hidden_reason": post.hidden_reason,
            "quoted_id": quoted.pk if quoted else None,
            "quoted_author": quoted.author.display_name if quoted and quoted.author else "",
            "body_html": post.body_html,
        }
    return fields


def rendered_cards(cards: list[dict]) -> list[str]:
    """Each card's HTML, in order: from the cache, or rendered (and cached) when it is not there."""
    language, zone = translation.get_language(), timezone.get_current_timezone_name()
    context = f"{language}|{zone}|{_release_digest()}"
    keys = [f"post-card:{fields['pk']}:{_digest(context, fields)}" for fields in cards]
    found = cache.get_many(keys)
    template = get_template(CARD_TEMPLATE)
    rendered = {
        key: template.render({"card": fields}) for key, fields in zip(keys, cards, strict=True) if key not in found
    }
    if rendered:
        cache.set_many(rendered, timeout=CARD_SECONDS)
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]  # noqa: S308 - our template


def _digest(context: str, fields: dict) -> str:
    return hashlib.blake2b(f"{context}|{sorted(fields.items())!r}".encode(), digest_size=16).hexdigest()


@once_per_process
def _release_digest() -> str:
    """The card template, the compiled translations, the date formats and Django's version (cop_platform.release).
    (In development, `runserver` reloads templates and translations without restarting; a card may then show the
    old version until the server restarts.)"""
    formats = ROOT / "cop_platform" / "formats"
    return files_version([ROOT / "templates" / CARD_TEMPLATE, *translation_files(), *formats.rglob("*.py")])
