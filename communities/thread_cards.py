"""A community's thread list, each row rendered once and then read from the cache (cop_platform/cards.py).

A row (title, badges, where an inter-practice thread comes from, author, replies, last activity) is rendered from
`card_fields` alone: a reply, a new title, a pin, a lock, a move or the author's new name gives it another key.
Its "last activity" reads as a time ago ("3 hours"), which changes by the minute without any of those values
changing: the row is cached with SINCE_SLOT in its place, and the text is filled in on the way out.
"""

from django.template.defaultfilters import timesince_filter

from cop_platform import cards
from cop_platform.page_cache import minute_start

CARD_TEMPLATE = "communities/includes/thread_row.html"
# Where a row's "3 hours" goes: the template writes it there and nowhere else, and every value in a row is
# escaped ("<" included), so a title that spells the slot cannot receive the time (cards.filled).
SINCE_SLOT = "<!--since-->"


def card_fields(thread, *, community, visible_ids: set[int]) -> dict:
    """Everything the row template reads. `community`: the community whose list this is; `visible_ids`: the
    communities the viewer may know of (an inter-practice thread names its home community only if it is one)."""
    foreign = thread.community_id != community.pk
    return {
        "pk": thread.pk,
        "community_slug": community.slug,
        "title": thread.title,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "is_hidden": thread.is_hidden,
        "foreign": foreign,
        "home": thread.community.name if foreign and thread.community_id in visible_ids else "",
        "author": thread.author.public_name if thread.author else "",  # "" reads "former member"
        "reply_count": thread.reply_count,
        "last_activity_at": thread.last_activity_at,
    }


def rendered_cards(threads, *, community, visible_ids: set[int]) -> list[str]:
    """Each thread's row HTML, in order, from the cache or rendered (and cached), its time ago filled in."""
    values = [card_fields(thread, community=community, visible_ids=visible_ids) for thread in threads]
    html = cards.rendered(CARD_TEMPLATE, values, kind="thread-row")
    # The time ago as {{ moment|timesince }} would write it, in the request's language, counted from the minute's
    # start: the same all minute long, as the page may be kept for that minute (cop_platform/page_cache.py).
    now = minute_start()
    since = [timesince_filter(thread.last_activity_at, now) for thread in threads]
    return [cards.filled(row, SINCE_SLOT, text) for row, text in zip(html, since, strict=True)]
