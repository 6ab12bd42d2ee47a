"""The member directory's cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty-four cards were about a third of the directory's time at scale (4 of 12 ms of CPU), all of it in the
template engine. A card (initials, name, position, organization, place) is the same for every viewer: who is
listed is decided before (members.selectors.member_directory), and a profile edit gives the card another key.
A deleted account's card stays in the cache for at most CARD_SECONDS, unreachable (README: privacy).
"""

from cop_platform import cards
from cop_platform.templatetags.choices import country_name, display

CARD_TEMPLATE = "members/includes/member_card.html"


def card_fields(member) -> dict:
    """Everything the card template reads."""
    return {
        "pk": member.pk,
        "initials": member.initials,
        "full_name": member.full_name,
        "position_level": str(display(member, "position_level")),
        "organization": member.organization,
        "city_region": member.city_region,
        "country": country_name(member.country.code),
    }


def rendered_cards(members) -> list[str]:
    """Each member's card HTML, in order."""
    values = [card_fields(member) for member in members]
    return cards.rendered(CARD_TEMPLATE, values, kind="member", zoned=False)  # no dates: one card for every time zone
