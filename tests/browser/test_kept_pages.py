"""A page served from the page cache (cop_platform/page_cache.py) works in a real browser: its inline styles and
scripts carry this response's nonce (the page fixture fails on any Content-Security-Policy report) and its forms
this browser's CSRF token. PostgreSQL only: there is no snapshot, so no page cache, on SQLite."""

import pytest
from django.db import connection

from communities.models import Thread
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.support.kept_pages import fake_database

from .helpers import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the page cache needs PostgreSQL's snapshot"),
]


def test_a_served_page_shows_and_sends_as_a_drawn_one(page, live_server, monkeypatch):
    community = CommunityFactory()
    thread = ThreadFactory(community=community, title="Budget transparency")
    sign_in(page, live_server, member_of(community))
    # Commits are told by hand, for every request (the live server runs in this process): the change below is not,
    # so the second visit is served from the cache.
    fake_database(monkeypatch)
    page.goto(live_server.url + thread.get_absolute_url())
    Thread.objects.filter(pk=thread.pk).update(title="Renamed meanwhile")

    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "Budget transparency"  # served

    page.get_by_role("button", name="Helpful").click()

    assert page.get_by_role("status").inner_text() == "Marked as helpful."  # the served page's CSRF token was taken
    assert page.get_by_role("heading", level=1).inner_text() == "Renamed meanwhile"  # a message: drawn
