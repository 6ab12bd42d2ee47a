"""The library's product cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty cards were about a fifth of a library page's time at scale (5 of 27 ms of CPU), all of it in the template
engine. A card (title, type, month, language, downloads, summary, tags) is the same for every viewer who may see
the product (knowledge.access.published_visible_to decides, before any card is drawn): an edit, a download or a
new tag gives it another key. A search's cards, with their snippets, are drawn each time and never cached: any
visitor can type any words, and each search would leave twenty entries nobody reads again.
"""

from cop_platform import cards
from cop_platform.templatetags.choices import display

CARD_TEMPLATE = "knowledge/includes/product_card.html"


def card_fields(product) -> dict:
    """Everything the card template reads. `product.highlight`: a search's snippet, HTML with <mark>s, or ""."""
    highlight = product.highlight
    return {
        "pk": product.pk,
        "slug": product.slug,
        "title": product.title,
        "type": str(display(product, "type")),
        "published_at": product.published_at,
        "language": product.language.name if product.language else "",
        "download_count": product.download_count,
        "highlight": highlight,
        "summary": "" if highlight else product.summary,
        "tags": tuple((tag.slug, tag.name) for tag in product.tag_list),
    }


def rendered_cards(products) -> list[str]:
    """Each product's card HTML, in order: from the cache, or rendered (and cached) when it is not there."""
    values = [card_fields(product) for product in products]
    return cards.rendered(
        CARD_TEMPLATE, values, kind="product",
        cached=not any(fields["highlight"] for fields in values),
    )  # fmt: skip
