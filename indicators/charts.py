"""Server-rendered SVG charts: the dashboard and the PDF report embed the same markup. No JavaScript, no
fonts to fetch; every chart carries a text alternative and sits next to a table with the same figures.

Presentation attributes (not CSS classes) so WeasyPrint's SVG renderer draws them the same as a browser."""

from datetime import date
from math import ceil

from django.utils import dateformat
from django.utils.formats import get_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from indicators.registry import FRACTIONAL_UNITS

ACCENT = "#0468b1"  # UNDP blue, as in site.css
GRID = "#d0d5dd"
TEXT = "#344054"
MUTED = "#667085"


def format_value(value, unit: str = "") -> str:
    """12,345 / 12.5 / 87.3% / — for no figure, with the active language's separators (12 345,5 in Russian)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        text = number_format(int(value), force_grouping=True)
    else:
        text = number_format(round(float(value), 2), 2, force_grouping=True)
        text = text.rstrip("0").rstrip(get_format("DECIMAL_SEPARATOR"))
    return f"{text}%" if unit == "%" else text


def month_label(month: date, *, year: str = "y") -> str:
    """The month abbreviated in the active language: "Oct 26", or "Oct 2026" with year="Y"."""
    return dateformat.format(month, f"M {year}")


def _nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^n at or above `value`, so gridlines fall on round numbers."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _axis_top(highest: float, unit: str) -> float:
    """The value at the top of the y axis. The axis is ruled at 0, half-way and the top, so for counts the
    top must be even: a small count goes up to the next even number (4 for 3) rather than to 5 or 1."""
    if unit == "%":
        return 100
    top = _nice_max(highest)
    if unit not in FRACTIONAL_UNITS and top % 2:
        return max(2 * ceil(highest / 2), 2)
    return top


def _labelled_months(count: int) -> list[int]:
    """The indexes of the months that get a label: all of a short trend; of a longer one, every second month
    counting back from the last, so the latest month is always named and no two labels sit side by side."""
    if count <= 6:
        return list(range(count))
    return list(range(count - 1, -1, -2))[::-1]


def _label_anchor(index: int, count: int) -> str:
    """Where a month's label hangs from its x: the first and the last would cross the drawing's edges if
    centred under their month (long month names, as in Russian or Burmese), so they grow inwards."""
    if count > 1 and index == count - 1:
        return "end"
    if count > 1 and index == 0:
        return "start"
    return "middle"


def line_chart(points: list[tuple[date, float | None]], *, title: str, unit: str = "") -> SafeString:
    """A 12-month trend: a line through the months that have a figure, a dot on each, the last one labelled."""
    width, height = 640, 220
    left, right, top, bottom = 56, 16, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _m, v in points if v is not None]
    top_value = _axis_top(max(values, default=0), unit)
    step_x = plot_w / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return left + index * step_x, top + plot_h - (value / top_value) * plot_h

    parts = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{MUTED}">'
            f"{escape(format_value(top_value * fraction, unit))}</text>"
        )
    for index in _labelled_months(len(points)):
        x = left + index * step_x
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="{_label_anchor(index, len(points))}" font-size="12" '
            f'fill="{MUTED}">{escape(month_label(points[index][0]))}</text>'
        )
    # Break the line where a month has no figure rather than drawing through it.
    segment: list[str] = []
    segments = []
    for index, (_month, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(index, value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}"/>')
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    last = next(((i, v) for i, (_m, v) in reversed(list(enumerate(points))) if v is not None), None)
    if last:
        x, y = xy(*last)
        parts.append(
            f'<text x="{min(x, width - right - 4):.1f}" y="{max(y - 10, 12):.1f}" text-anchor="end" font-size="13" '
            f'font-weight="bold" fill="{TEXT}">{escape(format_value(last[1], unit))}</text>'
        )
    if not values:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="14" fill="{MUTED}">'
            f"{escape(gettext('No figures yet'))}</text>"
        )
    summary = ", ".join(f"{month_label(m, year='Y')}: {format_value(v, unit)}" for m, v in points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'class="chart" aria-label="{}"><title>{}</title>{}</svg>',
        width, height, width, height, f"{title}. {summary}", title, mark_safe("".join(parts)),
    )  # fmt: skip


def bar_chart(rows: list[tuple[str, float | None]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per group (country, gender…), each labelled with its value."""
    bar, gap, label_w, value_w, width = 18, 8, 170, 70, 640
    height = max(len(rows), 1) * (bar + gap) + gap
    top_value = max((v or 0 for _label, v in rows), default=0) or 1
    plot_w = width - label_w - value_w
    parts = []
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar + gap)
        short = label if len(label) <= 24 else label[:23] + "…"
        length = max((value or 0) / top_value * plot_w, 0 if not value else 2)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar - 4}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" rx="2" fill="{ACCENT}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar - 4}" font-size="12" fill="{TEXT}">'
            f"{escape(format_value(value, unit))}</text>"
        )
    summary = ", ".join(f"{label}: {format_value(value, unit)}" for label, value in rows)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'class="chart" aria-label="{}"><title>{}</title>{}</svg>',
        width, height, width, height, f"{title}. {summary}", title, mark_safe("".join(parts)),
    )  # fmt: skip
