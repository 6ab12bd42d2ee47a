"""{% csrf_filled card %}: a cached card's forms given the page's CSRF field (cop_platform/cards.py)."""

from django import template

from cop_platform import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_filled(context, card) -> str:
    """`card` with its forms' CSRF fields, from the page's token: a cached card never holds one (it is the
    viewer's, and changes)."""
    return cards.csrf_filled(card, context)
