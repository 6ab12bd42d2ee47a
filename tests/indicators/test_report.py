"""The PDF progress report: what it says (read back with pypdf), the render_report command, and the URL fetcher
that keeps WeasyPrint from loading anything but the project's static files and data: URIs.

A render takes seconds, so the full report is rendered once per module and its text shared; each test still
builds its own data set in its own transaction."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML

from communities.models import Community
from indicators.compute import freeze_month
from indicators.models import MonthlyNarrative, MonthlySnapshot, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from indicators.registry import HEADLINE, INDICATORS, UNIT_NAMES
from indicators.report import LISTED, REPORT_BASE_URL, ReportURLFetcher, render_report, report_context
from indicators.selectors import Breakdown
from knowledge.models import KnowledgeProduct
from members.models import LocalCommunity
from tests.communities.factories import CommunityFactory
from tests.events.factories import EventFactory
from tests.knowledge.factories import KnowledgeProductFactory
from tests.support.marked_translations import marked, marked_translations

from .conftest import OCT, SEP, at, member_in

pytestmark = pytest.mark.django_db

LOGO_URL = "https://report.invalid/static/img/logo.svg"
PASSWD_IMG = '<img src="file:///etc/passwd">'
_RENDERED: dict = {}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return flat(" ".join(page.extract_text() for page in reader.pages)), len(reader.pages)


@pytest.fixture
def report_world(dataset):
    """The conftest data set plus what the report prints besides figures: a narrative (with an <img> a
    coordinator pasted), a survey answered in October, a knowledge product and a population source."""
    MonthlyNarrative.objects.create(
        month=OCT.replace(day=17),
        highlights=f"Clinic attendance doubled in Mandalay.\n\nA pasted tag {PASSWD_IMG} stays plain text.",
        lessons_learned="Sharing slides before the call helped members on slow connections.",
        next_steps="Recruit two more experts on public finance.",
    )
    survey = Survey.objects.create(title="Member survey October 2026", opens_at=at(2), closes_at=at(20))
    useful = SurveyQuestion.objects.create(survey=survey, position=1, text="How useful is the network for your work?")
    often = SurveyQuestion.objects.create(
        survey=survey, position=2, text="How often do you use what you learn?", kind=SurveyQuestion.Kind.SINGLE,
        choices="Every week\nEvery month",
    )  # fmt: skip
    for person, rating, choice, day in [("stayer", 4, "Every week", 5), ("newcomer", 5, "Every month", 11)]:
        response = SurveyResponse.objects.create(survey=survey, member=dataset[person], submitted_at=at(day))
        SurveyAnswer.objects.create(response=response, question=useful, rating=rating)
        SurveyAnswer.objects.create(response=response, question=often, choices=[choice])
    KnowledgeProductFactory(title="Guidance on district budgets", published_at=at(8))
    LocalCommunity.objects.create(
        name="Hlaing Township",
        country="MM",
        population_covered=250_000,
        population_source="Census 2024, township office",
    )
    freeze_month(SEP)
    freeze_month(OCT)
    return dataset


@pytest.fixture
def rendered(report_world, monkeypatch):
    """October's report rendered once for the module: PDF bytes, text, page count and every URL fetched."""
    if not _RENDERED:
        fetched = []
        original = ReportURLFetcher.fetch

        def spy(self, url, headers=None):
            fetched.append(url)
            return original(self, url, headers)

        monkeypatch.setattr(ReportURLFetcher, "fetch", spy)
        result = render_report(OCT)
        text, pages = pdf_text(result.pdf)
        frozen_at = MonthlySnapshot.objects.get(month=OCT).computed_at
        _RENDERED.update(
            pdf=result.pdf, pages=result.pages, text=text, reader_pages=pages, fetched=fetched,
            computed_at_matches=result.snapshot_computed_at == frozen_at,
        )  # fmt: skip
    return _RENDERED


def test_the_report_is_a_pdf_whose_page_count_is_recorded(rendered):
    assert rendered["pdf"].startswith(b"%PDF-")
    assert rendered["pages"] == rendered["reader_pages"]
    assert rendered["pages"] >= 8  # cover, summary, five chapters, events, annex
    assert rendered["computed_at_matches"]


def test_the_cover_and_executive_summary_carry_the_headline_figures(rendered):
    text = rendered["text"]

    assert f"Progress report October 2026 {settings.SITE_NAME}" in text
    assert "Executive summary" in text
    assert "Members at the end of the month: 4. Joined during the month: 2; left: 1; active: 1." in text
    summary = text[text.index("Executive summary") : text.index("Narrative")]
    from indicators.registry import BY_CODE

    for code in HEADLINE:
        assert str(BY_CODE[code].name) in summary, code  # names are lazy translations
    assert "CoP members 4 +1" in summary
    assert "Member retention rate 66.7% −33.3 pts" in summary


def test_the_report_prints_the_narrative_and_escapes_pasted_html(rendered):
    text = rendered["text"]

    assert "Highlights Clinic attendance doubled in Mandalay." in text
    assert f"A pasted tag {PASSWD_IMG} stays plain text." in text  # printed, never loaded
    assert "Lessons learned Sharing slides before the call helped members on slow connections." in text
    assert "Next steps Recruit two more experts on public finance." in text
    assert "root:x:0:0" not in text


def test_the_report_only_fetched_the_logo(rendered):
    assert rendered["fetched"] == [LOGO_URL]


def test_the_report_lists_the_events_products_and_surveys_of_the_month(rendered):
    text = rendered["text"]

    assert "14 Oct 2026 Budget clinic October Webinar" in text
    assert "Guidance on district budgets" in text
    assert "Member survey October 2026 (all members; 2 responses)" in text
    assert "How useful is the network for your work? 2 Mean 4.5 · 1: 0, 2: 0, 3: 0, 4: 1, 5: 1" in text
    assert "Every week: 1; Every month: 1" in text


def test_the_report_prints_the_sources_of_manually_reported_figures(rendered):
    text = rendered["text"]

    sources = text[text.index("Sources of manually reported figures") : text.index("Annex: indicator definitions")]
    assert "Participants in offline activities — Myanmar 40 Attendance sheets, Yangon workshop" in sources
    assert "Participants in offline activities 15 Partner estimate, radio phone-in" in sources
    # The population covered by local communities is printed with where it comes from.
    assert re.search(r"Population covered — .*250,?000 Census 2024, township office", sources)


def test_the_report_ends_with_the_definitions_annex(rendered):
    text = rendered["text"]
    annex = text[text.index("Annex: indicator definitions") :]

    for indicator in INDICATORS:
        assert f"{indicator.name} ({indicator.unit_name}) {flat(str(indicator.definition))}" in annex, indicator.code


def test_the_report_has_a_chapter_per_section_with_each_indicator(rendered):
    text = rendered["text"]
    from indicators.registry import SECTIONS

    for title in SECTIONS.values():
        assert str(title) in text
    assert "CoP members: 4 (+1)" in text
    assert "Participants in offline activities: 55" in text


def test_a_month_that_was_never_frozen_has_no_report(db):
    assert render_report(OCT) is None
    assert report_context(OCT) is None


def test_the_report_context_reads_surveys_as_they_stood_at_the_end_of_the_month(report_world):
    survey = Survey.objects.get()
    # An answer arriving in November does not change October's report; a survey of September is not in it.
    late = SurveyResponse.objects.create(survey=survey, member=report_world["unstated"], submitted_at=at(2, 11))
    SurveyAnswer.objects.create(response=late, question=survey.questions.first(), rating=1)
    Survey.objects.create(title="September pulse", opens_at=at(1, 9), closes_at=at(20, 9))
    # Open in October but without an answer by its end: nothing to report.
    Survey.objects.create(title="Silent survey", opens_at=at(25), closes_at=at(25) + timedelta(days=30))

    context = report_context(OCT)

    assert [result.survey.title for result in context["surveys"]] == ["Member survey October 2026"]
    assert context["surveys"][0].responses == 2
    assert context["surveys"][0].questions[0].mean == 4.5
    assert [e.title for e in context["events"]] == ["Budget clinic October"]
    assert [p.title for p in context["products"]] == ["Guidance on district budgets"]
    assert [(f.country.code, f.source_note) for f in context["manual_figures"]] == [
        ("", "Partner estimate, radio phone-in"), ("MM", "Attendance sheets, Yangon workshop"),
    ]  # fmt: skip
    assert KnowledgeProduct.objects.count() == 1


def test_a_busy_month_lists_the_first_events_and_products_and_counts_the_rest(report_world):
    for day in range(1, 21):
        KnowledgeProductFactory(title=f"Busy month product {day:02}", published_at=at(day))
    KnowledgeProductFactory(title="Withdrawn", published_at=at(1), status=KnowledgeProduct.Status.ARCHIVED)

    context = report_context(OCT)

    assert len(context["products"]) == LISTED and context["products_count"] == 21
    assert context["products"][0].title == "Busy month product 01"  # in order of publication
    text, _pages = pdf_text(render_report(OCT).pdf)
    assert f"The first {LISTED} of 21 knowledge products; all are in the platform's library." in text
    # The 15 earliest: the data set's own product (8 October) among them.
    assert "Busy month product 14" in text and "Busy month product 15" not in text


def test_the_report_counts_but_does_not_name_what_private_communities_shared(report_world):
    """One document for every report viewer, sent on outside the platform: it names only what anyone may see."""
    private = CommunityFactory(name="Closed circle", visibility=Community.Visibility.PRIVATE)
    shared = CommunityFactory(name="Open circle")
    EventFactory(title="Closed circle strategy call", starts_at=at(12), communities=[private])
    EventFactory(title="Webinar for both circles", starts_at=at(13), communities=[private, shared])
    KnowledgeProductFactory(title="Closed circle minutes", published_at=at(9), communities=[private])

    context = report_context(OCT)

    assert {e.title for e in context["events"]} == {"Budget clinic October", "Webinar for both circles"}
    assert (context["events_count"], context["private_events_count"]) == (2, 1)
    assert [p.title for p in context["products"]] == ["Guidance on district budgets"]
    assert (context["products_count"], context["private_products_count"]) == (1, 1)
    text, _pages = pdf_text(render_report(OCT).pdf)
    assert "Closed circle" not in text
    assert "1 event shared only within private communities is counted in the figures but not named here." in text
    assert "1 knowledge product shared only within private communities is counted in the figures" in text


def test_the_report_sums_private_communities_unnamed_and_only_counts_their_surveys(report_world):
    """A private community's name, member counts and survey (its title, questions and answers) stay its own."""
    closed = CommunityFactory(name="Closed circle", slug="closed", visibility=Community.Visibility.PRIVATE)
    hidden = CommunityFactory(name="Hidden circle", slug="hidden", visibility=Community.Visibility.PRIVATE)
    for community in (closed, hidden):
        member_in(community, report_world["stayer"], at(2))
    survey = Survey.objects.create(title="Closed circle pulse", community=closed, opens_at=at(2), closes_at=at(20))
    question = SurveyQuestion.objects.create(
        survey=survey, position=1, text="What worries the circle?", kind=SurveyQuestion.Kind.TEXT
    )
    response = SurveyResponse.objects.create(survey=survey, member=report_world["stayer"], submitted_at=at(5))
    SurveyAnswer.objects.create(response=response, question=question, text="A confidential reorganisation")
    freeze_month(OCT, recompute=True)

    context = report_context(OCT)

    by_community = next(b for b in context["figures"]["members"].breakdowns if b.dimension == "community")
    assert [(label, value) for _key, label, value in by_community.rows] == [
        ("A", 3), ("=SUM(1+1)", 2), ("2 private communities", 2),
    ]  # fmt: skip
    assert [result.survey.title for result in context["surveys"]] == ["Member survey October 2026"]
    assert context["private_surveys_count"] == 1
    text, _pages = pdf_text(render_report(OCT).pdf)
    for secret in ("Closed circle", "Hidden circle", "What worries", "confidential"):
        assert secret not in text
    assert "1 survey of a private community is counted in the figures but not shown here." in text


def test_a_community_renamed_or_gone_since_the_month_was_frozen_is_not_named_by_its_old_address(report_world):
    """A snapshot keeps a community's slug: one changed since (or deleted) could have been private."""
    from communities.models import Community as Model

    Model.objects.filter(slug="b").update(slug="b-renamed")

    by_community = next(b for b in report_context(OCT)["figures"]["members"].breakdowns if b.dimension == "community")

    assert [label for _key, label, _value in by_community.rows] == ["A", "1 private or former community"], (
        by_community.rows
    )


def test_the_annex_names_units_and_breakdowns_in_the_readers_language(report_world, monkeypatch):
    """The annex printed the units' and breakdowns' codes, in English in every language: "(members)",
    "Breakdowns: country, gender, community"."""
    marked_translations(monkeypatch)

    html = render_to_string("indicators/report.html", report_context(OCT))

    annex = html[html.index(marked("Annex: indicator definitions")) :]
    members = next(indicator for indicator in INDICATORS if indicator.code == "members")
    assert f"<dt>{members.name} ({UNIT_NAMES['members']})</dt>" in annex
    breakdowns = ", ".join(marked(name.lower()) for name in ("Country", "Gender", "Community"))
    assert f"{marked('Breakdowns')}: {breakdowns}." in annex
    assert "(members)" not in annex


def test_the_printed_breakdowns_sum_the_smaller_groups_as_other_in_the_readers_language(monkeypatch):
    """The row was "Other (2)" in English whatever the language of the report."""
    marked_translations(monkeypatch)
    rows = [(f"c{n}", f"Community {n}", 20 - n) for n in range(11)] + [("not_stated", "Not stated", 1)]
    breakdown = Breakdown(dimension="community", name="Community", rows=rows, total=None)

    labels = [label for _key, label, _value in breakdown.compact_rows]

    assert labels[-2:] == [marked("Other (%(count)d)") % {"count": 2}, "Not stated"]
    assert breakdown.compact_rows[-2][2] == 11 + 10


# --- The command --------------------------------------------------------------------------------------------


def test_the_command_freezes_a_month_if_needed_and_writes_the_pdf(db, tmp_path):
    target = tmp_path / "report.pdf"
    out = io.StringIO()

    call_command("render_report", month="2026-08", output=str(target), stdout=out)

    assert "2026-08: not frozen yet; computed and frozen now." in out.getvalue()
    assert f"Wrote {target} (" in out.getvalue()
    assert MonthlySnapshot.objects.filter(month=OCT.replace(month=8)).exists()
    text, pages = pdf_text(target.read_bytes())
    assert pages >= 8 and f"({pages} pages" in out.getvalue()
    assert "Progress report August 2026" in text


@pytest.mark.parametrize("month", ["October", "2026-13", "2026-1", "", "2026-10-01", "26-10"])
def test_the_command_refuses_a_bad_month(db, tmp_path, month):
    with pytest.raises(CommandError, match="--month must look like 2026-10"):
        call_command("render_report", month=month, output=str(tmp_path / "r.pdf"))
    assert not MonthlySnapshot.objects.exists()


def test_the_command_refuses_a_folder_that_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("render_report", month="2026-10", output=str(tmp_path / "nowhere" / "r.pdf"))
    assert not MonthlySnapshot.objects.exists()


# --- The URL fetcher ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/static/img/logo.svg",  # the right path on another host
        "https://report.invalid/static/../../etc/passwd",
        "https://report.invalid/static/img/../../../etc/passwd",
        "https://report.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://report.invalid/static//etc/passwd",
        "https://report.invalid/static/%2Fetc%2Fpasswd",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/media/reports/report.pdf",
        "https://report.invalid/static/admin/css/base.css",  # an app's static file, not the project's
        "https://report.invalid/static/img/missing.png",
        "http://report.invalid/static/img/logo.svg",
        "ftp://example.org/x.png",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files_and_data(url):
    with pytest.raises(ValueError, match="may not load"):
        ReportURLFetcher().fetch(url)


def test_the_fetcher_serves_the_projects_static_files():
    response = ReportURLFetcher().fetch(LOGO_URL)

    assert response.read() == (Path(settings.BASE_DIR) / "static" / "img" / "logo.svg").read_bytes()
    assert response.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url, body",
    [("data:text/plain;base64,aGVsbG8=", b"hello"), ("data:image/svg+xml,%3Csvg%2F%3E", b"<svg/>")],
)
def test_the_fetcher_serves_data_uris(url, body):
    assert ReportURLFetcher().fetch(url).read() == body


def test_weasyprint_with_the_fetcher_renders_without_loading_local_files_or_the_network():
    calls = []

    class Spy(ReportURLFetcher):
        def fetch(self, url, headers=None):
            try:
                response = super().fetch(url, headers)
            except ValueError:
                calls.append((url, "refused"))
                raise
            calls.append((url, "served"))
            return response

    markup = (
        "<!doctype html><html><head><link rel='stylesheet' href='file:///etc/passwd'></head><body>"
        f"<h1>Hello</h1>{PASSWD_IMG}<img src='http://example.org/x.png'>"
        "<img src='/static/../../../etc/passwd'><img src='static/img/logo.svg'></body></html>"
    )

    pdf = HTML(string=markup, url_fetcher=Spy(), base_url=REPORT_BASE_URL).write_pdf()

    assert pdf.startswith(b"%PDF-")
    assert sorted(calls) == sorted([
        ("file:///etc/passwd", "refused"),  # the stylesheet
        ("file:///etc/passwd", "refused"),  # the image
        ("http://example.org/x.png", "refused"),
        ("https://report.invalid/etc/passwd", "refused"),
        (LOGO_URL, "served"),
    ])  # fmt: skip
    text, _pages = pdf_text(pdf)
    assert "Hello" in text and "root:" not in text


def test_the_fetcher_serves_hashed_static_names_from_static_root_only(settings, tmp_path):
    from indicators.report import REPORT_BASE_URL, ReportURLFetcher

    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "img" / "logo.abc123.svg").write_bytes(b"<svg/>")
    (tmp_path / "secret.txt").write_text("no")
    fetcher = ReportURLFetcher()
    assert fetcher.static_path(REPORT_BASE_URL + "static/img/logo.abc123.svg") is not None
    assert fetcher.static_path(REPORT_BASE_URL + "static/../secret.txt") is None
    assert fetcher.static_path(REPORT_BASE_URL + "static/img/../../secret.txt") is None


def test_the_report_prints_its_dates_in_utc_whatever_the_sites_time_zone(report_world, settings):
    """It counts UTC months and says its times are UTC, but printed them in TIME_ZONE: with Asia/Yangon, an event on
    31 October at 20:00 UTC was listed on 1 November in October's report."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Yangon"
    EventFactory(title="Late October webinar", starts_at=datetime(OCT.year, 10, 31, 20, 0, tzinfo=UTC))

    with timezone.override(ZoneInfo("Asia/Yangon")):
        text, _pages = pdf_text(render_report(OCT).pdf)

    assert f"31 Oct {OCT.year} Late October webinar" in text
