"""Whole pages served again from the cache while nothing they show can have changed (cop_platform.page_cache).

Most tests stand in for PostgreSQL's snapshot and table write log with commits they tell by hand (`snapshot`,
tests/support/kept_pages.py), so they run on SQLite too. The ones marked postgresql_only read the real ones,
outside a test transaction (transactional_db), where a commit is a commit.
"""

import re
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.core.signals import request_started
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Notification, Thread
from cop_platform import page_cache, table_writes
from cop_platform.kept_words import SESSION_KEY, _member_digest
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory
from tests.support.kept_pages import fake_database

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """page_cache's clock, held at the middle of a minute: two requests of a test never fall in two minutes (the
    key holds the minute). Tests move it with monkeypatch.setattr(page_cache.time, "time", …)."""
    middle = int(time.time()) // 60 * 60 + 30.0
    monkeypatch.setattr(page_cache, "time", SimpleNamespace(time=lambda: middle))


@pytest.fixture
def snapshot(monkeypatch):
    return fake_database(monkeypatch)


@pytest.fixture
def community():
    return CommunityFactory(name="Digital Government")


@pytest.fixture
def reader(community):
    return member_of(community)


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def _kept(client, url):
    """Draw the page twice: a page is kept from its second draw within the minute."""
    for _ in range(2):
        assert client.get(url).status_code == 200


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_page_is_served_again_without_its_queries_while_the_database_is_unchanged(reader_client, community, snapshot):
    ThreadFactory(community=community, title="Procurement rules")
    url = community.get_absolute_url()

    drawn, first = _queries(reader_client, url)  # drawn and kept
    served, second = _queries(reader_client, url)

    assert "Procurement rules" in first and "Procurement rules" in second
    assert served <= 3 < drawn  # the session, the member and the unread count: none of the page's own
    assert NONCE.findall(first) != NONCE.findall(second)  # each response its own nonce …
    assert NONCE.sub("", CSRF.sub("", first)) == NONCE.sub("", CSRF.sub("", second))  # … in the same page


def test_after_a_commit_the_page_is_drawn_again(reader_client, community, snapshot):
    url = community.get_absolute_url()
    _kept(reader_client, url)

    ThreadFactory(community=community, title="Procurement rules")
    assert "Procurement rules" not in reader_client.get(url).content.decode()  # the same snapshot: served
    snapshot.commit()

    assert "Procurement rules" in reader_client.get(url).content.decode()


def test_a_served_page_carries_this_requests_nonce_and_a_working_csrf_token(reader, community, snapshot):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    url = community.get_absolute_url()
    _kept(browser, url)

    response = browser.get(url)  # served from the cache
    body = response.content.decode()
    policy = response["Content-Security-Policy"]

    nonces = set(NONCE.findall(body))
    assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in policy
    assert "\x00" not in body
    token = CSRF.findall(body)[0]
    left = browser.post(reverse("communities:leave", args=[community.slug]), {"csrfmiddlewaretoken": token})
    assert left.status_code == 302  # not 403: the token is this browser's


def test_each_viewer_has_their_own_page(community, snapshot):
    private = CommunityFactory(name="Budget Officers Only", visibility=Community.Visibility.PRIVATE)
    insider, outsider = member_of(private), MemberFactory()
    url = reverse("communities:list")
    insider_client, outsider_client = Client(), Client()
    insider_client.force_login(insider)
    outsider_client.force_login(outsider)

    _kept(insider_client, url)
    served = insider_client.get(url)
    assert served["X-Page-Cache"] == "hit" and "Budget Officers Only" in served.content.decode()

    _kept(outsider_client, url)
    served = outsider_client.get(url)
    assert served["X-Page-Cache"] == "hit" and "Budget Officers Only" not in served.content.decode()
    assert "Budget Officers Only" in insider_client.get(url).content.decode()


def test_each_language_and_query_has_its_own_page(reader_client, community, snapshot):
    ThreadFactory(community=community, title="Procurement rules")
    ThreadFactory(community=community, title="Mangrove planting")
    url = community.get_absolute_url()

    _kept(reader_client, url)
    assert "Mangrove planting" in reader_client.get(url).content.decode()

    assert "Mangrove planting" not in reader_client.get(url + "?q=procurement").content.decode()
    assert '<html lang="ru"' in reader_client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en"' in reader_client.get(url).content.decode()


def test_a_page_with_messages_is_drawn_and_shows_them_once(reader_client, community, snapshot):
    url = community.get_absolute_url()
    _kept(reader_client, url)  # without a message
    reader_client.post(reverse("communities:leave", args=[community.slug]))  # "You left …", shown on the next page

    shown = reader_client.get(url)
    after = reader_client.get(url)

    assert "You left" in shown.content.decode()
    assert "You left" not in after.content.decode()


def test_the_minute_and_the_release_are_in_the_key(reader_client, community, snapshot, monkeypatch):
    url = community.get_absolute_url()
    _kept(reader_client, url)
    ThreadFactory(community=community, title="Procurement rules")
    assert "Procurement rules" not in reader_client.get(url).content.decode()

    monkeypatch.setattr(page_cache.time, "time", lambda: 60.0 * 10_000_000 + 30)
    assert "Procurement rules" in reader_client.get(url).content.decode()

    _kept(reader_client, url)
    ThreadFactory(community=community, title="Mangrove planting")
    assert "Mangrove planting" not in reader_client.get(url).content.decode()
    monkeypatch.setattr(page_cache, "release_digest", lambda: "next release")
    assert "Mangrove planting" in reader_client.get(url).content.decode()


def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    request.session = SessionBase()
    request._messages = FallbackStorage(request)
    request.csp_nonce = "n0nce"
    request.page_snapshot, request.page_reads = page_cache.database_snapshot(), page_cache.TableReads()  # middleware's
    return request


def _writes(request):
    Thread.objects.filter(pk=0).update(title="nothing")  # an UPDATE, even of no row


def _changes_the_session(request):
    request.session["seen"] = True


def _adds_a_message(request):
    messages.info(request, "Hello")


@pytest.mark.parametrize("side_effect", [_writes, _changes_the_session, _adds_a_message])
def test_a_view_that_writes_changes_the_session_or_adds_a_message_is_drawn_every_time(reader, snapshot, side_effect):
    drawn = []

    def view(request):
        drawn.append(request)
        side_effect(request)
        return HttpResponse("<p>page</p>")

    cached = page_cache.cached_page(view)
    for _ in range(3):
        cached(_request(reader))

    assert len(drawn) == 3


def test_a_view_that_only_reads_is_drawn_once(reader, snapshot):
    drawn = []

    def view(request):
        drawn.append(request)
        list(Thread.objects.all())
        return HttpResponse(f'<p nonce="{request.csp_nonce}">page</p>')

    cached = page_cache.cached_page(view)
    cached(_request(reader))
    second = _request(reader)
    second.csp_nonce = "an0ther"
    served = cached(second)

    assert len(drawn) == 1  # an address without a query: kept from its first draw
    assert served.content == b'<p nonce="an0ther">page</p>'


def test_only_a_plain_200_html_page_is_kept():
    request = _request(MemberFactory())
    assert page_cache.keepable(request, HttpResponse("<p>ok</p>"), wrote=False)
    assert not page_cache.keepable(request, HttpResponse("<p>ok</p>"), wrote=True)
    assert not page_cache.keepable(request, HttpResponse("no", status=404), wrote=False)
    assert not page_cache.keepable(request, HttpResponse("{}", content_type="application/json"), wrote=False)
    with_cookie = HttpResponse("<p>ok</p>")
    with_cookie.set_cookie("seen", "1")
    assert not page_cache.keepable(request, with_cookie, wrote=False)
    with_header = HttpResponse("<p>ok</p>")
    with_header["Content-Disposition"] = "attachment"
    assert not page_cache.keepable(request, with_header, wrote=False)


def test_words_kept_from_a_signed_out_form_fill_the_reply_once_then_the_page_is_kept(
    client, community, reader, snapshot
):
    thread = ThreadFactory(community=community)
    page = thread.url_in(community)
    client.force_login(reader)
    client.get(page)
    session = client.session
    session[SESSION_KEY] = {"path": page, "member": _member_digest(reader.pk), "at": time.time(),
                            "fields": {"body": "We tried this in Mandalay."}}  # fmt: skip
    session.save()

    assert client.get(page).context["reply_form"].initial["body"] == "We tried this in Mandalay."
    again = client.get(page)
    assert "We tried this in Mandalay." not in again.content.decode()
    assert again.context is None or "body" not in again.context["reply_form"].initial


def test_no_page_is_kept_on_sqlite_or_inside_a_transaction():
    assert not page_cache.can_keep()  # every test runs in a transaction (or on SQLite)


def test_page_cache_seconds_0_turns_it_off(reader_client, community, snapshot, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = community.get_absolute_url()
    _kept(reader_client, url)
    ThreadFactory(community=community, title="Procurement rules")

    assert "Procurement rules" in reader_client.get(url).content.decode()  # drawn again, the snapshot unchanged


@pytest.mark.parametrize(("now", "seconds"), [(600.0, 60), (615.5, 45), (659.9, 1), (660.0, 0), (725.0, 0)])
def test_a_page_is_kept_until_its_minute_ends_at_the_latest(monkeypatch, settings, now, seconds):
    """Its key's minute (10, from 600 s to 660 s): a draw that ended in a later minute is not kept."""
    settings.PAGE_CACHE_SECONDS = 60
    monkeypatch.setattr(page_cache.time, "time", lambda: now)
    assert page_cache.seconds_kept(10) == seconds
    settings.PAGE_CACHE_SECONDS = 20
    assert page_cache.seconds_kept(10) == min(20, seconds)


@pytest.fixture
def kept(monkeypatch):
    """The keys of the pages page_cache keeps, and of the marks it leaves (`…:drawn`), in order."""
    keys = []
    real_set, real_add = page_cache.cache.set, page_cache.cache.add

    def kept_set(key, value, timeout=None, version=None):
        if key.startswith("page:"):
            keys.append(key)
        return real_set(key, value, timeout, version)

    def kept_add(key, value, timeout=None, version=None):
        if key.startswith("page:"):
            keys.append(key)
        return real_add(key, value, timeout, version)

    monkeypatch.setattr(page_cache.cache, "set", kept_set)
    monkeypatch.setattr(page_cache.cache, "add", kept_add)
    return keys


def test_an_address_anyone_can_vary_is_kept_only_when_drawn_twice(client, snapshot, kept):
    for n in range(5):
        client.get(f"{reverse('knowledge:library')}?q=budget{n}")
    assert [key for key in kept if not key.endswith(":drawn")] == []

    client.get(f"{reverse('knowledge:library')}?q=budget4")
    assert len([key for key in kept if not key.endswith(":drawn")]) == 1


@pytest.mark.parametrize("query", ["junk=1", "q=budget&junk=1", "page=1&junk="])
def test_a_page_whose_query_names_something_its_view_never_reads_is_not_kept(client, snapshot, kept, query):
    url = f"{reverse('knowledge:library')}?{query}"
    for _ in range(3):
        assert client.get(url).status_code == 200

    assert kept == []  # neither a page nor a mark


@pytest.mark.parametrize(
    "query", ["when=past", "when=upcoming&community=&kind=webinar&language=", "community=x&kind=webinar&page=2"]
)
def test_a_filter_that_reads_a_copy_of_the_query_has_its_page_kept(client, snapshot, kept, query):
    """The schedule's filter copies the query to add its defaults, and reads the copy: its pages (what its form
    sends) were never kept."""
    for _ in range(2):
        assert client.get(f"{reverse('events:schedule')}?{query}").status_code == 200

    assert len([key for key in kept if not key.endswith(":drawn")]) == 1


def test_a_name_read_only_by_asking_whether_it_is_there_counts_as_read(rf, snapshot, kept):
    @page_cache.cached_page
    def view(request):
        return HttpResponse("with" if "compact" in request.GET else "without")

    for _ in range(2):
        request = rf.get("/?compact")
        request.user, request.page_snapshot, request.page_reads = (
            AnonymousUser(),
            snapshot.value,
            page_cache.TableReads(),
        )
        assert view(request).content == b"with"

    assert len([key for key in kept if not key.endswith(":drawn")]) == 1


def test_a_time_ago_is_counted_from_the_minutes_start(reader_client, community, settings, monkeypatch):
    """The same all minute long: a page kept for the minute says what a fresh draw says."""
    settings.PAGE_CACHE_SECONDS = 0
    active = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)
    ThreadFactory(community=community, title="Procurement rules", last_activity_at=active)
    for seconds_later in (4 * 60 + 31, 5 * 60 + 29):  # 9:05:01 and 9:05:59: 4 minutes from 9:05:00
        monkeypatch.setattr(page_cache.time, "time", lambda later=seconds_later: active.timestamp() + later)
        page = reader_client.get(community.get_absolute_url()).content.decode()
        row = re.search(r"Procurement rules.*?</tr>", page, re.S).group(0)
        assert ">4\xa0minutes</time>" in row


def test_visitors_share_a_page_and_each_gets_a_csrf_token_of_their_own(community, snapshot):
    """The CSRF field is a slot: a token copied from the first visitor's draw would be refused for the second."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(reverse("home"))  # drawn and kept

    with CaptureQueriesContext(connection) as queries:
        page = second.get(reverse("home")).content.decode()
    token = CSRF.findall(page)[0]
    answer = second.post(reverse("set_language"), {"csrfmiddlewaretoken": token, "language": "ru", "next": "/"})

    assert len(queries) == 0  # served: no session, no member
    assert answer.status_code == 302


def test_an_address_without_a_query_is_kept_at_its_first_draw(reader_client, community, snapshot):
    url = community.get_absolute_url()
    reader_client.get(url)
    ThreadFactory(community=community, title="Procurement rules")

    assert "Procurement rules" not in reader_client.get(url).content.decode()
    assert "Procurement rules" in reader_client.get(url + "?page=1").content.decode()  # first draw


def test_a_page_drawn_before_a_member_count_moves_on_is_not_served_after(
    reader_client, community, snapshot, monkeypatch
):
    """communities.member_counts moves a count to a new generation just after the commit: a page drawn in between
    has the new snapshot and the old count. Moving the count on forgets it."""
    from communities import member_counts

    url = reverse("communities:list")
    assert "1 member" in reader_client.get(url).content.decode()  # counted and kept
    moved = member_counts._next_generation
    monkeypatch.setattr(member_counts, "_next_generation", lambda ids: None)  # the commit, not yet its hand-off
    member_of(community)
    snapshot.commit()
    assert "1 member" in reader_client.get(url).content.decode()  # drawn in between, with the count kept before
    assert "1 member" in reader_client.get(url).content.decode()  # and kept

    moved({community.pk})  # on_commit: the count moves on

    assert "2 members" in reader_client.get(url).content.decode()


def test_a_commit_that_wrote_none_of_the_pages_tables_leaves_it_served(reader_client, community, snapshot):
    url = community.get_absolute_url()
    _kept(reader_client, url)
    ThreadFactory(community=community, title="Procurement rules")

    snapshot.commit("events_event", "knowledge_knowledgeproduct")
    served = reader_client.get(url)
    assert served["X-Page-Cache"] == "hit" and "Procurement rules" not in served.content.decode()

    snapshot.commit("communities_thread")
    drawn = reader_client.get(url)
    assert "X-Page-Cache" not in drawn and "Procurement rules" in drawn.content.decode()


def test_a_page_is_kept_with_the_tables_it_read(reader_client, community, snapshot, monkeypatch):
    stored, real_set = {}, page_cache.cache.set

    def kept_set(key, value, timeout=None, version=None):
        if key.startswith("page:"):
            stored[key] = value
        return real_set(key, value, timeout, version)

    monkeypatch.setattr(page_cache.cache, "set", kept_set)
    ThreadFactory(community=community)
    reader_client.get(community.get_absolute_url())

    (_generation, drawn_under, tables, _type, _packed), *_ = stored.values()
    assert drawn_under == snapshot.value
    assert {"communities_community", "communities_thread", "communities_membership"} <= set(tables)
    assert "django_session" not in tables  # read before the draw: the session is in the key


def _notify(member):
    Notification.objects.create(recipient=member, kind=Notification.Kind.MENTION, text="You were mentioned", url="/")


def test_the_unread_count_on_a_served_page_is_counted_when_served(reader, reader_client, community, snapshot):
    url = community.get_absolute_url()
    _kept(reader_client, url)
    _notify(reader)
    _notify(reader)

    served = reader_client.get(url)
    body = served.content.decode()
    assert served["X-Page-Cache"] == "hit"
    assert body.count('<span class="badge">2<span class="visually-hidden"> unread</span></span>') == 2
    assert "\x00" not in body


def test_a_page_drawn_to_be_kept_shows_the_unread_count_too(reader, reader_client, community, snapshot, kept):
    _notify(reader)
    body = reader_client.get(community.get_absolute_url()).content.decode()

    assert kept  # drawn to be kept: the count a slot in what was kept, filled in what was sent
    assert body.count('<span class="badge">1<span class="visually-hidden"> unread</span></span>') == 2


def test_an_error_page_after_a_cached_views_exception_shows_the_unread_count(reader, reader_client, snapshot):
    _notify(reader)
    missing = reader_client.get(reverse("communities:detail", args=["no-such-community"]))

    assert missing.status_code == 404
    assert '<span class="badge">1<span' in missing.content.decode()


def test_the_members_own_row_is_in_the_key(reader, reader_client, community, snapshot):
    """Read before the page is drawn (middleware): a change to it is in no table the page read."""
    url = community.get_absolute_url()
    _kept(reader_client, url)
    assert reader_client.get(url)["X-Page-Cache"] == "hit"
    type(reader).objects.filter(pk=reader.pk).update(full_name="Renamed Reader")

    assert "Renamed Reader" in reader_client.get(url).content.decode()


def test_the_tables_a_statement_reads_are_the_words_of_it_that_name_one(monkeypatch):
    tables = frozenset({"communities_post", "communities_thread", "members_user"})
    known = table_writes.Relations(tables, frozenset({"communities_post_view"}), frozenset())
    monkeypatch.setattr(table_writes, "relations", lambda: known)
    sql = (
        'SELECT "communities_post"."id", author.full_name FROM "communities_post" '
        "INNER JOIN communities_thread ON (communities_thread.id = thread_id) "
        'LEFT JOIN "members_user" author ON author.id = "communities_post"."author_id"'
    )

    assert table_writes.read_by(sql) == (tables, False)
    assert table_writes.read_by('SELECT "communities_post_tags"."members_user_id" FROM x') == (set(), False)
    assert table_writes.read_by("SELECT id FROM communities_post_view") == (set(), True)


def test_a_page_that_read_a_relation_whose_writes_are_not_noted_is_not_kept(reader_client, snapshot, monkeypatch):
    known = table_writes.relations()
    unlogged = table_writes.Relations(
        known.logged - {"communities_community"}, frozenset({"communities_community"}), frozenset()
    )
    monkeypatch.setattr(table_writes, "relations", lambda: unlogged)
    url = reverse("communities:list")
    reader_client.get(url)

    assert "X-Page-Cache" not in reader_client.get(url)


def test_on_sqlite_no_write_is_noted_and_no_page_kept(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's")
    assert not table_writes.complete()
    assert table_writes.triggers_install() == 0
    assert table_writes.prune() == 0


def test_the_snapshot_is_read_before_anything_else_of_the_request(reader_client, community, snapshot, monkeypatch):
    """A page is kept under a snapshot no newer than anything its request read (the member, the permissions a
    decorator checks): a commit after such a read is one since the page was drawn."""
    before_snapshot = []
    with CaptureQueriesContext(connection) as queries:

        def snapshot_read():
            before_snapshot.append([q["sql"] for q in queries.captured_queries[request_start[-1] :]])
            return snapshot.value

        request_start = []
        started = lambda **kwargs: request_start.append(len(queries.captured_queries))  # noqa: E731
        request_started.connect(started, weak=False)
        monkeypatch.setattr(page_cache, "database_snapshot", snapshot_read)
        try:
            reader_client.get(community.get_absolute_url())
        finally:
            request_started.disconnect(started)

    assert before_snapshot == [[]]
    assert any("django_session" in query["sql"] for query in queries.captured_queries)  # read after it


def test_a_served_page_tells_only_a_signed_in_member_so(client, reader_client, community, snapshot):
    """Visitors share their pages: a header would tell one that another had opened the page this minute."""
    for browser in (client, reader_client):
        _kept(browser, reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            served = browser.get(reverse("home"))
        signed_in = served.wsgi_request.user.is_authenticated
        assert len(queries) <= (3 if signed_in else 0)  # served: none of the page's own queries
        assert signed_in == ("X-Page-Cache" in served)
