"""{% site_header %} and {% site_footer %}: base.html's header and footer, cached (cop_platform/frame_cards.py)."""

from django import template

from cop_platform import frame_cards

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    return frame_cards.header(context)


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    return frame_cards.footer(context)
