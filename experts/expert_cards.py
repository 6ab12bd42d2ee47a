"""The expert directory's cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty-four cards were about a quarter of the directory's time at scale (5 of 17 ms of CPU), all of it in the
template engine. A card (name, category, organization, countries, clusters, expertise, and for the coordinator
the listing status) is rendered from those values alone: an edit gives it another key. Which experts are listed
is decided before (experts.selectors.expert_directory); the status is a value only for the coordinator.
"""

from cop_platform import cards
from cop_platform.templatetags.choices import country_names, display

CARD_TEMPLATE = "experts/includes/expert_card.html"


def card_fields(expert, *, shows_status: bool) -> dict:
    """Everything the card template reads; `shows_status` for the coordinator, who also sees unlisted experts."""
    return {
        "pk": expert.pk,
        "name": expert.name,
        "category": str(display(expert, "category")),
        "organization": expert.organization,
        "countries": country_names(expert.countries),
        "status": str(display(expert, "status")) if shows_status else "",
        "clusters": tuple(cluster.theme for cluster in expert.cluster_list),
        "expertise": tuple((tag.slug, tag.name) for tag in expert.expertise_list),
    }


def rendered_cards(experts, *, shows_status: bool) -> list[str]:
    """Each expert's card HTML, in order."""
    values = [card_fields(expert, shows_status=shows_status) for expert in experts]
    return cards.rendered(CARD_TEMPLATE, values, kind="expert", zoned=False)  # no dates: one card for every time zone
