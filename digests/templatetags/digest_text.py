"""Filters for the digest's plain-text part."""

from django import template

register = template.Library()


@register.filter
def under_bullet(text: str, indent: str = "  ") -> str:
    """`text` written under a "- " bullet: its second and later lines indented like the link below the item, blank
    lines left out. A coordinator's news text keeps its line breaks, and a line starting at the margin (or after a
    blank line) reads as the end of the item, or as an item of its own."""
    lines = [line.strip() for line in str(text).splitlines()]
    return f"\n{indent}".join(line for line in lines if line)
