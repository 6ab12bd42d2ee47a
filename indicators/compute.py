"""Computing a month's indicators with grouped SQL: one query per indicator and dimension, never a count per
cell. Every disaggregation has a "not stated" bucket, so its parts add up to the total."""

import calendar
import statistics
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Avg, Count, Min, Q
from django.utils import timezone

from communities.models import LocalActionTeam, Membership, Post, Thread
from digests.models import DigestDelivery
from events.selectors import event_figures_between
from experts.models import Rating, Referral
from experts.selectors import active_expert_breakdown
from knowledge.models import KnowledgeProduct
from members.models import Activity, LocalCommunity

from .models import IndicatorValue, MonthlySnapshot
from .registry import NOT_STATED

MEMBER_DIMENSIONS = {"country": "member__country", "gender": "member__gender"}


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


def _members(start, end) -> dict:
    current = memberships_at(end)
    figures = {"total": {"total": current.values("member").distinct().count()}}
    for dimension, field in MEMBER_DIMENSIONS.items():
        figures[dimension] = _grouped(current, field)
    figures["community"] = _grouped(current, "community__slug")
    return figures


def _members_new(start, end) -> dict:
    firsts = Membership.objects.filter(joined_at__isnull=False).values("member").annotate(first=Min("joined_at"))
    new = firsts.filter(first__gte=start, first__lt=end).values("member")
    from members.models import User

    members = User.objects.filter(pk__in=new)
    return {
        "total": {"total": members.count()},
        "country": _grouped(members, "country", "pk"),
        "gender": _grouped(members, "gender", "pk"),
    }


def _members_left(start, end) -> dict:
    ended = Membership.objects.filter(left_at__gte=start, left_at__lt=end, joined_at__isnull=False).values("member")
    still = memberships_at(end).values("member")
    from members.models import User

    members = User.objects.filter(pk__in=ended).exclude(pk__in=still)
    return {
        "total": {"total": members.count()},
        "country": _grouped(members, "country", "pk"),
        "gender": _grouped(members, "gender", "pk"),
    }


def _retention(start, end) -> dict:
    at_start = memberships_at(start).values("member").distinct()
    base = at_start.count()
    kept = memberships_at(end).filter(member__in=at_start).values("member").distinct().count()
    return {"total": {"total": round(100 * kept / base, 1) if base else None}}


def _active_members(start, end) -> dict:
    activity = Activity.objects.filter(occurred_at__gte=start, occurred_at__lt=end, member__isnull=False)
    figures = {"total": {"total": activity.values("member").distinct().count()}}
    for dimension, field in MEMBER_DIMENSIONS.items():
        figures[dimension] = _grouped(activity, field)
    # By community: members active in it (a member can count in several); "not stated": active members with
    # no activity tied to any community.
    in_communities = activity.filter(community__isnull=False)
    figures["community"] = _grouped(in_communities, "community__slug")
    unattributed = figures["total"]["total"] - in_communities.values("member").distinct().count()
    if unattributed:
        figures["community"][NOT_STATED] = unattributed
    return figures


def _local_communities(start, end) -> dict:
    rows = LocalCommunity.objects.values("country").annotate(n=Count("pk")).order_by()
    by_country = {_key(r["country"]): r["n"] for r in rows}
    return {"total": {"total": sum(by_country.values())}, "country": by_country}


def _population(start, end) -> dict:
    from django.db.models import Sum

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


COMPUTE = {
    "members": _members,
    "members_new": _members_new,
    "members_left": _members_left,
    "retention_rate": _retention,
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
}


def compute_values(month: date) -> dict[str, dict]:
    start, end = month_bounds(month)
    return {code: compute(start, end) for code, compute in COMPUTE.items()}


@transaction.atomic
def freeze_month(month: date, *, recompute: bool = False) -> tuple[MonthlySnapshot, bool]:
    """Compute and store a month. An existing snapshot is left as it is unless `recompute`.
    Returns the snapshot and whether it was (re)computed now."""
    month = month.replace(day=1)
    snapshot = MonthlySnapshot.objects.select_for_update().filter(month=month).first()
    if snapshot and not recompute:
        return snapshot, False
    values = compute_values(month)
    if snapshot is None:
        snapshot = MonthlySnapshot.objects.create(month=month, computed_at=timezone.now())
    else:
        snapshot.values.all().delete()
        snapshot.computed_at = timezone.now()
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
