"""Every page kept by cop_platform.page_cache is the same page when drawn twice for the same viewer, apart from
its slots (the nonce and the CSRF fields): nothing in it is random or read from the request beyond what the key
holds. A page that differed would be served as the first draw. Drawn for each role that may open it, in the URL
matrix's world (tests/platform/matrix_world.py)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cop_platform import page_cache, table_writes
from indicators.registry import BY_CODE
from tests.support.kept_pages import fake_database

pytestmark = pytest.mark.django_db

INDICATOR = next(iter(BY_CODE))
ROLES_DRAWN = ("anonymous", "member", "leader", "coordinator", "report_viewer")


def _cached_pages(world) -> dict[str, str]:
    """Each cached view's URL name -> an address of it (with a query where the page has one)."""
    a, thread = world.a, world.thread_a
    return {
        "home": reverse("home"),
        "communities:list": reverse("communities:list") + "?q=Quokka",
        "communities:detail": a.get_absolute_url() + "?q=Quokka",
        "communities:thread": thread.url_in(a) + "?page=1",
        "events:schedule": reverse("events:schedule"),
        "events:detail": world.event_a.get_absolute_url(),
        "knowledge:library": reverse("knowledge:library") + "?q=Quokka",
        "knowledge:detail": world.product.get_absolute_url(),
        "members:directory": reverse("members:directory") + "?q=Mira",
        "members:detail": reverse("members:detail", args=[world.users["member"].pk]),
        "experts:directory": reverse("experts:directory"),
        "experts:detail": reverse("experts:detail", args=[world.expert.pk]),
        "indicators:dashboard": reverse("indicators:dashboard"),
        "indicators:indicator": reverse("indicators:indicator", args=[INDICATOR]),
        "indicators:reports": reverse("indicators:reports"),
    }


def _cached_url_names() -> set[str]:
    """The URL names whose view is wrapped by page_cache.cached_page."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and page_cache.is_cached_view(pattern.callback):
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_cached_page_is_listed_here(matrix_world):
    assert _cached_url_names() == set(_cached_pages(matrix_world))


def _signed_in(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES_DRAWN)
def test_a_cached_page_drawn_twice_is_the_same_page(matrix_world, role):
    world = matrix_world
    client = _signed_in(world, role)
    drawn = 0
    for name, url in _cached_pages(world).items():
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code, name
        if first.status_code != 200:
            continue
        drawn += 1
        assert page_cache.kept_form(first.wsgi_request, first) == page_cache.kept_form(second.wsgi_request, second), (
            f"{name} ({url}) differs between two draws for {role}"
        )
    assert drawn >= 3


@pytest.mark.parametrize("role", ROLES_DRAWN)
def test_a_kept_page_is_kept_with_every_table_its_request_read_but_those_its_key_holds(matrix_world, role, monkeypatch):
    """Before its draw, by middleware or a decorator (the permissions indicators.access.viewer_required checks),
    as in it: a table read and not kept with the page would leave the page served after a write to it. After the
    draw only the unread count is read, filled in each time."""
    fake_database(monkeypatch)
    queries = CaptureQueriesContext(connection)
    draws, kept = [], {}
    real_drawn, real_set = page_cache._drawn, page_cache.cache.set

    def drawn(*args):
        start = len(queries.captured_queries)
        try:
            return real_drawn(*args)
        finally:
            draws.append((start, len(queries.captured_queries)))

    def kept_set(key, value, timeout=None, version=None):
        if key.startswith("page:"):
            kept["tables"] = set(value[2])
        return real_set(key, value, timeout, version)

    monkeypatch.setattr(page_cache, "_drawn", drawn)
    monkeypatch.setattr(page_cache.cache, "set", kept_set)
    client, user = _signed_in(matrix_world, role), matrix_world.users[role]
    checked = 0
    for name, url in _cached_pages(matrix_world).items():
        for _ in range(2):  # an address with a query is kept from its second draw
            draws.clear()
            kept.clear()
            with queries:
                client.get(url)
            if not kept:
                continue
            checked += 1
            (start, end), *_ = draws
            read = [table_writes.tables_in(query["sql"]) for query in queries.captured_queries]
            before, after = set().union(*read[:start]), set().union(*read[end:])
            assert before - page_cache.KEYED_TABLES <= kept["tables"], f"{name} ({url}) for {role}"
            # Of the keyed tables, only the viewer's own row and session are read before: what the key holds.
            for query in queries.captured_queries[:start]:
                if "members_user" in table_writes.tables_in(query["sql"]):
                    assert re.search(rf'WHERE "members_user"\."id" = {user.pk}\b', query["sql"]), query["sql"]
            assert after <= {"communities_notification"}, f"{name} ({url}) for {role}"
    assert checked >= 3
