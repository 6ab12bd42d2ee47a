"""A discussion page's posts, each rendered once and then read from the cache (cop_platform/cards.py).

Rendering twenty posts was about a quarter of a thread page's time (8 of 30 ms at scale), all of it in the
template engine. A post's card (its byline, badges, and body, or the note that it is hidden) is rendered from
`card_fields` alone, plain values rather than the post: an edit, a helpful mark, the author's new name or deleted
account, or a quoted post hidden gives it another key. What differs from viewer to viewer (the actions under a
post) is rendered in the page each time.
"""

from cop_platform import cards

CARD_TEMPLATE = "communities/includes/post_card.html"


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


def rendered_cards(card_values: list[dict]) -> list[str]:
    """Each card's HTML, in order: from the cache, or rendered (and cached) when it is not there."""
    return cards.rendered(CARD_TEMPLATE, card_values, kind="post")
