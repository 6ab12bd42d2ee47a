"""Helpers for the tests of cached cards (cop_platform/cards.py): a list page's cards alone, and how many were
rendered rather than read from the cache."""

from django.urls import reverse


def list_html(client, url_name: str, marker: str, **params) -> str:
    """The page from `marker` (the list's opening tag) on: the filter form above it names communities,
    countries and themes too, which must not count as shown by a card."""
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index(marker) :]


def cards_rendered(client, url_name: str, template_name: str, **params) -> int:
    """How many cards the page rendered (the rest came from the cache)."""
    response = client.get(reverse(url_name), params)
    return sum(template.name == template_name for template in response.templates)
