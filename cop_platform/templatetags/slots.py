"""{% csrf_filled card %}: a cached card's forms given the page's CSRF field (cop_platform/cards.py)."""

from django import template
from django.template.defaulttags import CsrfTokenNode

from cop_platform import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_filled(context, card) -> str:
    """`card` with each of its CSRF slots written as {% csrf_token %} writes it, from the page's token (none
    without one): a cached card never holds one (it is the viewer's, and changes)."""
    if cards.CSRF_SLOT not in card:
        return card
    return cards.filled(card, cards.CSRF_SLOT, CsrfTokenNode().render(context), count=-1)
