"""The library's product cards, each rendered once and then read from the cache (cop_platform/cards.py).

Twenty cards were about a fifth of a library page's time at scale (5 of 27 ms of CPU), all of it in the template
engine. A card (title, type, month, language, downloads, summary, tags) is the same for every viewer who may see
the product (knowledge.access.published_visible_to decides, before any card is drawn): an edit, a download or a
new tag gives it another key.

A search's card shows a snippet of the product's text with the words found, in place of its summary. The snippet
is not one of the cached values: any visitor can type any words, and each search would leave twenty entries
nobody reads again (the cache also holds the rate limits' counters). The card is cached with SNIPPET_SLOT in the
snippet's place, so every search shares one such card a product, and the slot is filled in on the way out.
"""

from cop_platform import cards
from cop_platform.templatetags.choices import display

CARD_TEMPLATE = "knowledge/includes/product_card.html"
# Where a search card's snippet goes. The template writes `highlight` unescaped, and only there: everywhere else
# "<" is escaped (in URLs, quoted), so a title or tag that spells the slot cannot receive the snippet.
SNIPPET_SLOT = "<!--snippet-->"


def card_fields(product) -> dict:
    """Everything the card template reads. `product.highlight`: a search's snippet (knowledge.selectors.snippet_for),
    in whose place the card holds SNIPPET_SLOT (see rendered_cards); or "", and the card shows the summary."""
    highlight = product.highlight
    return {
        "pk": product.pk,
        "slug": product.slug,
        "title": product.title,
        "type": str(display(product, "type")),
        "published_at": product.published_at,
        "language": str(product.language) if product.language else "",
        "lang": product.language.code if product.language else "",  # the content's, for screen readers' voices
        "download_count": product.download_count,
        "highlight": SNIPPET_SLOT if highlight else "",
        "summary": "" if highlight else product.summary,
        "tags": tuple((tag.slug, tag.name) for tag in product.tag_list),
    }


def rendered_cards(products) -> list[str]:
    """Each product's card HTML, in order: from the cache, or rendered (and cached) when it is not there; a
    search's snippets filled in."""
    html = cards.rendered(CARD_TEMPLATE, [card_fields(product) for product in products], kind="product")
    return [
        cards.filled(card, SNIPPET_SLOT, product.highlight) if product.highlight else card
        for product, card in zip(products, html, strict=True)
    ]
