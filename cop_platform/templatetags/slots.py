"""{{ card|csrf_filled:csrf_token }}: a cached card's forms given the page's CSRF token (cop_platform/cards.py)."""

from django import template
from django.template.defaulttags import CsrfTokenNode

from cop_platform import cards

register = template.Library()


@register.filter
def csrf_filled(card: str, csrf_token) -> str:
    """`card` with each of its CSRF slots written as {% csrf_token %} writes it, from the page's token: a cached
    card never holds one (it is the viewer's, and changes)."""
    return cards.filled(card, cards.CSRF_SLOT, CsrfTokenNode().render({"csrf_token": csrf_token}), count=-1)
