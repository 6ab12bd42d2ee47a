"""Whole pages, kept for the viewer who saw them (visitors who are not signed in share theirs) and served again
while nothing they show can have changed.

Why: at scale (bench/scale.py) the main pages answered at 5–12x the ceiling, a bare view behind the same
middleware. The cards (cop_platform/cards.py) took the template engine's share down; what is left is a dozen
queries and the page around the cards, 20–50 ms of work where the ceiling's whole request takes about 2. A member
who reloads a page, goes back to it, or pages back and forth, and a report viewer who returns to the dashboard,
gets the page they saw, drawn again only when it could differ.

A page is served from the cache only when its key is the same and the database has not changed under it:
- **The database.** The page is kept with PostgreSQL's snapshot read before it was drawn (which transactions were
  visible) and the tables its statements named. It is served while no transaction that changed rows of one of
  those tables has committed since (cop_platform.table_writes: each table's triggers note the transactions that
  changed it, whatever wrote, signals or not). Another member's reply draws the discussion again, not the events.
  A page that read a relation whose writes are not noted (a view, say) is not kept. Other database engines have
  no such snapshot: there (SQLite, the embedded default) pages are drawn every time.
- **The viewer**: their row as this request read it (name, staff or not, time zone, …), a digest of their
  session's data (words kept from a form sent after the session ended, for example), the language and the time
  zone. They are read before the page is drawn (middleware), so they are in the key rather than in its tables.
  Whatever else the request reads before its view draws the page (the permissions a decorator checks) is noted
  by PageReadsMiddleware, placed first, and kept among the page's tables; the snapshot is read there, before
  all of it.
- **The request**: scheme, host and full path with its query, and whether htmx asked for it.
- **The clock**: the minute. Surveys and events open and close on the minute (their times are stored without
  seconds), so a page kept for its minute never offers "Register" or "Check in" after it closed; how long ago a
  thread was active is counted from the minute's start (minute_start), so that it is the same all minute long.
- **The release**: templates, code, compiled translations, collectstatic's manifest, the installed packages and
  the environment the settings are read from (a deploy, or a restart with another setting, draws every page
  again). Settings changed while the process runs are not in it.

What differs between two draws of the same page is written into slots on the way out: the Content-Security-Policy
nonce (cop_platform.security), the CSRF fields and the header's unread count (a COUNT each time: a notification for
one member would otherwise draw everyone's pages again, all counted from one table). Slots are NUL characters,
which no text from the database or a form can hold (PostgreSQL refuses them; cop_platform.security.NulCharacterGuard
and Django's forms refuse them).

A page is drawn, not served, and not kept when: the request carries messages to show (the page shows them once);
the view changed the session, added a message or wrote to the database (then serving it again would skip that);
it answered anything but a 200 HTML page with no cookie or header of its own; or a transaction is open (the
snapshot does not show the transaction's own writes: tests inside one, ATOMIC_REQUESTS). A page served to a
signed-in member says so in its X-Page-Cache header ("hit").

Entries expire after settings.PAGE_CACHE_SECONDS (0 turns the cache off), and at the latest when their minute ends.
The cache is the site's (Redis in production, shared with the rate limits and the cards), and pages are kept
compressed. An address without a query is kept when first drawn: there are as many as there are objects. So that
one anyone can vary without end (`?junk=1`, `?junk=2`, …) does not fill it with pages nobody reads again, an
address with a query is kept only when its view asked for every name in it (a name it never reads, `?junk=1`,
cannot change what it shows), and only when drawn a second time within its minute (the first draw leaves a small
mark). That bounds, not ends, what a client can store: pages it asks for twice a minute each, with values of
their own in the names the view reads (`?q=1`, `?q=2`, …), which the cache's eviction (volatile-lru, README) may
make room for by evicting rate-limit counters.
A member deleted meanwhile is a write to the members' table: their name is in no page served after it.

What a page shows from the cache rather than the database is as fresh as that cache: the cards are keyed by their
values, read from the page's tables. The communities' member counts are not (communities.member_counts): a
commit moves a community's count to a new generation just after it commits, and a page drawn in between would hold
the old count, not drawn from the memberships' table. So moving a count to a new generation also forgets every
kept page (kept_pages_forget): a page is served only under the generation of pages it was drawn under, read in the
same round trip as the page itself.
"""

import hashlib
import importlib.metadata
import math
import os
import re
import secrets
import time
import zlib
from datetime import UTC, datetime
from functools import cache as once_per_process
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from cop_platform import table_writes
from cop_platform.release import ROOT, files_version, translation_files

# Changed by kept_pages_forget: a page kept under another generation is drawn again.
GENERATION_KEY = "pages-generation"
NONCE_SLOT = "\x00nonce\x00"
CSRF_SLOT = "\x00csrf\x00"
UNREAD_SLOT = "\x00unread\x00"  # the header's unread count (frame_cards): filled in each time
# Read before a page is drawn, and held by its key by value rather than kept among its tables: the session's data
# and the viewer's own row (any sign-in anywhere writes those tables).
KEYED_TABLES = frozenset({"django_session", "members_user"})
# The one form {% csrf_token %} writes: every CSRF field of a page is one (cop_platform.cards fills its slots so).
_CSRF_FIELD = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]*)(")')
_PER_HOST = {"HOSTNAME", "PWD", "OLDPWD", "SHLVL", "_"}
_WRITES = re.compile(r"\s*(insert|update|delete|merge|create|alter|drop|truncate|copy|lock)\b", re.IGNORECASE)


def cached_page(view):
    """Serve `view`'s page from the cache while nothing it shows can have changed (see the module's doc).
    For views whose GET draws a page and changes nothing: one that writes on GET is still drawn every time."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        keyed = page_key(request)
        if keyed is None:
            return view(request, *args, **kwargs)
        key, minute = keyed
        found = cache.get_many([key, GENERATION_KEY])  # one round trip for both
        generation = found.get(GENERATION_KEY, "")
        kept = found.get(key)
        if kept is not None and kept[0] == generation:
            _generation, drawn_under, tables, content_type, packed = kept
            if not written_since(drawn_under, tables):
                return served(request, content_type, zlib.decompress(packed).decode())
        response, reads = _drawn(view, request, args, kwargs)
        seconds = seconds_kept(minute)
        if (
            seconds
            and not reads.unlogged
            and keepable(request, response, wrote=reads.wrote)
            and reads.query.all_read()
            and _worth_keeping(request, key, seconds)
        ):
            content_type, body = kept_form(request, response)
            tables = tuple(sorted(reads.tables))
            kept = (generation, request.page_snapshot, tables, content_type, zlib.compress(body.encode(), 1))
            cache.set(key, kept, seconds)
        _unread_filled(request, response)
        return response

    wrapper.is_cached_page = True  # is_cached_view finds it
    return wrapper


def _drawn(view, request, args, kwargs):
    """The view's response, rendered, and what drawing it read (_Reads), with the tables the request read before
    (PageReadsMiddleware: the permissions a decorator checked, say) but those the key holds."""
    reads = _Reads(request)
    reads.tables |= request.page_reads.tables - KEYED_TABLES
    reads.unlogged = request.page_reads.unlogged
    request.GET = reads.query
    # The header's unread count is a slot (_unread_filled): it changes with every notification, the page need not.
    request.page_unread_slot = request.user.is_authenticated
    try:
        with connection.execute_wrapper(reads):
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:  # a TemplateResponse reads as it renders
                response.render()
    finally:
        request.page_unread_slot = False  # an error page drawn after an exception shows the count itself
    return response, reads


def _unread_filled(request, response) -> None:
    """The drawn page with the member's unread count in its slots."""
    if response.streaming or UNREAD_SLOT.encode() not in response.content:
        return
    response.content = response.content.replace(UNREAD_SLOT.encode(), _unread_badge(request).encode())


def _unread_badge(request) -> str:
    from communities.selectors import unread_notification_count
    from cop_platform.frame_cards import unread_badge

    return unread_badge(unread_notification_count(request.user))


def kept_pages_forget() -> None:
    """No page kept so far is served again. For what a page shows from the cache rather than the database, when
    it changes after a commit: a page drawn between the commit and the change (after the commit, so none of its
    tables changes later) would otherwise be served with the old value until its minute ends. Call it after
    changing that value (communities.member_counts does, when a commit moves a community's count to a new
    generation)."""
    # A random token, never expiring (Redis evicts only keys that do, README): nothing to get wrong when it
    # was never set or is gone, and one key for the whole site.
    cache.set(GENERATION_KEY, secrets.token_hex(6), timeout=None)


def _worth_keeping(request, key: str, seconds: int) -> bool:
    """An address with a query is kept from its second draw within the minute (the first leaves a mark): anyone
    can vary a query without end. One without is kept at once: such addresses are as many as the objects."""
    return not request.META.get("QUERY_STRING") or not cache.add(f"{key}:drawn", True, seconds)


def page_key(request) -> tuple[str, int] | None:
    """The page's key in the cache and the minute it holds, or None when the page must be drawn (see the
    module's doc)."""
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET" or _has_messages(request) or not can_keep():
        return None
    if getattr(request, "page_snapshot", None) is None:  # read first, by PageReadsMiddleware
        return None
    user = request.user
    session = getattr(request, "session", None)
    minute = int(time.time() // 60)
    parts = [
        release_digest(),
        str(minute),
        # The member's row as read for this request, before the page was drawn: their name, staff or not, …
        repr([getattr(user, field.attname) for field in user._meta.concrete_fields]) if user.is_authenticated else "",
        repr(sorted(session.items())) if session is not None else "",
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
    ]
    return "page:" + hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest(), minute


class PageReadsMiddleware:
    """For a GET of a cached page, reads the database's snapshot before anything else of the request is read, and
    notes the tables the request reads before its view draws the page (the permissions that
    indicators.access.viewer_required checks, say): the page is kept under that snapshot with them. So a commit
    between such a read and the draw counts as one since the page was drawn. Placed before the session and the
    member are read: their tables are read there too, but the key holds what was read of them (KEYED_TABLES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.PAGE_CACHE_SECONDS and request.method == "GET" and _is_cached_page(request) and can_keep()):
            return self.get_response(request)
        request.page_snapshot = database_snapshot()
        request.page_reads = TableReads()
        with connection.execute_wrapper(request.page_reads):
            return self.get_response(request)


def _is_cached_page(request) -> bool:
    try:
        return is_cached_view(resolve(request.path_info, getattr(request, "urlconf", None)).func)
    except Resolver404:
        return False


def can_keep() -> bool:
    """Whether pages can be kept: on PostgreSQL, with every table's writes noted (cop_platform.table_writes), and
    outside a transaction (the snapshot does not show the transaction's own writes: tests inside one,
    ATOMIC_REQUESTS)."""
    return table_writes.complete() and not connection.in_atomic_block


def is_cached_view(view) -> bool:
    """Whether `view` is wrapped by cached_page, under login_required and the like."""
    while view is not None:
        if getattr(view, "is_cached_page", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def minute_start() -> datetime:
    """The start of the key's minute: a time ago on a cached page is counted from it, the same all minute long."""
    return datetime.fromtimestamp(int(time.time()) // 60 * 60, tz=UTC)


def seconds_kept(minute: int) -> int:
    """PAGE_CACHE_SECONDS, and never past the end of the key's `minute`: no request could find the page after it
    (it would only take room in Redis). 0 once that minute is over (a draw that took until the next)."""
    left = math.ceil((minute + 1) * 60 - time.time())
    return max(0, min(settings.PAGE_CACHE_SECONDS, left))


def database_snapshot() -> str | None:
    """PostgreSQL's current snapshot as text (which transactions are visible), or None where pages are not kept
    (can_keep)."""
    if not can_keep():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def written_since(snapshot: str, tables) -> bool:
    """Whether a commit since `snapshot` wrote one of `tables` (table_writes)."""
    return table_writes.written_since(snapshot, tables)


def keepable(request, response, *, wrote: bool) -> bool:
    """Whether serving this response again would be the same as drawing it: nothing written, no state changed."""
    if wrote or response.status_code != 200 or response.streaming or response.cookies:
        return False
    if set(response.headers) != {"Content-Type"} or not response["Content-Type"].startswith("text/html"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or not (storage.used or storage._queued_messages)


def kept_form(request, response) -> tuple[str, str]:
    """(content type, body) with this request's nonce and CSRF fields as slots."""
    body = response.content.decode(response.charset)
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        body = body.replace(nonce, NONCE_SLOT)
    body = _CSRF_FIELD.sub(lambda field: field.group(1) + CSRF_SLOT + field.group(3), body)
    return response["Content-Type"], body


def served(request, content_type: str, body: str) -> HttpResponse:
    """The kept page with this request's nonce, CSRF token and unread count in its slots."""
    body = body.replace(NONCE_SLOT, getattr(request, "csp_nonce", ""))
    if CSRF_SLOT in body:
        body = body.replace(CSRF_SLOT, get_token(request))  # and the CSRF cookie is set, as a draw would
    if UNREAD_SLOT in body:
        body = body.replace(UNREAD_SLOT, _unread_badge(request))
    response = HttpResponse(body, content_type=content_type)
    if request.user.is_authenticated:  # a page of their own (visitors share theirs: none would learn of another)
        response["X-Page-Cache"] = "hit"  # for operators and the benchmarks: served, not drawn
    return response


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # reads them without marking them shown


class _QueryReads(QueryDict):
    """request.GET, noting the names the view asked for one by one. A name it never asked for (`?junk=1`) cannot
    change what the page shows beyond links that repeat the query ({% querystring %} copies it whole): such a page
    is drawn, not kept, and leaves no mark."""

    def __init__(self, query: QueryDict | str = "", mutable: bool = False, encoding: str | None = None):
        # From a QueryDict (cached_page) or as QueryDict.copy() makes one (`__class__("", mutable=True, …)`).
        if isinstance(query, QueryDict):
            super().__init__("", mutable=True, encoding=query.encoding)
            for name, values in query.lists():
                self.setlist(name, values)
            self._mutable = query._mutable
        else:
            super().__init__(query, mutable=mutable, encoding=encoding)
        self.names_read = set()

    def __getitem__(self, name):  # get() asks here too
        self.names_read.add(name)
        return super().__getitem__(name)

    def _getlist(self, name, *args, **kwargs):  # getlist() and lists of values
        self.names_read.add(name)
        return super()._getlist(name, *args, **kwargs)

    def __contains__(self, name):
        self.names_read.add(name)
        return super().__contains__(name)

    # A copy notes what is read of it in the same set: a FilterSet that copies its data to add defaults
    # (events.filters.ScheduleFilter) reads the names from the copy.
    def __copy__(self):
        copied = super().__copy__()
        copied.names_read = self.names_read
        return copied

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.names_read = self.names_read
        return copied

    def all_read(self) -> bool:
        return self.names_read.issuperset(self.keys())


class TableReads:
    """An execute wrapper that notes the tables the statements name (table_writes.read_by), whether one named a
    relation whose writes are not noted, and whether any statement was not a read."""

    def __init__(self):
        self.tables = set()
        self.unlogged = False  # a relation whose writes are not noted was read (table_writes.Relations)
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        tables, unlogged = table_writes.read_by(sql)
        self.tables |= tables
        self.unlogged = self.unlogged or unlogged
        if not self.wrote and _WRITES.match(sql):
            self.wrote = True
        return execute(sql, params, many, context)


class _Reads(TableReads):
    """What a page's draw read: its tables, whether it wrote (then it is not kept), and the query's names
    (_QueryReads)."""

    def __init__(self, request):
        super().__init__()
        self.query = _QueryReads(request.GET)


@once_per_process
def release_digest() -> str:
    """Templates, code and compiled translations (cop_platform.release), and the environment the settings are read
    from (a new SITE_NAME, say): read once per process, as a deploy or a restart starts new processes."""
    apps = [path for path in ROOT.glob("*/") if (path / "__init__.py").exists()]
    code = [path for app in apps for path in app.rglob("*.py")]
    static = Path(settings.STATIC_ROOT) / "staticfiles.json"  # collectstatic's manifest: a new stylesheet's name
    files = files_version([*ROOT.joinpath("templates").rglob("*.html"), *code, *translation_files(), static])
    packages = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())
    # Not the container's or the shell's own (HOSTNAME is a container's id): web processes that share a cache
    # and a release share their pages.
    environment = sorted((name, value) for name, value in os.environ.items() if name not in _PER_HOST)
    return hashlib.blake2b(repr((files, packages, environment)).encode(), digest_size=16).hexdigest()
