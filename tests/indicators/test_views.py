"""The dashboard, an indicator's page, the definitions, the reports list and the report status and download
pages, as a report viewer sees them, on the hand-built data set of conftest.py (September and October frozen)."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from indicators import selectors
from indicators.compute import freeze_month
from indicators.models import ProgressReport
from indicators.registry import FIGURES_IN_UNIT, INDICATORS, UNIT_NAMES
from indicators.templatetags import indicator_charts
from members.models import Activity
from members.services import activity_record
from tests.factories import MemberFactory
from tests.support.marked_translations import marked, marked_translations

from .conftest import FAKE_PAGES, FAKE_PDF, OCT, SEP, at, member_in

pytestmark = pytest.mark.django_db

TILE = re.compile(
    r'<li class="tile">\s*<a href="(?P<href>[^"]+)">(?P<name>[^<]+)</a>\s*'
    r'<strong class="tile-value">(?P<value>[^<]+)</strong>\s*(?:<span class="tile-change">(?P<change>[^<]+)</span>)?'
)
SVG = re.compile(r'<svg [^>]*role="img"[^>]*>\s*<title>(?P<title>[^<]+)</title>')


@pytest.fixture
def viewer_client(client, report_viewer):
    client.force_login(report_viewer)
    return client


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def tiles(text: str) -> dict[str, tuple[str, str | None]]:
    return {html.unescape(m["name"]): (m["value"], m["change"]) for m in TILE.finditer(text)}


def table(text: str, caption: str) -> tuple[list[tuple[str, str]], str | None]:
    """The (label, value) body rows of the table with this caption, and its footer total."""
    match = re.search(r"<caption[^>]*>" + re.escape(caption) + r"</caption>(?P<body>.*?)</table>", text, re.S)
    assert match, caption
    body = match["body"]
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)[1]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="numeric">([^<]+)</td></tr>', tbody)
    total = re.search(r'<tfoot><tr><th scope="row">Total</th><td class="numeric">([^<]+)</td>', body)
    return [(html.unescape(label), value) for label, value in rows], total[1] if total else None


# --- Dashboard ----------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_latest_month_with_headline_tiles_and_their_change(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:dashboard")))

    assert 'Indicators <span class="muted">October 2026</span>' in text
    assert tiles(text) == {
        "CoP members": ("4", "+1 on last month"),
        "Active members": ("1", "+1 on last month"),
        "Member retention rate": ("66.7%", "−33.3 pts on last month"),
        "Active experts": ("0", "±0 on last month"),
        "Satisfaction with experts' advice": ("—", None),  # no rating in either month: no change to show
        "Events held": ("1", "+1 on last month"),
    }
    assert '<a href="/indicators/members/?month=2026-10">CoP members</a>' in text


def test_the_dashboard_has_a_trend_chart_with_a_title_and_a_table_for_every_indicator(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:dashboard")))

    titles = [m["title"] for m in SVG.finditer(text)]
    assert [html.unescape(t) for t in titles] == [f"{i.name}, last 12 months" for i in _by_section()]
    assert text.count('role="img"') == len(INDICATORS)
    rows, _total = table(text, "CoP members, last 12 months")
    assert len(rows) == 12
    assert rows[0] == ("Nov 2025", "—")  # not frozen: no figure
    assert rows[-2:] == [("Sep 2026", "3"), ("Oct 2026", "4")]
    # The chart's text alternative carries the same figures as the table.
    assert 'aria-label="CoP members, last 12 months. Nov 2025: —,' in text
    assert "Sep 2026: 3, Oct 2026: 4" in text


def test_each_breakdowns_link_names_its_indicator_for_screen_readers(viewer_client, frozen):
    """A screen reader's list of links read "Breakdowns" once per indicator, none telling which."""
    text = page(viewer_client.get(reverse("indicators:dashboard")))

    links = re.findall(r'<a href="[^"]+">Breakdowns(?:<span class="visually-hidden">([^<]*)</span>)?</a>', text)
    with_breakdowns = [i for i in _by_section() if i.dimensions]
    assert [html.unescape(context) for context in links] == [f": {i.name}" for i in with_breakdowns]
    assert len(set(links)) == len(links) > 1


def _by_section():
    from indicators.registry import by_section

    return [indicator for _key, _title, indicators in by_section() for indicator in indicators]


def test_the_dashboard_links_the_exports_and_the_report_of_the_month(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:dashboard") + "?month=2026-09"))

    assert 'href="/indicators/2026-09/figures.csv"' in text
    assert 'href="/indicators/2026-09/figures.xlsx"' in text
    assert 'href="/indicators/trend.csv?month=2026-09"' in text
    assert 'href="/indicators/trend.xlsx?month=2026-09"' in text
    assert 'href="/indicators/2026-09/report/"' in text
    assert "/indicators/2026-09/report.pdf" not in text  # no report generated yet


def test_the_dashboard_links_the_pdf_once_the_report_is_ready(viewer_client, frozen, ready_report):
    ready_report(OCT)

    text = page(viewer_client.get(reverse("indicators:dashboard")))

    assert 'href="/indicators/2026-10/report.pdf">Progress report (PDF)</a>' in text


def test_the_month_picker_shows_an_earlier_frozen_month(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:dashboard") + "?month=2026-09")
    text = page(response)

    assert response.context["figures"].month == SEP
    assert messages_of(response) == []
    assert '<option value="2026-09" selected>September 2026</option>' in text
    assert '<option value="2026-10">October 2026</option>' in text
    # August was never frozen: September's tiles have no change to show.
    assert tiles(text)["CoP members"] == ("3", None)
    assert tiles(text)["Member retention rate"] == ("100%", None)


@pytest.mark.parametrize("asked", ["0001-05", "9999-12"])
@pytest.mark.parametrize("path", ["report/", "report.pdf", "figures.csv", "figures.xlsx"])
def test_a_month_at_the_ends_of_the_calendar_is_not_found_rather_than_an_error(viewer_client, frozen, asked, path):
    """(A trend reads twelve months back and a month's bounds the month after: date() refuses years 0 and 10,000.)"""
    assert viewer_client.get(f"/indicators/{asked}/{path}").status_code == 404
    assert viewer_client.get(reverse("indicators:trend_csv"), {"month": asked}).status_code == 200


@pytest.mark.parametrize("asked", ["banana", "2026-13", "2026-1", "10-2026", "2026-10-01", "2026-00"])
def test_a_month_that_is_not_a_month_says_so_and_shows_the_latest(viewer_client, frozen, asked):
    response = viewer_client.get(reverse("indicators:dashboard"), {"month": asked})
    page(response)

    assert response.context["figures"].month == OCT
    assert messages_of(response) == [f"“{asked}” is not a month: use YYYY-MM, e.g. 2026-10. Showing the latest month."]


def test_the_bad_month_message_is_escaped(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:dashboard"), {"month": "<b>x</b>"}))

    assert "&lt;b&gt;x&lt;/b&gt;" in text
    assert "<b>x</b>" not in text


def test_a_month_that_is_not_frozen_says_so_and_shows_the_latest(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:dashboard") + "?month=2026-08")
    page(response)

    assert response.context["figures"].month == OCT
    assert messages_of(response) == ["August 2026 has no frozen figures yet. Showing the latest month."]


def test_the_dashboard_has_an_empty_state_before_any_month_is_frozen(viewer_client, dataset):
    text = page(viewer_client.get(reverse("indicators:dashboard")))

    assert "No month has been computed yet." in text
    assert "compute_indicators --month YYYY-MM" in text
    assert 'role="img"' not in text
    assert "figures.csv" not in text


def test_the_dashboard_reads_the_frozen_snapshot_until_the_month_is_recomputed(viewer_client, frozen):
    late = MemberFactory(country="KH", gender="female")
    member_in(frozen["a"], late, at(20))  # late news about October
    activity_record(member=late, kind=Activity.Kind.LOGIN, occurred_at=at(21))

    text = page(viewer_client.get(reverse("indicators:dashboard")))
    assert tiles(text)["CoP members"] == ("4", "+1 on last month")
    assert tiles(text)["Active members"] == ("1", "+1 on last month")
    csv_text = viewer_client.get(reverse("indicators:month_csv", args=[OCT])).content.decode("utf-8-sig")
    assert ",members,CoP members,members,total,total,Total,4," in csv_text

    call_command("compute_indicators", month="2026-10", recompute=True, stdout=io.StringIO())

    text = page(viewer_client.get(reverse("indicators:dashboard")))
    assert tiles(text)["CoP members"] == ("5", "+2 on last month")
    assert tiles(text)["Active members"] == ("2", "+2 on last month")
    csv_text = viewer_client.get(reverse("indicators:month_csv", args=[OCT])).content.decode("utf-8-sig")
    assert ",members,CoP members,members,total,total,Total,5," in csv_text


def test_the_dashboards_charts_are_drawn_once_per_month_and_language(viewer_client, frozen, monkeypatch):
    first = page(viewer_client.get(reverse("indicators:dashboard")))
    drawn = []
    monkeypatch.setattr(indicator_charts, "line_chart", lambda *args, **kwargs: drawn.append(args) or "")

    again = page(viewer_client.get(reverse("indicators:dashboard")))
    assert drawn == []  # from the cache
    assert again.count('role="img"') == first.count('role="img"') > 0
    russian = page(viewer_client.get(reverse("indicators:dashboard"), HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<html lang="ru"' in russian and len(drawn) == first.count('role="img"')  # drawn anew in Russian
    monkeypatch.setattr(selectors, "DRAWING_VERSION", "a-new-release")
    page(viewer_client.get(reverse("indicators:dashboard")))
    assert len(drawn) == 2 * first.count('role="img"')  # a release that draws otherwise draws again


def test_only_a_coordinator_is_offered_to_write_the_narrative(client, frozen, report_viewer, coordinator):
    link = 'href="/admin/indicators/monthlynarrative/"'
    client.force_login(report_viewer)
    assert link not in page(client.get(reverse("indicators:dashboard")))
    client.force_login(coordinator)
    assert link in page(client.get(reverse("indicators:dashboard")))


# --- An indicator's page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, name, dimension, expected",
    [
        ("members", "CoP members", "Country", [("Myanmar", "2"), ("Kazakhstan", "1"), ("Not stated", "1")]),
        # "Not stated" comes last even when it is the largest group.
        ("members", "CoP members", "Gender", [("Female", "1"), ("Male", "1"), ("Not stated", "2")]),
        ("members_new", "New members", "Country", [("Kazakhstan", "1"), ("Myanmar", "1")]),
        ("offline_participants", "Participants in offline activities", "Country",
         [("Myanmar", "40"), ("Not stated", "15")]),
    ],
)  # fmt: skip
def test_the_breakdown_tables_add_up_to_the_total(viewer_client, frozen, code, name, dimension, expected):
    text = page(viewer_client.get(reverse("indicators:indicator", args=[code]) + "?month=2026-10"))

    rows, total = table(text, f"{name} by {dimension}")
    assert rows == expected
    assert sum(int(value) for _label, value in rows) == int(total)
    assert f"<title>{name} by {dimension.lower()}</title>" in text  # and its bar chart


def test_the_members_page_shows_each_breakdown_as_a_bar_chart_and_a_table(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:indicator", args=["members"]))
    text = page(response)

    assert response.context["figures"].month == OCT
    assert '<h1>CoP members <span class="muted">October 2026</span></h1>' in text
    assert "Members with at least one active community membership at the end of the month." in text
    assert [m["title"] for m in SVG.finditer(text)] == [
        "CoP members, last 12 months", "CoP members by country", "CoP members by gender", "CoP members by community",
    ]  # fmt: skip
    # Community names are labels (escaped), not slugs; a member in two communities counts in each.
    rows, _total = table(text, "CoP members by Community")
    assert rows == [("A", "3"), ("=SUM(1+1)", "2")]
    item = response.context["item"]
    for breakdown in item.breakdowns:
        if breakdown.dimension in ("country", "gender"):
            assert sum(value for _key, _label, value in breakdown.rows) == item.value == 4


def test_every_breakdown_table_with_a_total_row_adds_up_to_it(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:indicator", args=["members"])))

    for dimension in ("Country", "Gender", "Community"):
        rows, total = table(text, f"CoP members by {dimension}")
        if total is not None:
            assert sum(int(value) for _label, value in rows) == int(total), dimension


def test_names_in_charts_and_tables_are_escaped(viewer_client, dataset):
    dataset["a"].name = "<script>alert(1)</script> Township of a very long name indeed"
    dataset["a"].save()
    freeze_month(OCT)

    text = page(viewer_client.get(reverse("indicators:indicator", args=["members"])))

    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Township of a very long name indeed</th>" in text
    assert "&lt;script&gt;alert(1)&lt;/scrip…</text>" in text  # the bar's label, shortened


def test_an_indicators_figure_is_followed_by_its_unit_in_the_readers_words(viewer_client, frozen, monkeypatch):
    """The figure was followed by the unit's code, in English whatever the language ("40 members" in Russian)."""
    marked_translations(monkeypatch)

    members = page(viewer_client.get(reverse("indicators:indicator", args=["members"])))
    retention = page(viewer_client.get(reverse("indicators:indicator", args=["retention_rate"])))

    four_members = marked('<strong class="figure">4</strong> members')
    assert f"<p>{four_members} · " in members
    assert '<span class="muted">members</span>' not in members
    # A percentage carries its sign: no words (the code "%" was printed a second time).
    assert re.search(r'<p><strong class="figure">[\d.]+%</strong>( · |</p>)', retention)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1, "members", '<strong class="figure">1</strong> member'),
        (1234, "people", '<strong class="figure">1,234</strong> people'),
        (12.5, "hours", '<strong class="figure">12.5</strong> hours'),
        (4.25, "score", '<strong class="figure">4.25</strong> out of 5'),
        (87.5, "%", '<strong class="figure">87.5%</strong>'),
        (None, "members", '<strong class="figure">—</strong>'),
    ],
)
def test_a_figure_in_its_unit_is_pluralised_and_keeps_the_languages_number_format(value, unit, expected):
    assert indicator_charts.figure_in_unit(value, unit) == expected


def test_a_figure_in_its_unit_keeps_russian_separators_and_goes_through_gettext(monkeypatch):
    marked_translations(monkeypatch)
    with translation.override("ru"):
        words = indicator_charts.figure_in_unit(1234, "members")

    assert words == marked('<strong class="figure">1\xa0234</strong> members')


def test_a_decimal_figure_takes_the_plural_form_of_two(monkeypatch):
    """Plural formulas are for whole numbers: "1.5 hours", "1,5 часа" is the form a 2 takes."""
    chosen = []
    monkeypatch.setattr(translation._trans, "ngettext", lambda s, p, n: chosen.append(n) or p, raising=False)

    indicator_charts.figure_in_unit(1.5, "hours")
    indicator_charts.figure_in_unit(21.0, "hours")

    assert chosen == [2, 21]


def test_every_unit_has_words_for_readers():
    for indicator in INDICATORS:
        assert indicator.unit in UNIT_NAMES, indicator.code
        assert indicator.unit == "%" or indicator.unit in FIGURES_IN_UNIT, indicator.code


def test_an_indicator_without_breakdowns_shows_its_trend_only(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:indicator", args=["events_held"])))

    assert [m["title"] for m in SVG.finditer(text)] == ["Events held, last 12 months"]
    assert "No breakdowns were recorded this month." not in text
    rows, _total = table(text, "Events held, last 12 months")
    assert rows[-2:] == [("Sep 2026", "0"), ("Oct 2026", "1")]


def test_an_indicator_page_follows_the_month_picker_and_explains_a_bad_month(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:indicator", args=["members"]) + "?month=2026-09")
    assert response.context["item"].value == 3
    assert '<option value="2026-09" selected>' in page(response)

    response = viewer_client.get(reverse("indicators:indicator", args=["members"]) + "?month=2026-02")
    assert response.context["item"].value == 4
    assert messages_of(response) == ["February 2026 has no frozen figures yet. Showing the latest month."]


def test_an_indicator_page_before_any_month_is_frozen(viewer_client, dataset):
    text = page(viewer_client.get(reverse("indicators:indicator", args=["members"])))

    assert "No month has been computed yet." in text
    assert "Members with at least one active community membership" in text  # the definition still helps


# --- Definitions and reports list ---------------------------------------------------------------------------


def test_the_definitions_name_units_and_breakdowns_in_the_readers_language(viewer_client, monkeypatch):
    """Units and breakdowns were their codes in English ("Единица измерения: members · Разбивки: country, gender,
    community")."""
    with translation.override("ru"):
        russian = html.unescape(page(viewer_client.get(reverse("indicators:definitions"), HTTP_ACCEPT_LANGUAGE="ru")))
    marked_translations(monkeypatch)
    text = html.unescape(page(viewer_client.get(reverse("indicators:definitions"))))

    assert "Единица измерения: участники · Разбивки: страна, пол, сообщество" in russian
    for indicator in INDICATORS:
        # Lazy: the label in the (marked) reader's language, not the code.
        assert f"{marked('Unit')}: {UNIT_NAMES[indicator.unit]}" in text, indicator.code
    breakdowns = ", ".join(marked(name.lower()) for name in ("Country", "Gender", "Community"))
    assert f"{marked('Breakdowns')}: {breakdowns}" in text


def test_the_definitions_page_lists_every_indicator_with_its_definition(viewer_client):
    text = html.unescape(page(viewer_client.get(reverse("indicators:definitions"))))

    for indicator in INDICATORS:
        assert f'<dt id="{indicator.code}">{indicator.name} <code>{indicator.code}</code></dt>' in text
        assert str(indicator.definition) in text  # a lazy translation
    assert "Breakdowns: country, gender, community" in text
    assert "Entered by the coordinator with a source" in text


def test_the_reports_list_shows_each_frozen_month_and_its_report(viewer_client, frozen, ready_report):
    ready_report(OCT)
    ProgressReport.objects.create(month=SEP, job=ProgressReport.Job.FAILED, error="boom")
    freeze_month(OCT.replace(month=8))
    ProgressReport.objects.create(month=OCT.replace(month=8), job=ProgressReport.Job.RENDERING,
                                  job_started_at=timezone.now())  # fmt: skip

    response = viewer_client.get(reverse("indicators:reports"))
    text = page(response)

    assert [month for month, _report in response.context["rows"]] == [OCT, SEP, OCT.replace(month=8)]
    assert (f'<a href="/indicators/2026-10/report.pdf">PDF, {FAKE_PAGES} pages'
            '<span class="visually-hidden">: October 2026</span></a>') in text  # fmt: skip
    assert '<span class="badge badge-danger">failed</span>' in text
    assert '<span class="badge badge-warning">being prepared</span>' in text
    assert (
        '<a href="/indicators/2026-09/report/">generate<span class="visually-hidden">: September 2026</span></a>'
        in text
    )
    assert (
        '<a href="/indicators/2026-10/report/">details<span class="visually-hidden">: October 2026</span></a>' in text
    )


def test_the_reports_list_is_empty_before_any_month_is_frozen(viewer_client):
    assert "No month has been computed yet." in page(viewer_client.get(reverse("indicators:reports")))


# --- Report status and download -----------------------------------------------------------------------------


def test_the_report_page_offers_to_generate_a_report_that_does_not_exist(viewer_client, frozen):
    text = page(viewer_client.get(reverse("indicators:report", args=[OCT])))

    assert "This month's report has not been generated yet." in text
    assert "Generate the report" in text


def test_generating_the_report_from_its_page(viewer_client, frozen, fake_renderer, report_viewer,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    url = reverse("indicators:report", args=[OCT])
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(url)

    assert response.status_code == 302 and response["Location"] == url
    assert fake_renderer == [OCT]
    report = ProgressReport.objects.get(month=OCT)
    assert report.is_ready and report.requested_by == report_viewer and report.job == ProgressReport.Job.IDLE
    response = viewer_client.get(url)
    text = page(response)
    assert messages_of(response) == [
        "The October 2026 report is being prepared. You will get an email when it is ready."
    ]
    assert f"({FAKE_PAGES} pages)" in text
    assert 'href="/indicators/2026-10/report.pdf">Download the PDF</a>' in text
    assert "Generate again" in text


def test_whoever_is_promised_an_email_gets_one(
    client, frozen, coordinator, report_viewer, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:report", args=[OCT]), follow=True)

    assert "You will get an email when it is ready." in messages_of(response)[0]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, report_viewer.email])


def test_asking_again_while_a_report_is_being_prepared_does_not_queue_it_again(
    viewer_client, frozen, fake_renderer, django_capture_on_commit_callbacks
):
    started = timezone.now() - timedelta(minutes=2)
    ProgressReport.objects.create(month=OCT, job=ProgressReport.Job.RENDERING, job_started_at=started)
    url = reverse("indicators:report", args=[OCT])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = viewer_client.post(url, follow=True)

    assert callbacks == [] and fake_renderer == []
    assert messages_of(response) == ["This report is already being prepared; it will be ready in a few minutes."]
    text = page(response)
    assert "A worker is preparing the report" in text
    assert '<form method="post">' not in text  # no second button while it runs
    assert ProgressReport.objects.get(month=OCT).job_started_at == started


def test_the_report_page_shows_the_last_error(viewer_client, frozen):
    ProgressReport.objects.create(month=OCT, job=ProgressReport.Job.FAILED, error="Font <Noto> missing")

    text = page(viewer_client.get(reverse("indicators:report", args=[OCT])))

    assert "The last attempt failed: Font &lt;Noto&gt; missing" in text
    assert "Generate the report" in text


def test_the_pdf_is_served_as_an_attachment_that_is_not_sniffed(viewer_client, frozen, ready_report):
    ready_report(OCT)

    response = viewer_client.get(reverse("indicators:report_pdf", args=[OCT]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="progress-report-2026-10-en.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_the_pdf_url_sends_to_the_report_page_when_no_report_is_ready(viewer_client, frozen):
    ProgressReport.objects.create(month=OCT, job=ProgressReport.Job.RENDERING, job_started_at=timezone.now())

    response = viewer_client.get(reverse("indicators:report_pdf", args=[OCT]), follow=True)

    assert response.redirect_chain == [(reverse("indicators:report", args=[OCT]), 302)]
    assert messages_of(response) == ["The October 2026 report has not been generated yet."]


def test_report_files_are_not_served_from_media(viewer_client, frozen, ready_report):
    report = ready_report(OCT)

    assert viewer_client.get(settings.MEDIA_URL + report.file.name).status_code == 404


def test_a_report_whose_file_went_missing_is_not_found(viewer_client, frozen, ready_report):
    report = ready_report(OCT)
    report.file.storage.delete(report.file.name)

    assert viewer_client.get(reverse("indicators:report_pdf", args=[OCT])).status_code == 404
