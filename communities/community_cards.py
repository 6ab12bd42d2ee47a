"""The community directory's cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty-four cards were about a quarter of the directory's time at scale (6 of 20 ms of CPU), all of it in the
template engine. A card (name, the viewer's membership, members, visibility, description, themes) is rendered
from those values alone: viewers who see the same values share it (the membership is one of "", "pending" or
a role), and a new member (communities.member_counts), a rename or a new theme gives it another key.
"""

from cop_platform import cards
from cop_platform.templatetags.choices import display

CARD_TEMPLATE = "communities/includes/community_card.html"


def card_fields(community, membership) -> dict:
    """Everything the card template reads. `community` comes from selectors.community_directory (theme_list),
    with its member_count (member_counts.member_counts_attach); `membership` is the viewer's pending or active
    one, or None."""
    return {
        "pk": community.pk,
        "slug": community.slug,
        "name": community.name,
        "membership": membership.status if membership else "",
        "role": str(display(membership, "role")) if membership else "",
        "member_count": community.member_count,
        "visibility": str(display(community, "visibility")),
        "description": community.description,
        "themes": tuple((theme.slug, theme.name) for theme in community.theme_list),
    }


def rendered_cards(communities, memberships: dict) -> list[str]:
    """Each community's card HTML, in order; `memberships`: the viewer's by community id."""
    values = [card_fields(community, memberships.get(community.pk)) for community in communities]
    return cards.rendered(CARD_TEMPLATE, values, kind="community", zoned=False)  # no dates: one card for every zone
