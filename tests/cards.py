"""Helpers for the tests of cached cards (cop_platform/cards.py): a list page's cards alone, and how many were
rendered rather than read from the cache."""

from django.urls import reverse


def list_html(client, url_name: str, marker: str, **params) -> str:
    """The list that opens with `marker`, up to its closing </ul>: the filter form above it names communities,
    countries and themes too, which must not count as shown by a card."""
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index(marker)
    return page[start : page.index("</ul>", start) + len("</ul>")]


def cards_rendered(client, url_name: str, template_name: str, **params) -> int:
    """How many cards the page rendered (the rest came from the cache)."""
    response = client.get(reverse(url_name), params)
    return sum(template.name == template_name for template in response.templates)
