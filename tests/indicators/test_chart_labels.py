"""The trend chart's labels: the months under the axis never run into each other nor off the drawing, and an
axis of counts is ruled at whole numbers only."""

import re
from datetime import date

import pytest
from django.utils import translation

from indicators.charts import line_chart
from indicators.registry import BY_CODE

WIDTH, LEFT, RIGHT = 640, 56, 16  # the trend chart's geometry, as drawn by line_chart
MONTH_ROW_Y = "208"  # the baseline of the month labels: the chart's height less 12
TEXT = re.compile(
    r'<text x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" text-anchor="(?P<anchor>\w+)"[^>]*>(?P<text>[^<]*)</text>'
)


def months(count: int) -> list[date]:
    return [date(2025 + (9 + m) // 12, (9 + m) % 12 + 1, 1) for m in range(count)]


def month_labels(svg: str) -> list[dict]:
    return [match.groupdict() for match in TEXT.finditer(svg) if match["y"] == MONTH_ROW_Y]


def axis_ticks(svg: str) -> list[str]:
    return [match["text"] for match in TEXT.finditer(svg) if float(match["x"]) == LEFT - 8]


def month_index(label: dict, count: int) -> float:
    return (float(label["x"]) - LEFT) / ((WIDTH - LEFT - RIGHT) / (count - 1))


@pytest.mark.parametrize("count", [7, 8, 12, 13])
def test_it_labels_the_last_month_and_never_two_months_side_by_side(count):
    with translation.override("ru"):  # the longest month names of the site's languages: "Сент. 26"
        labels = month_labels(line_chart([(month, 5) for month in months(count)], title="Members"))

    indexes = [round(month_index(label, count)) for label in labels]
    assert indexes[-1] == count - 1
    assert all(later - earlier >= 2 for earlier, later in zip(indexes, indexes[1:], strict=False))


@pytest.mark.parametrize("count", [3, 6, 7, 13])
def test_the_first_and_last_month_labels_grow_inwards_from_the_edges(count):
    labels = month_labels(line_chart([(month, 5) for month in months(count)], title="Members"))

    # A label centred on the first month would start left of the drawing when the month's name is long.
    assert (labels[0]["anchor"], labels[-1]["anchor"]) == ("start", "end")
    assert all(label["anchor"] == "middle" for label in labels[1:-1])


def test_a_short_trend_labels_every_month():
    labels = month_labels(line_chart([(month, 5) for month in months(6)], title="Members"))

    assert [round(month_index(label, 6)) for label in labels] == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("highest", "ticks"), [(None, ["0", "1", "2"]), (1, ["0", "1", "2"]), (3, ["0", "2", "4"]), (5, ["0", "3", "6"])]
)
def test_an_axis_of_counts_is_ruled_at_whole_numbers(highest, ticks):
    active_experts = BY_CODE["active_experts"]
    points = [(month, highest) for month in months(12)]

    svg = line_chart(points, title=str(active_experts.name), unit=active_experts.unit)

    assert sorted(axis_ticks(svg), key=float) == ticks


def test_an_axis_of_a_mean_score_or_hours_keeps_its_half_way_line():
    for code in ("satisfaction_mean", "median_hours_to_answer"):
        indicator = BY_CODE[code]
        svg = line_chart([(month, 1) for month in months(12)], title=str(indicator.name), unit=indicator.unit)

        assert sorted(axis_ticks(svg), key=float) == ["0", "0.5", "1"]
