"""The monthly PDF progress report: its contents (read from the frozen snapshot) and its rendering.

WeasyPrint fetches nothing from the network or the disk except the project's own static files and data:
URIs (`ReportURLFetcher`): the report's HTML contains coordinators' and members' text, and a stray
`<img src="file:///etc/passwd">` or a tracking pixel must never be loaded into a PDF sent to UNDP."""

import posixpath
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from communities.models import Community
from events.access import events_visible_to
from events.models import Event
from knowledge.access import published_visible_to
from knowledge.models import KnowledgeProduct
from members.models import LocalCommunity

from .compute import month_bounds
from .registry import INDICATORS, NOT_STATED
from .selectors import manual_figures_for, month_figures, narrative_for
from .surveys import surveys_for_month

# The report's HTML is given this base URL, so `{% static %}` paths resolve to it and nowhere else.
REPORT_BASE_URL = "https://report.invalid/"


class ReportURLFetcher(URLFetcher):
    """Serves data: URIs and the project's static files; refuses everything else (file://, http(s), ftp…)."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            raise ValueError(f"The report may not load {url[:80]!r}: only static files and data: URIs")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _content_type(path)})

    @staticmethod
    def static_path(url: str) -> Path | None:
        parts = urlsplit(url)
        base = urlsplit(REPORT_BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if not parts.path.startswith(static_prefix):
            return None
        relative = unquote(parts.path[len(static_prefix) :])
        normal = posixpath.normpath(relative)
        if normal.startswith(("/", "..")) or "\x00" in normal:
            return None
        roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
        found = finders.find(normal)
        if not found and settings.STATIC_ROOT:
            # In production {% static %} gives hashed names (logo.1a2b3c.svg), which exist only once collected.
            roots.append(Path(settings.STATIC_ROOT).resolve())
            candidate = Path(settings.STATIC_ROOT) / normal
            found = str(candidate) if candidate.is_file() else None
        if not found:
            return None
        path = Path(found).resolve()
        if not any(path.is_relative_to(root) for root in roots):
            return None
        return path


def _content_type(path: Path) -> str:
    return {".svg": "image/svg+xml", ".css": "text/css", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix.lower(), "application/octet-stream"
    )


@dataclass
class RenderedReport:
    pdf: bytes
    pages: int
    snapshot_computed_at: object


LISTED = 15  # events and knowledge products listed in the report; the rest are counted
# The report names only what anyone may see on the platform: it is one document for every report viewer and is
# sent on outside the platform. What was shared only with private communities is counted, not named.
EVERYONE = AnonymousUser()


def _private_communities_unnamed(figures) -> None:
    """Breakdowns by community sum the private communities into one unnamed row (the figures are this
    report's own: month_figures reads them afresh)."""
    private, known = set(), set()
    for slug, visibility in Community.objects.values_list("slug", "visibility"):
        known.add(slug)
        if visibility == Community.Visibility.PRIVATE:
            private.add(slug)
    for item in figures.figures.values():
        item.breakdowns = [
            breakdown.unnamed(private, former={key for key, _label, _value in breakdown.rows} - known - {NOT_STATED})
            if breakdown.dimension == "community"
            else breakdown
            for breakdown in item.breakdowns
        ]


def report_context(month: date) -> dict | None:
    figures = month_figures(month)
    if figures is None:
        return None
    figures.figures  # read now, next to the snapshots: the report prints when they were computed  # noqa: B018
    _private_communities_unnamed(figures)
    surveys = surveys_for_month(month)
    private = [result.survey.community is not None and result.survey.community.is_private for result in surveys]
    start, end = month_bounds(month)
    held = {"status": Event.Status.PUBLISHED, "starts_at__gte": start, "starts_at__lt": end}
    published = {"status": KnowledgeProduct.Status.PUBLISHED, "published_at__gte": start, "published_at__lt": end}
    public_events = events_visible_to(EVERYONE).filter(**held)
    public_products = published_visible_to(EVERYONE).filter(**published)
    events_count, products_count = public_events.count(), public_products.count()
    return {
        "figures": figures,
        "month": figures.month,
        "narrative": narrative_for(month),
        # The first LISTED of each, and how many there were: a busy month (127 events, 50 products at the scale
        # benchmark's size) would otherwise add five pages of tables to a report meant to stay under twenty.
        "events": list(public_events.order_by("starts_at").only("title", "starts_at", "kind")[:LISTED]),
        "events_count": events_count,
        "private_events_count": Event.objects.filter(**held).count() - events_count,
        "products": list(public_products.order_by("published_at").only("title", "type", "published_at")[:LISTED]),
        "products_count": products_count,
        "private_products_count": KnowledgeProduct.objects.filter(**published).count() - products_count,
        # A private community's survey is counted, not shown: its title, questions and answers are its own.
        "surveys": [result for result, hidden in zip(surveys, private, strict=True) if not hidden],
        "private_surveys_count": sum(private),
        "manual_figures": list(manual_figures_for(month)),
        # Grouped by source: a network of hundreds of local communities usually has a handful of sources.
        "population_sources": list(
            LocalCommunity.objects.exclude(population_source="")
            .values("population_source")
            .annotate(communities=Count("pk"), population=Sum("population_covered"))
            .order_by("-population")
        ),
        "definitions": INDICATORS,
        "site_name": settings.SITE_NAME,
        "printed_at": timezone.now(),
    }


def render_report(month: date, *, language: str | None = None) -> RenderedReport | None:
    """The month's report as PDF bytes, or None when the month has no frozen snapshot. Headings, indicator
    names, dates and numbers are in `language` (default: the active one); the narrative and titles stay as
    written. The stylesheet's font stack includes Noto Sans Myanmar, so Burmese text has glyphs."""
    # In UTC whatever TIME_ZONE is: the report's months are UTC months, and it says its times are UTC.
    with translation.override(language or translation.get_language()), timezone.override(UTC):
        context = report_context(month)
        if context is None:
            return None
        context["LANGUAGE_CODE"] = translation.get_language()  # no request, so no i18n context processor
        html = render_to_string("indicators/report.html", context)
        document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=ReportURLFetcher()).render()
    return RenderedReport(
        pdf=document.write_pdf(),
        pages=len(document.pages),
        snapshot_computed_at=context["figures"].snapshot.computed_at,
    )
