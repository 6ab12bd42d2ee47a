"""Computing a month's indicators with grouped SQL: one query per indicator and dimension, never a count per
cell. Every disaggregation has a "not stated" bucket, so its parts add up to the total."""

import calendar
import statistics
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.utils import timezone

from communities.models import Community, LocalActionTeam, Membership, Post, Thread
from digests.models import DigestDelivery
from events.selectors import event_figures_between
from experts.models import Rating, Referral
from experts.selectors import active_expert_breakdown
from knowledge.models import KnowledgeProduct
from members.models import Activity, LocalCommunity, User

from .models import IndicatorValue, ManualFigure, MonthlySnapshot, SurveyAnswer, SurveyQuestion, SurveyResponse
from .registry import INDICATORS, NOT_STATED


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of next month) in UTC."""
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=UTC)
    days = calendar.monthrange(month.year, month.month)[1]
    end = datetime.combine(month.replace(day=days), time.min, tzinfo=UTC) + timedelta(days=1)
    return start, end


def _key(value) -> str:
    return str(value) if value not in (None, "") else NOT_STATED


def _grouped(queryset, field: str, count_field: str = "member", distinct: bool = True) -> dict[str, float]:
    rows = queryset.values(field).annotate(n=Count(count_field, distinct=distinct)).order_by()
    result: dict[str, float] = {}
    for row in rows:
        key = _key(row[field])
        result[key] = result.get(key, 0) + row["n"]
    return result


def memberships_at(moment: datetime):
    return Membership.objects.filter(joined_at__isnull=False, joined_at__lte=moment).filter(
        Q(left_at__isnull=True) | Q(left_at__gt=moment)
    )


# Members per statement of the whole-membership aggregates. At 100k members one statement over everybody took
# 400 ms; in slices of this many member ids each takes under 100 ms (the scale benchmark's goal for any
# statement) and the month's total stays the same: every measure is a sum over members, and a member is in
# exactly one slice.
MEMBER_SLICE = 20_000


def member_slices(per_slice: int | None = None) -> list[tuple[int, int]]:
    """[low, high) member id ranges covering every member, MEMBER_SLICE ids each (one range when few)."""
    per_slice = per_slice or MEMBER_SLICE
    bounds = User.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return [(0, 1)]
    return [(low, low + per_slice) for low in range(bounds["low"], bounds["high"] + 1, per_slice)]


def _per_member_breakdown(per_member_sql: str, params: list, measures: list[str]) -> dict[str, dict[str, tuple]]:
    """Run `measures` (SQL aggregates over the columns of `per_member_sql`, one row per member with a
    `member_id`) for all members, by country and by gender: one query per slice of members (member_slices),
    in which the per-member rows are computed once and grouped three ways (GROUPING SETS on PostgreSQL, a CTE
    read three times on SQLite, the embedded default; the same figures, tests run both).

    Returns {"total": {"total": (m1, m2…)}, "country": {code: (…)}, "gender": {…}}, with "not stated" keys."""
    users = User._meta.db_table
    columns = ", ".join(f"COALESCE({m}, 0)" for m in measures)
    # The slice is written for both sides of the join: PostgreSQL takes it to the grouped rows before they are
    # grouped, but would read every member without the second condition.
    joined = (
        f"FROM ({per_member_sql}) p JOIN {users} u ON u.id = p.member_id "
        "WHERE p.member_id >= %s AND p.member_id < %s AND u.id >= %s AND u.id < %s"
    )
    if connection.vendor == "postgresql":
        # One pass over the joined rows, grouped three ways at once: a fifth faster than the CTE below.
        dimension = "WHEN GROUPING(u.country) = 0 THEN 'country' WHEN GROUPING(u.gender) = 0 THEN 'gender'"
        key = "WHEN GROUPING(u.country) = 0 THEN u.country WHEN GROUPING(u.gender) = 0 THEN u.gender"
        sql = (
            f"SELECT CASE {dimension} ELSE 'total' END, CASE {key} ELSE '' END, {columns} {joined} "
            "GROUP BY GROUPING SETS ((), (u.country), (u.gender))"
        )
    else:
        # SQLite has no GROUPING SETS: members are joined once, in a CTE, which three groupings then read.
        parts = [f"SELECT 'total', '', {columns} FROM f"]
        parts += [f"SELECT '{d}', {d}, {columns} FROM f GROUP BY {d}" for d in ("country", "gender")]
        sql = f"WITH f AS (SELECT p.*, u.country AS country, u.gender AS gender {joined}) " + " UNION ALL ".join(parts)
    result: dict[str, dict[str, tuple]] = {"total": {}, "country": {}, "gender": {}}
    with connection.cursor() as cursor:
        for low, high in member_slices():
            cursor.execute(sql, [*params, low, high, low, high])
            for dimension, key, *values in cursor.fetchall():
                key = "total" if dimension == "total" else _key(key)
                previous = result[dimension].get(key)
                values = tuple(values) if previous is None else tuple(map(sum, zip(previous, values, strict=True)))
                result[dimension][key] = values
    return result


def _moment(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _membership_family(start, end) -> dict[str, dict]:
    """members, members_new, members_left and retention_rate from one pass over the memberships: per member,
    was there an active membership at the start / at the end, when was the first, did one end this month."""
    active_at = "MAX(CASE WHEN joined_at <= %s AND (left_at IS NULL OR left_at > %s) THEN 1 ELSE 0 END)"
    per_member = (
        f"SELECT member_id, {active_at} AS at_start, {active_at} AS at_end, "
        "CASE WHEN MIN(joined_at) >= %s AND MIN(joined_at) < %s THEN 1 ELSE 0 END AS is_new, "
        "MAX(CASE WHEN left_at >= %s AND left_at < %s THEN 1 ELSE 0 END) AS ended "
        f"FROM {Membership._meta.db_table} WHERE joined_at IS NOT NULL GROUP BY member_id"
    )
    s, e = _moment(start), _moment(end)
    rows = _per_member_breakdown(
        per_member,
        [s, s, e, e, s, e, s, e],
        ["SUM(at_end)", "SUM(is_new)", "SUM(CASE WHEN ended = 1 AND at_end = 0 THEN 1 ELSE 0 END)",
         "SUM(at_start)", "SUM(at_start * at_end)"],
    )  # fmt: skip

    def figures(index: int) -> dict:
        return {
            dimension: {key: values[index] for key, values in keys.items() if dimension == "total" or values[index]}
            for dimension, keys in rows.items()
        } | {"total": {"total": rows["total"].get("total", (0,) * 5)[index]}}

    members = figures(0)
    members["community"] = _by_community(memberships_at(end))
    base, kept = rows["total"].get("total", (0,) * 5)[3:5]
    return {
        "members": members,
        "members_new": figures(1),
        "members_left": figures(2),
        "retention_rate": {"total": {"total": round(100 * kept / base, 1) if base else None}},
    }


def _by_community(queryset) -> dict:
    """Distinct members per community of membership/activity rows, keyed by the community's slug. Grouped by
    the id (no join in the big aggregate), one slice of members at a time (a member is counted in one slice
    only, so the slices' counts add up), then one small query for the slugs."""
    counts: dict[str, float] = {}
    for low, high in member_slices(2 * MEMBER_SLICE):  # a plainer statement than the per-member ones
        for key, n in _grouped(queryset.filter(member_id__gte=low, member_id__lt=high), "community_id").items():
            counts[key] = counts.get(key, 0) + n
    slugs = dict(Community.objects.filter(pk__in=[k for k in counts if k != NOT_STATED]).values_list("pk", "slug"))
    return {slugs.get(int(k), k) if k != NOT_STATED else k: v for k, v in counts.items()}


def _active_members(start, end) -> dict:
    """Members with activity in the month, by country and gender (one query), and by community; "not stated"
    for community counts active members none of whose activity was tied to a community."""
    per_member = (
        "SELECT member_id, MAX(CASE WHEN community_id IS NULL THEN 0 ELSE 1 END) AS attributed "
        f"FROM {Activity._meta.db_table} WHERE occurred_at >= %s AND occurred_at < %s AND member_id IS NOT NULL "
        "GROUP BY member_id"
    )
    rows = _per_member_breakdown(per_member, [_moment(start), _moment(end)], ["COUNT(*)", "SUM(attributed)"])
    total, attributed = rows["total"].get("total", (0, 0))
    figures = {
        "total": {"total": total},
        "country": {k: v[0] for k, v in rows["country"].items()},
        "gender": {k: v[0] for k, v in rows["gender"].items()},
    }
    in_communities = Activity.objects.filter(occurred_at__gte=start, occurred_at__lt=end, community__isnull=False)
    figures["community"] = _by_community(in_communities.filter(member__isnull=False))
    if total - attributed:
        figures["community"][NOT_STATED] = total - attributed
    return figures


def _local_communities(start, end) -> dict:
    rows = LocalCommunity.objects.values("country").annotate(n=Count("pk")).order_by()
    by_country = {_key(r["country"]): r["n"] for r in rows}
    return {"total": {"total": sum(by_country.values())}, "country": by_country}


def _population(start, end) -> dict:
    rows = LocalCommunity.objects.values("country").annotate(n=Sum("population_covered")).order_by()
    by_country = {_key(r["country"]): r["n"] or 0 for r in rows}
    return {"total": {"total": sum(by_country.values())}, "country": by_country}


def _local_team_members(start, end) -> dict:
    links = LocalActionTeam.members.through.objects.all()
    return {
        "total": {"total": links.values("user").distinct().count()},
        "location": _grouped(links, "localactionteam__local_community__name", "user"),
        "gender": _grouped(links, "user__gender", "user"),
    }


def _active_experts(start, end) -> dict:
    breakdown = active_expert_breakdown(start, end)
    by_gender = {_key(k if k != "not_stated" else ""): v for k, v in breakdown["by_gender"].items()}
    by_country = {_key(k if k != "not_stated" else ""): v for k, v in breakdown["by_country"].items()}
    return {"total": {"total": breakdown["total"]}, "gender": by_gender, "country": by_country}


def _referrals_answered(start, end) -> dict:
    return {"total": {"total": Referral.objects.filter(first_answer_at__gte=start, first_answer_at__lt=end).count()}}


def _median_hours(start, end) -> dict:
    pairs = Referral.objects.filter(first_answer_at__gte=start, first_answer_at__lt=end).values_list(
        "created_at", "first_answer_at"
    )
    hours = [(answered - created).total_seconds() / 3600 for created, answered in pairs]
    return {"total": {"total": round(statistics.median(hours), 1) if hours else None}}


def _satisfaction(start, end) -> dict:
    mean = Rating.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(m=Avg("score"))["m"]
    return {"total": {"total": round(mean, 2) if mean is not None else None}}


def _ratings(start, end) -> dict:
    ratings = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    by_score = {str(score): 0 for score in range(1, 6)}
    for row in ratings.values("score").annotate(n=Count("pk")).order_by():
        by_score[str(row["score"])] = row["n"]
    return {"total": {"total": sum(by_score.values())}, "score": by_score}


def _events(field: str):
    def compute(start, end) -> dict:
        value = event_figures_between(start, end)[field]
        return {"total": {"total": round(value, 2) if isinstance(value, float) else value}}

    return compute


def _count(queryset_for):
    def compute(start, end) -> dict:
        return {"total": {"total": queryset_for(start, end).count()}}

    return compute


def _survey_rating_mean(start, end) -> dict:
    mean = SurveyAnswer.objects.filter(
        question__kind=SurveyQuestion.Kind.RATING,
        rating__isnull=False,
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
    ).aggregate(m=Avg("rating"))["m"]
    return {"total": {"total": round(mean, 2) if mean is not None else None}}


def _manual(code: str):
    """Figures the coordinator entered for the month, by country ("not stated" when entered without one)."""

    def compute(start, end) -> dict:
        rows = ManualFigure.objects.filter(code=code, month=start.date()).values("country").annotate(n=Sum("value"))
        by_country = {_key(r["country"]): float(r["n"]) for r in rows.order_by()}
        total = sum(by_country.values()) if by_country else None
        return {"total": {"total": total}, "country": by_country}

    return compute


COMPUTE = {
    "active_members": _active_members,
    "local_communities": _local_communities,
    "population_covered": _population,
    "local_team_members": _local_team_members,
    "active_experts": _active_experts,
    "referrals_answered": _referrals_answered,
    "median_hours_to_answer": _median_hours,
    "satisfaction_mean": _satisfaction,
    "ratings": _ratings,
    "events_held": _events("events_held"),
    "event_registrations": _events("registrations"),
    "event_attendance": _events("attendance"),
    "event_feedback_mean": _events("feedback_mean"),
    "discussions_started": _count(lambda s, e: Thread.objects.filter(created_at__gte=s, created_at__lt=e)),
    "replies": _count(lambda s, e: Post.objects.filter(is_opening=False, created_at__gte=s, created_at__lt=e)),
    "knowledge_published": _count(
        lambda s, e: KnowledgeProduct.objects.filter(published_at__gte=s, published_at__lt=e)
    ),
    "downloads": _count(
        lambda s, e: Activity.objects.filter(kind=Activity.Kind.DOWNLOAD, occurred_at__gte=s, occurred_at__lt=e)
    ),
    "digests_sent": _count(
        lambda s, e: DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT, sent_at__gte=s, sent_at__lt=e)
    ),
    "survey_responses": _count(lambda s, e: SurveyResponse.objects.filter(submitted_at__gte=s, submitted_at__lt=e)),
    "survey_rating_mean": _survey_rating_mean,
    "offline_participants": _manual("offline_participants"),
}


# Indicators computed together because they share one pass over the same rows.
FAMILIES = {("members", "members_new", "members_left", "retention_rate"): _membership_family}


def compute_values(month: date) -> dict[str, dict]:
    start, end = month_bounds(month)
    values = {}
    for family in FAMILIES.values():
        values.update(family(start, end))
    values.update({code: compute(start, end) for code, compute in COMPUTE.items()})
    return {indicator.code: values[indicator.code] for indicator in INDICATORS}


def values_in_one_snapshot(month: date) -> dict[str, dict]:
    """compute_values, every statement reading the database as it stood at one moment.

    A month's figures take about sixty statements (a second at 100k members), while members keep joining and
    posting: under PostgreSQL's default isolation each statement would see a later state than the one before,
    and the members by gender could add up to more than the members in total. A REPEATABLE READ transaction
    reads one snapshot throughout; on SQLite any transaction does (and holds off writers meanwhile: the
    embedded default is for small platforms). Called inside a transaction already (tests, a caller's own
    atomic block), it computes in that transaction as it is: the isolation level cannot change midway."""
    if connection.in_atomic_block:
        return compute_values(month)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # before the first read
        return compute_values(month)


def freeze_month(month: date, *, recompute: bool = False) -> tuple[MonthlySnapshot, bool]:
    """Compute and store a month. An existing snapshot is left as it is unless `recompute`.
    Returns the snapshot and whether it was (re)computed now."""
    month = month.replace(day=1)
    existing = MonthlySnapshot.objects.filter(month=month).first()
    if existing and not recompute:
        return existing, False
    # Computed first, in a snapshot of its own; stored next, in a short transaction. computed_at is when the
    # figures' snapshot began, so that of two overlapping recomputes the later state is the one kept.
    as_of = timezone.now()
    return _store(month, values_in_one_snapshot(month), as_of=as_of, recompute=recompute)


@transaction.atomic
def _store(month: date, values: dict, *, as_of, recompute: bool) -> tuple[MonthlySnapshot, bool]:
    snapshot = MonthlySnapshot.objects.select_for_update().filter(month=month).first()
    if snapshot and (not recompute or snapshot.computed_at >= as_of):
        # Another process froze the month while this one computed, or recomputed it from a later state.
        return snapshot, False
    if snapshot is None:
        try:
            with transaction.atomic():  # a savepoint: another process may be freezing the same new month
                snapshot = MonthlySnapshot.objects.create(month=month, computed_at=as_of)
        except IntegrityError:
            # It won the race; its figures are as good as ours.
            return MonthlySnapshot.objects.get(month=month), False
    else:
        snapshot.values.all().delete()
        snapshot.computed_at = as_of
        snapshot.save(update_fields=["computed_at"])
    IndicatorValue.objects.bulk_create(
        IndicatorValue(snapshot=snapshot, code=code, dimension=dimension, key=key, value=value)
        for code, dimensions in values.items()
        for dimension, keys in dimensions.items()
        for key, value in keys.items()
    )
    return snapshot, True


def previous_month(today: date | None = None) -> date:
    today = today or timezone.now().date()
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)
