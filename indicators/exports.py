"""CSV and XLSX exports of frozen months: long form (one row per indicator, dimension and key — what Power BI
and pivot tables want) and a wide 12-month table (one row per figure, one column per month)."""

import csv
import io
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook

from .models import IndicatorValue, MonthlySnapshot
from .registry import BY_CODE
from .selectors import add_months, key_labeller

LONG_HEADER = ["month", "indicator", "indicator_name", "unit", "dimension", "key", "label", "value", "computed_at"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    # Labels come from coordinators (community names…): never let a spreadsheet read one as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # counts are stored as floats; 98, not 98.0
    return value


def _labellers(values) -> dict:
    keys_by_dimension: dict[str, set] = {}
    for value in values:
        keys_by_dimension.setdefault(value.dimension, set()).add(value.key)
    return {dimension: key_labeller(dimension, keys) for dimension, keys in keys_by_dimension.items()}


def long_rows(snapshot: MonthlySnapshot) -> list[list]:
    values = list(IndicatorValue.objects.filter(snapshot=snapshot).order_by("code", "dimension", "key"))
    labellers = _labellers(values)
    order = {code: index for index, code in enumerate(BY_CODE)}
    values.sort(key=lambda v: (order.get(v.code, 999), v.dimension != "total", v.dimension, v.key))
    rows = []
    for value in values:
        indicator = BY_CODE.get(value.code)
        rows.append([
            f"{snapshot.month:%Y-%m}", value.code, str(indicator.name) if indicator else value.code,
            indicator.unit if indicator else "", value.dimension, value.key, labellers[value.dimension](value.key),
            value.value, snapshot.computed_at.isoformat(timespec="seconds"),
        ])  # fmt: skip
    return rows


def wide_table(last_month: date, months: int = 12) -> tuple[list, list[list]]:
    """Header and rows: indicator, dimension, key, label, then one column per month (empty where not frozen)."""
    window = [add_months(last_month, -n) for n in range(months - 1, -1, -1)]
    snapshots = {s.pk: s.month for s in MonthlySnapshot.objects.filter(month__in=window)}
    values = list(IndicatorValue.objects.filter(snapshot_id__in=snapshots))
    labellers = _labellers(values)
    table: dict[tuple, dict[date, float | None]] = {}
    for value in values:
        table.setdefault((value.code, value.dimension, value.key), {})[snapshots[value.snapshot_id]] = value.value
    order = {code: index for index, code in enumerate(BY_CODE)}
    header = ["indicator", "indicator_name", "unit", "dimension", "key", "label", *[f"{m:%Y-%m}" for m in window]]
    rows = []
    for code, dimension, key in sorted(table, key=lambda t: (order.get(t[0], 999), t[1] != "total", t[1], t[2])):
        indicator = BY_CODE.get(code)
        by_month = table[(code, dimension, key)]
        rows.append([
            code, str(indicator.name) if indicator else code, indicator.unit if indicator else "", dimension, key,
            labellers[dimension](key),
            # A month with a total but nobody in a group has no row for it: that is 0, not "no figure".
            *[by_month.get(m, 0 if table.get((code, "total", "total"), {}).get(m) is not None else None)
              for m in window],
        ])  # fmt: skip
    return header, rows


def csv_response(filename: str, header: list, rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a byte-order mark
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _cell(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheet_title: str, header: list, rows: list[list]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
