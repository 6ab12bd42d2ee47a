"""CSV and XLSX exports of the frozen months, checked cell by cell against the hand-built data set of
conftest.py: the long form of one month and the wide 12-month table."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from communities.models import Community
from indicators.compute import freeze_month
from indicators.exports import LONG_HEADER
from indicators.models import IndicatorValue, MonthlySnapshot
from indicators.registry import INDICATORS
from tests.factories import MemberFactory

from .conftest import OCT, at, member_in

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINDOW = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
          "2026-08", "2026-09", "2026-10"]  # fmt: skip


@pytest.fixture
def viewer_client(client, report_viewer):
    client.force_login(report_viewer)
    return client


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def computed_at(month=OCT) -> str:
    return MonthlySnapshot.objects.get(month=month).computed_at.isoformat(timespec="seconds")


def members_block(stamp: str, formula_label: str = "'=SUM(1+1)") -> list[list]:
    """The October rows of `members` in the long form, as they should be (values as text for CSV)."""
    rows = [
        ["total", "total", "Total", 4],
        ["community", "a", "A", 3],
        ["community", "b", formula_label, 2],  # a community name that looks like a formula is escaped
        ["country", "KZ", "Kazakhstan", 1],
        ["country", "MM", "Myanmar", 2],
        ["country", "not_stated", "Not stated", 1],
        ["gender", "female", "Female", 1],
        ["gender", "male", "Male", 1],
        ["gender", "not_stated", "Not stated", 2],
    ]
    return [["2026-10", "members", "CoP members", "members", *row, stamp] for row in rows]


def as_text(rows):
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


# --- One month, long form -----------------------------------------------------------------------------------


def test_the_month_csv_is_the_long_form_with_exact_values(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:month_csv", args=[OCT]))
    rows = read_csv(response)

    assert response["Content-Disposition"] == 'attachment; filename="indicators-2026-10.csv"'
    assert rows[0] == LONG_HEADER == ["month", "indicator", "indicator_name", "unit", "dimension", "key", "label",
                                      "value", "computed_at"]  # fmt: skip
    stamp = computed_at()
    body = rows[1:]
    assert len(body) == IndicatorValue.objects.filter(snapshot__month=OCT).count()
    assert {row[0] for row in body} == {"2026-10"} and {row[8] for row in body} == {stamp}
    assert body[:9] == as_text(members_block(stamp))
    by_code = {}
    for row in body:
        by_code.setdefault(row[1], []).append(row[4:8])
    # Integers are written as integers; a share keeps its decimal; no figure is an empty cell.
    assert by_code["retention_rate"] == [["total", "total", "Total", "66.7"]]
    assert by_code["satisfaction_mean"] == [["total", "total", "Total", ""]]
    assert by_code["members_left"] == [
        ["total", "total", "Total", "1"], ["country", "KH", "Cambodia", "1"], ["gender", "male", "Male", "1"]
    ]  # fmt: skip
    assert by_code["offline_participants"] == [
        ["total", "total", "Total", "55"], ["country", "MM", "Myanmar", "40"],
        ["country", "not_stated", "Not stated", "15"],
    ]  # fmt: skip
    assert by_code["events_held"] == [["total", "total", "Total", "1"]]
    # Indicators come in the registry's order, each starting with its total.
    assert list(by_code) == [indicator.code for indicator in INDICATORS]
    assert all(rows[0][:3] == ["total", "total", "Total"] for rows in by_code.values())
    units = {row[1]: row[3] for row in body}
    assert units["retention_rate"] == "%" and units["offline_participants"] == "people"


def test_the_month_xlsx_has_the_same_rows_with_numbers_as_numbers(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:month_xlsx", args=[OCT]))
    sheet, rows = read_xlsx(response)

    assert response["Content-Disposition"] == 'attachment; filename="indicators-2026-10.xlsx"'
    assert sheet.title == "2026-10"
    assert rows[0] == LONG_HEADER
    assert rows[1:10] == members_block(computed_at())
    assert all(type(row[7]) is int for row in rows[1:10])  # 4, not 4.0
    values = {(row[1], row[4], row[5]): row[7] for row in rows[1:]}
    assert values[("retention_rate", "total", "total")] == pytest.approx(66.7)
    assert values[("satisfaction_mean", "total", "total")] is None
    assert values[("offline_participants", "country", "not_stated")] == 15
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example")', "+1+1", "-1+1", "@SUM(A1)"])
def test_a_label_that_a_spreadsheet_would_run_as_a_formula_is_escaped(viewer_client, db, name):
    community = Community.objects.create(name=name, slug="c")
    member_in(community, MemberFactory(), at(2))
    freeze_month(OCT)

    csv_rows = read_csv(viewer_client.get(reverse("indicators:month_csv", args=[OCT])))
    sheet, xlsx_rows = read_xlsx(viewer_client.get(reverse("indicators:month_xlsx", args=[OCT])))

    expected = ["members", "community", "c", "'" + name, "1"]
    assert [[r[1], r[4], r[5], r[6], r[7]] for r in csv_rows if r[4] == "community"][0] == expected
    labels = [r[6] for r in xlsx_rows if r[4] == "community"]
    assert labels[0] == "'" + name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Twelve months, wide ------------------------------------------------------------------------------------


def test_the_trend_csv_has_one_column_per_month_blank_where_not_frozen(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:trend_csv") + "?month=2026-10")
    rows = read_csv(response)

    assert response["Content-Disposition"] == 'attachment; filename="indicators-12-months-to-2026-10.csv"'
    assert rows[0] == ["indicator", "indicator_name", "unit", "dimension", "key", "label", *WINDOW]
    blank = [""] * 10  # November 2025 to August 2026 were never frozen
    by_row = {(r[0], r[3], r[4]): r for r in rows[1:]}
    assert by_row[("members", "total", "total")] == ["members", "CoP members", "members", "total", "total", "Total",
                                                     *blank, "3", "4"]  # fmt: skip
    assert by_row[("members", "community", "b")][5:] == ["'=SUM(1+1)", *blank, "1", "2"]
    assert by_row[("retention_rate", "total", "total")][6:] == [*blank, "100", "66.7"]
    assert by_row[("satisfaction_mean", "total", "total")][6:] == [""] * 12
    assert by_row[("offline_participants", "country", "not_stated")][6:] == [*blank, "", "15"]
    assert rows[1][0] == "members"  # registry order, the total first
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), key=[i.code for i in INDICATORS].index)


def test_the_trend_xlsx_has_numbers_and_empty_cells(viewer_client, frozen):
    response = viewer_client.get(reverse("indicators:trend_xlsx") + "?month=2026-10")
    sheet, rows = read_xlsx(response)

    assert response["Content-Disposition"] == 'attachment; filename="indicators-12-months-to-2026-10.xlsx"'
    assert sheet.title == "12 months"
    assert rows[0] == ["indicator", "indicator_name", "unit", "dimension", "key", "label", *WINDOW]
    by_row = {(r[0], r[3], r[4]): r for r in rows[1:]}
    assert by_row[("members", "total", "total")][6:] == [None] * 10 + [3, 4]
    assert type(by_row[("members", "total", "total")][-1]) is int
    assert by_row[("retention_rate", "total", "total")][-2:] == [100, pytest.approx(66.7)]


def test_the_trend_export_ends_at_the_latest_frozen_month_unless_asked(viewer_client, frozen):
    latest = read_csv(viewer_client.get(reverse("indicators:trend_csv")))
    september = read_csv(viewer_client.get(reverse("indicators:trend_csv") + "?month=2026-09"))

    assert latest[0][-1] == "2026-10"
    assert september[0][6:] == ["2025-10", *WINDOW[:-1]]
    members = next(r for r in september if r[:5] == ["members", "CoP members", "members", "total", "total"])
    assert members[-1] == "3"


def test_there_is_no_trend_export_before_a_month_is_frozen(viewer_client, db):
    assert viewer_client.get(reverse("indicators:trend_csv")).status_code == 404
    assert viewer_client.get(reverse("indicators:trend_xlsx")).status_code == 404


def test_a_frozen_month_without_anyone_in_a_group_shows_zero_not_blank(viewer_client, frozen):
    rows = read_csv(viewer_client.get(reverse("indicators:trend_csv") + "?month=2026-10"))
    by_row = {(r[0], r[3], r[4]): r for r in rows[1:]}

    # Cambodia's only member left in October; Kazakhstan's joined in October. Both months are frozen.
    assert by_row[("members", "country", "KH")][-2:] == ["1", "0"]
    assert by_row[("members", "country", "KZ")][-2:] == ["0", "1"]
