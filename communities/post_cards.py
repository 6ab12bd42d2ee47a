"""A discussion page's posts, each rendered once and then read from the cache (cop_platform/cards.py).

Rendering twenty posts was about a quarter of a thread page's time (8 of 30 ms at scale), all of it in the
template engine. A post's card (its byline, badges, and body, or the note that it is hidden) is rendered from
`card_fields` alone, plain values rather than the post: an edit, a helpful mark, the author's new name or deleted
account, or a quoted post hidden gives it another key.

The actions under a post (quote, helpful, edit, report, hide) differ from viewer to viewer: they are a card of their
own (`action_fields`), whose values are which actions this viewer has and the post's links (in the community whose
page shows it), so viewers with the same actions on the same community's page share it. Written in the page, they
took about a fifth of a thread page's time (twenty posts, each with a few conditions and translations). Their forms'
CSRF field is a slot (cards.CSRF_SLOT).
"""

from cop_platform import cards

from . import markdown

CARD_TEMPLATE = "communities/includes/post_card.html"
# Where a card links to the post it quotes: its anchor when the page shows that post, else the thread's page with
# `?post=`, which leads to the page that shows it (a card does not know which page it is on).
QUOTED_SLOT = "<!--quoted-post-->"
ACTIONS_TEMPLATE = "communities/includes/post_actions.html"


def card_fields(post, *, author_url: str, is_expert_answer: bool, shows_body: bool) -> dict:
    """Everything the card template reads. `shows_body` is False for a hidden post the viewer may not read."""
    author = post.author
    named = bool(author and author.public_name)
    fields = {
        "pk": post.pk,
        "initials": author.initials if named else "",
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
        # A reply opens with its quote of the post it answers: once a moderator hid that post, its words are not
        # shown here either (they were, to every reader, after the post itself was hidden). Only that quote: one
        # the author wrote in its place (of another post, of an outside text) is theirs, and stays.
        body_html = post.body_html
        if post.quoted and post.quoted.is_hidden:
            body_html = markdown.leading_quote_removed(post.body_html, post.quoted.body_html)
        quoted_hidden = body_html != post.body_html  # the card says the quote was left out
        fields |= {
            "is_hidden": post.is_hidden,
            "hidden_reason": post.hidden_reason,
            "quoted_id": quoted.pk if quoted else None,
            "quoted_author": quoted.author.public_name if quoted and quoted.author else "",  # "" reads "former member"
            "quoted_hidden": quoted_hidden,
            "body_html": body_html,
        }
    return fields


def rendered_cards(card_values: list[dict], *, page_url: str) -> list[str]:
    """Each card's HTML, in order: from the cache, or rendered (and cached) when it is not there; with the link to
    the post it quotes for a page of the thread at `page_url` showing these posts."""
    shown = {values["pk"] for values in card_values}
    return [
        cards.filled(card, QUOTED_SLOT, quoted_link(values.get("quoted_id"), shown, page_url))
        for card, values in zip(cards.rendered(CARD_TEMPLATE, card_values, kind="post"), card_values, strict=True)
    ]


def quoted_link(quoted_id: int | None, shown: set[int], page_url: str) -> str:
    if quoted_id is None:
        return ""
    return f"#post-{quoted_id}" if quoted_id in shown else f"{page_url}?post={quoted_id}"


def action_fields(post, *, viewer, can_reply: bool, can_post: bool, can_read: bool, can_moderate: bool,
                  can_edit: bool, helpful: set[int]) -> dict | None:  # fmt: skip
    """The actions the viewer has on a post they may read, and their links (`post.urls`); None for none (a
    visitor, or a hidden post the viewer may not read). `can_*` are the viewer's in the page's community, except
    `can_moderate`, in the thread's own, and `can_edit`, on this post (communities.access.can_edit_post);
    `helpful` holds the posts the viewer marked helpful."""
    if not (post.is_readable and viewer.is_authenticated):
        return None
    own = post.author_id == viewer.pk
    return {
        "pk": post.pk,
        "quote": can_reply,
        "helpful": can_post and not own,
        "helpful_pressed": can_post and not own and post.pk in helpful,  # (only shown with the button)
        "edit": can_edit,
        "report": not own and can_read,
        "moderate": can_moderate,
        "is_hidden": post.is_hidden,
        **{f"{action}_url": post.urls[action] for action in ("quote", "helpful", "edit", "report", "hide")},
    }


def rendered_actions(action_values: list[dict | None]) -> list[str]:
    """Each post's actions as HTML, in order ("" where the viewer has none)."""
    drawn = iter(cards.rendered(ACTIONS_TEMPLATE, [v for v in action_values if v], kind="post-actions", zoned=False))
    return [next(drawn) if values else "" for values in action_values]
