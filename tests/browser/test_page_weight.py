"""Low bandwidth: what each main page costs on the wire, measured the way production serves it.

Static files are collected with WhiteNoise's CompressedManifestStaticFilesStorage (hashed names, brotli/gzip
copies) into a temporary STATIC_ROOT and served by WhiteNoise inside the WSGI app, not by the test server's own
static handler. Chromium reports the bytes it received for each response (CDP `Network.loadingFinished`
encodedDataLength: headers plus the compressed body). Images are left out: the budget is HTML + CSS + JS + fonts.

- first load: an empty cache, as on a member's first visit: under 150 KB;
- later load: the same page once the site was visited before; hashed static files with a year-long max-age come
  from the cache, so only the HTML travels: under 50 KB.

The figures are printed (see them with `pytest -s` or -rP) and written to tests/browser/artifacts/page-weight.txt."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from communities import services as community_services
from communities.models import Community
from events.models import Event
from experts import services as expert_services
from experts.models import Expert
from indicators.compute import freeze_month
from knowledge import services as knowledge_services
from knowledge.models import KnowledgeProduct
from tests.factories import MemberFactory, ReportViewerFactory

from .conftest import ARTIFACTS
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_LOAD_BUDGET = 150 * 1024
LATER_LOAD_BUDGET = 50 * 1024
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")


@pytest.fixture
def production_server(settings, tmp_path):
    """The WSGI app as production runs it: DEBUG off, manifest + compressed static files served by WhiteNoise."""
    from django.core.management import call_command
    from django.db import connections
    from django.test.testcases import LiveServerThread

    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The admin's files are not on these pages; leaving them out keeps collectstatic quick.
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    # No static handler in front: /static/ requests reach WhiteNoise's middleware like in production.
    thread = LiveServerThread("localhost", static_handler=lambda app: app, connections_override=shared)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield SimpleNamespace(url=f"http://localhost:{thread.port}")  # shaped like pytest-django's live_server
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


class Wire:
    """Bytes received per response, from Chromium's own network log."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.responses = {}
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _received(self, event):
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.responses[event["requestId"]] = {"url": event["response"]["url"], "type": event["type"],
                                              "headers": headers, "bytes": None}  # fmt: skip

    def _finished(self, event):
        if event["requestId"] in self.responses:
            self.responses[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def load(self, url, *, cold):
        if cold:
            self.cdp.send("Network.clearBrowserCache")
        self.responses.clear()
        self.page.goto(url)
        for _ in range(100):  # the last loadingFinished events may trail the load event by a moment
            if all(r["bytes"] is not None for r in self.responses.values()):
                break
            self.page.wait_for_timeout(20)
        counted = [r for r in self.responses.values() if r["type"] != "Image" and not r["url"].endswith(IMAGE_SUFFIXES)]
        return sum(r["bytes"] or 0 for r in counted), counted


def _content():
    """A little of everything the main pages show, with a discussion long enough to be typical."""
    community = Community.objects.create(name="Digital transformation skills", slug="digital", visibility="open")
    for n in range(5):
        Community.objects.create(name=f"Practice area {n}", slug=f"practice-{n}", visibility="open",
                                 description="Civil servants sharing what works. " * 8)  # fmt: skip
    member = ReportViewerFactory(full_name="Khin May")
    colleagues = [MemberFactory() for _ in range(12)]
    for person in [member, *colleagues]:
        community_services.community_join(member=person, community=community)
    thread = community_services.thread_create(
        community=community, author=member, title="Data literacy for provincial staff", body="Where to start?"
    )
    reply = "We ran a **four-week** course with one practical exercise a week. " * 4
    for colleague in colleagues * 2:
        community_services.post_reply(thread=thread, author=colleague, shown_in=community, body=reply)
    starts = timezone.now() + timedelta(days=3)
    event = Event.objects.create(title="Data literacy webinar", slug="data-literacy", status=Event.Status.PUBLISHED,
                                 starts_at=starts, ends_at=starts + timedelta(hours=1),
                                 description="An hour on **data literacy** courses. " * 10)  # fmt: skip
    product = KnowledgeProduct.objects.create(
        type="guidance", title="Guidance on mobile registration teams", slug="mobile-teams", status="published",
        summary="How township offices kept registering births.", body="Mobile teams visited camps weekly. " * 40,
    )  # fmt: skip
    knowledge_services.product_index(product)
    expert_services.expert_create(name="Dr. Lina Wijaya", email="", status=Expert.Status.ACTIVE,
                                  expertise=["data literacy"])  # fmt: skip
    freeze_month(datetime(2026, 9, 1, tzinfo=UTC).date())
    freeze_month(datetime(2026, 10, 1, tzinfo=UTC).date())
    return member, community, thread, event, product


def test_main_pages_stay_light_on_first_and_later_loads(new_page, production_server, a11y):
    member, community, thread, event, product = _content()
    page = new_page()
    wire = Wire(page)
    anonymous = {"home (anonymous)": "/", "communities (anonymous)": "/communities/"}
    signed_in = {
        "home": "/", "communities": "/communities/", "community": community.get_absolute_url(),
        "thread": thread.get_absolute_url(), "events": "/events/", "event": event.get_absolute_url(),
        "library": "/knowledge/", "product": product.get_absolute_url(), "experts": "/experts/",
        "members": "/members/", "digest preferences": "/digests/preferences/", "indicators": "/indicators/",
    }  # fmt: skip

    figures, static_checked = {}, False
    for pages in (anonymous, signed_in):
        if pages is signed_in:
            sign_in(page, production_server, member)
        for name, path in pages.items():
            first, responses = wire.load(production_server.url + path, cold=True)
            html = responses[0]["headers"]
            assert html.get("content-type", "").startswith("text/html") and html.get("content-encoding") == "gzip"
            for response in responses[1:]:
                # Every static file has a hashed name, a year-long cache life and comes compressed.
                assert "immutable" in response["headers"].get("cache-control", ""), response
                assert response["headers"].get("content-encoding") in ("br", "gzip"), response
                static_checked = True
            figures[name] = [first]
        for name, path in pages.items():
            later, _ = wire.load(production_server.url + path, cold=False)
            figures[name].append(later)
            a11y(page)  # pages no journey visits (directories, digest preferences) get checked here
    assert static_checked

    report = "\n".join(
        [f"{'page':<26}{'first load':>12}{'later load':>12}"]
        + [f"{name:<26}{first / 1024:>10.1f}KB{later / 1024:>10.1f}KB" for name, (first, later) in figures.items()]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text(report + "\n")
    print("\n" + report)

    too_heavy = [name for name, (first, later) in figures.items() if first > FIRST_LOAD_BUDGET]
    too_heavy_later = [name for name, (first, later) in figures.items() if later > LATER_LOAD_BUDGET]
    assert not too_heavy and not too_heavy_later, report
