"""Reading frozen snapshots for the dashboard, the exports and the report. Everything here reads
`MonthlySnapshot`/`IndicatorValue` only, never live data: what UNDP sees is what was frozen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django_countries import countries

from communities.models import Community
from cop_platform.release import ROOT, files_version, translation_files
from members.models import User

from .models import IndicatorValue, ManualFigure, MonthlyNarrative, MonthlySnapshot, ProgressReport
from .registry import BY_CODE, DIMENSION_NAMES, HEADLINE, INDICATORS, NOT_STATED, Indicator

TREND_MONTHS = 12


def _drawing_version() -> str:
    """Changes with any file that draws the dashboard's cached figures (a new release may draw them otherwise):
    the template, the charts, the indicator names and the compiled translations."""
    files = [
        ROOT / "templates" / "indicators" / "dashboard.html",
        ROOT / "templates" / "indicators" / "_trend_table.html",
        *(ROOT / "indicators").glob("*.py"),
        *(ROOT / "indicators" / "templatetags").glob("*.py"),
        *translation_files(),
    ]
    return files_version(files)


DRAWING_VERSION = _drawing_version()


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def frozen_months() -> list[date]:
    """Every frozen month, newest first."""
    return list(MonthlySnapshot.objects.order_by("-month").values_list("month", flat=True))


def latest_month() -> date | None:
    return MonthlySnapshot.objects.order_by("-month").values_list("month", flat=True).first()


def key_labeller(dimension: str, keys=()) -> callable:
    """A function turning a stored key into words: country codes into names, community slugs into names."""
    gender = dict(User._meta.get_field("gender").choices)
    names: dict[str, str] = {}
    if dimension == "community":
        names = dict(
            Community.objects.filter(slug__in=[k for k in keys if k != NOT_STATED]).values_list("slug", "name")
        )

    def label(key: str) -> str:
        if key == NOT_STATED:
            return gettext("Not stated")
        if key == "total":
            return gettext("Total")
        if dimension == "country":
            return countries.name(key) or key
        if dimension == "gender":
            return str(gender.get(key, key))
        return names.get(key, key)

    return label


@dataclass
class Breakdown:
    dimension: str
    name: str
    rows: list[tuple[str, str, float | None]]  # (key, label, value), largest first, "not stated" last
    total: float | None

    # Members can be in several communities (or local teams): those rows count them in each.
    OVERLAPPING = ("community", "location")

    @property
    def adds_up(self) -> bool:
        return self.dimension not in self.OVERLAPPING

    @property
    def max_value(self) -> float:
        return max((v or 0 for _k, _l, v in self.rows), default=0)

    COMPACT_LIMIT = 10

    @property
    def compact_rows(self) -> list[tuple[str, str, float | None]]:
        """For the printed report: the largest groups, the rest summed as "Other (N)", then "Not stated" —
        so a breakdown over 50 communities stays one short table that still adds up."""
        named = [row for row in self.rows if row[0] != NOT_STATED]
        stated = [row for row in self.rows if row[0] == NOT_STATED]
        if len(named) <= self.COMPACT_LIMIT or self.dimension == "score":
            return self.rows
        keep, rest = named[: self.COMPACT_LIMIT - 1], named[self.COMPACT_LIMIT - 1 :]
        other = sum(v or 0 for _k, _l, v in rest)
        label = gettext("Other (%(count)d)") % {"count": len(rest)}
        return [*keep, ("other", label, other), *stated]

    def unnamed(self, keys: set[str], *, former: set[str] = frozenset()) -> Breakdown:
        """This breakdown with the rows of `keys` and `former` summed into one row that names none of them
        ("3 private communities"), for what leaves the platform (the PDF report). `former`: keys of communities
        gone since the month was frozen (or renamed: a snapshot keeps the slug), which could have been private.
        Summed as "Other" is: a member of two counts twice."""
        hidden = [row for row in self.rows if row[0] in keys or row[0] in former]
        if not hidden:
            return self
        count = len(hidden)
        if any(row[0] in former for row in hidden):
            label = ngettext("%(count)d private or former community", "%(count)d private or former communities", count)
        else:
            label = ngettext("%(count)d private community", "%(count)d private communities", count)
        grouped = ("private", label % {"count": count}, sum(v or 0 for _k, _l, v in hidden))
        shown = [row for row in self.rows if row not in hidden and row[0] != NOT_STATED]
        rows = sorted([*shown, grouped], key=lambda row: -(row[2] or 0))
        return Breakdown(
            dimension=self.dimension,
            name=self.name,
            rows=rows + [row for row in self.rows if row[0] == NOT_STATED],
            total=self.total,
        )


@dataclass
class IndicatorFigures:
    indicator: Indicator
    value: float | None
    previous: float | None
    trend: list[tuple[date, float | None]]
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)


@dataclass
class MonthFigures:
    month: date
    snapshot: MonthlySnapshot
    months: list[date]  # the trend window, oldest first, ending with `month`
    # Reads the figures, the first time they are asked for: the dashboard, whose figures and charts are cached
    # on `version`, asks only when they are not (one query and about 2 ms of Python less a visit).
    load: Callable[[], dict[str, IndicatorFigures]] = field(repr=False, compare=False)
    # Changes whenever a month of the window is computed again or a new release draws the figures otherwise:
    # the dashboard's rendered charts are cached on it.
    version: str = ""

    @cached_property
    def figures(self) -> dict[str, IndicatorFigures]:
        return self.load()

    def __getitem__(self, code: str) -> IndicatorFigures:
        # Templates look `figures.month` up as figures["month"] first: no indicator has such a code, and asking
        # would read the figures.
        if code not in BY_CODE:
            raise KeyError(code)
        return self.figures[code]

    @property
    def headline(self) -> list[IndicatorFigures]:
        return [self.figures[code] for code in HEADLINE]

    def sections(self):
        from .registry import by_section

        return [(key, title, [self.figures[i.code] for i in indicators]) for key, title, indicators in by_section()]


def month_figures(month: date, *, breakdowns: bool | str = True, window: int = TREND_MONTHS) -> MonthFigures | None:
    """A frozen month with each indicator's value, the previous month's value and the trend over `window`
    months. `breakdowns`: True for every indicator's disaggregations, a code for one, False for none.
    Two queries (snapshots; values, when the figures are first asked for: MonthFigures.load) plus, then too,
    one for community names when breakdowns include communities."""
    month = month.replace(day=1)
    first = add_months(month, -(window - 1))
    snapshots = {s.month: s for s in MonthlySnapshot.objects.filter(month__gte=first, month__lte=month)}
    if month not in snapshots:
        return None
    months = [add_months(first, n) for n in range(window)]
    current = snapshots[month]

    def load() -> dict[str, IndicatorFigures]:
        wanted = Q(snapshot__in=list(snapshots.values()), dimension="total")
        if breakdowns:
            detail = Q(snapshot=current) & ~Q(dimension="total")
            if isinstance(breakdowns, str):
                detail &= Q(code=breakdowns)
            wanted |= detail
        totals: dict[tuple[str, date], float | None] = {}
        details: dict[str, dict[str, dict[str, float | None]]] = {}
        rows = (
            IndicatorValue.objects.filter(wanted)
            .values_list("snapshot__month", "code", "dimension", "key", "value")
            .order_by()
        )
        for snapshot_month, code, dimension, key, value in rows:
            if dimension == "total":
                totals[(code, snapshot_month)] = value
            else:
                details.setdefault(code, {}).setdefault(dimension, {})[key] = value

        community_keys = {k for dims in details.values() for k in dims.get("community", {})}
        labellers = {d: key_labeller(d, community_keys if d == "community" else ()) for d in DIMENSION_NAMES}
        previous_month = add_months(month, -1)
        figures = {}
        for indicator in INDICATORS:
            item = IndicatorFigures(
                indicator=indicator,
                value=totals.get((indicator.code, month)),
                previous=totals.get((indicator.code, previous_month)),
                trend=[(m, totals.get((indicator.code, m))) for m in months],
            )
            for dimension in indicator.dimensions:
                values = details.get(indicator.code, {}).get(dimension)
                if values is None:
                    continue
                label = labellers[dimension]
                ordered = sorted(values.items(), key=lambda kv: (kv[0] == NOT_STATED, -(kv[1] or 0), label(kv[0])))
                if dimension == "score":
                    ordered = sorted(values.items(), key=lambda kv: kv[0])
                item.breakdowns.append(
                    Breakdown(
                        dimension=dimension,
                        name=DIMENSION_NAMES.get(dimension, dimension),
                        rows=[(k, label(k), v) for k, v in ordered],
                        total=item.value,
                    )
                )
            figures[indicator.code] = item
        return figures

    computed = ",".join(f"{m:%Y-%m}@{s.computed_at.timestamp():.6f}" for m, s in sorted(snapshots.items()))
    version = f"{DRAWING_VERSION}/{computed}"
    return MonthFigures(month=month, snapshot=current, months=months, load=load, version=version)


def indicator_or_none(code: str) -> Indicator | None:
    return BY_CODE.get(code)


def narrative_for(month: date) -> MonthlyNarrative | None:
    return MonthlyNarrative.objects.filter(month=month.replace(day=1)).first()


def manual_figures_for(month: date):
    return ManualFigure.objects.filter(month=month.replace(day=1)).order_by("code", "country")


def report_for(month: date, language: str) -> ProgressReport | None:
    """The month's report in `language` (each language's is rendered and stored on its own)."""
    return ProgressReport.objects.filter(month=month.replace(day=1), language=language).first()


def reports_by_month(months: list[date], language: str) -> dict[date, ProgressReport]:
    return {r.month: r for r in ProgressReport.objects.filter(month__in=months, language=language)}
