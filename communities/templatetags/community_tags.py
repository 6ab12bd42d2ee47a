from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` — look up a dict entry by a variable key."""
    return mapping.get(key) if mapping else None
