"""Reads for expert pages, referral suggestions, the coverage grid and the indicators."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from communities.models import Community, Thread
from cop_platform.tagging import tag_list
from members.models import Language

from .filters import ExpertDirectoryFilter
from .models import Expert, ExpertCluster, Rating, Referral


def expert_directory(*, params, include_unlisted: bool = False) -> ExpertDirectoryFilter:
    experts = Expert.objects.all() if include_unlisted else Expert.objects.filter(status__in=Expert.LISTED_STATUSES)
    # Lists rather than managers (cluster_list, expertise_list): Django gives each row of a page its own copy
    # of a prefetch's queryset otherwise.
    experts = experts.prefetch_related(
        Prefetch("clusters", queryset=ExpertCluster.objects.order_by("theme"), to_attr="cluster_list"),
        tag_list("expertise"),
    ).order_by("name", "pk")
    return ExpertDirectoryFilter(params, queryset=experts, clusters=cluster_choices())


def cluster_choices() -> list[tuple[str, str]]:
    """Every thematic cluster as (slug, theme), by theme, for the directory's cluster filter."""
    return list(ExpertCluster.objects.order_by("theme").values_list("slug", "theme"))


def expert_profile_queryset() -> QuerySet[Expert]:
    return Expert.objects.select_related("member").prefetch_related(
        Prefetch("clusters", queryset=ExpertCluster.objects.order_by("theme")),
        Prefetch("languages", queryset=Language.objects.order_by("name")),
        "expertise",
    )


# --- Suggestions -------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    expert: Expert
    score: int
    reasons: list[str] = field(default_factory=list)
    open_referrals: int = 0

    @property
    def at_capacity(self) -> bool:
        return self.open_referrals >= self.expert.capacity_per_month


def suggest_experts(*, thread: Thread, community: Community, limit: int = 20) -> list[Suggestion]:
    """Rank engaged and active experts for a thread: clusters linked to the community and sharing its themes,
    expertise matching its themes or words of the title, shared countries; active before engaged; experts at
    capacity this month last. Experts already flagged into the thread are left out."""
    themes = {name.lower() for name in community.themes.names()}
    title_words = {word.strip(".,?!:;()").lower() for word in thread.title.split() if len(word) > 3}
    countries = {country.code for country in community.countries}
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    already = set(Referral.objects.filter(thread=thread).values_list("expert_id", flat=True))
    experts = (
        Expert.objects.filter(status__in=Expert.LISTED_STATUSES)
        .exclude(member__is_active=False)  # an account closed: not asked (nor reminded, experts.services)
        .exclude(pk__in=already)
        .annotate(month_referrals=Count("referrals", filter=Q(referrals__created_at__gte=month_start), distinct=True))
        .prefetch_related(
            Prefetch("clusters", queryset=ExpertCluster.objects.prefetch_related("keywords", "communities")),
            "expertise",
        )
    )
    ranked = []
    for expert in experts:
        suggestion = Suggestion(expert=expert, score=0, open_referrals=expert.month_referrals)
        for cluster in expert.clusters.all():
            if community in cluster.communities.all():
                suggestion.score += 5
                suggestion.reasons.append(_("cluster “%(cluster)s” serves this community") % {"cluster": cluster.theme})
            shared = themes & {k.name.lower() for k in cluster.keywords.all()}
            if shared:
                suggestion.score += 3 * len(shared)
                suggestion.reasons.append(
                    _("cluster “%(cluster)s”: %(themes)s")
                    % {"cluster": cluster.theme, "themes": ", ".join(sorted(shared))}
                )
        expertise = {tag.name.lower() for tag in expert.expertise.all()}
        shared = expertise & themes
        matched_words = {word for word in title_words if any(word in tag for tag in expertise)}
        if shared or matched_words:
            suggestion.score += 2 * len(shared) + len(matched_words)
            suggestion.reasons.append(
                _("expertise: %(topics)s") % {"topics": ", ".join(sorted(shared | matched_words))}
            )
        shared_countries = countries & {country.code for country in expert.countries}
        if shared_countries:
            suggestion.score += 1
            names = ", ".join(sorted(str(all_countries.name(code)) for code in shared_countries))
            suggestion.reasons.append(_("works in %(countries)s") % {"countries": names})
        ranked.append(suggestion)
    # Capacity first, then how well they match; between equal matches, active experts before engaged ones.
    ranked.sort(key=lambda s: (s.at_capacity, -s.score, s.expert.status != Expert.Status.ACTIVE, s.expert.name))
    return ranked[:limit]


# --- Thread badges -----------------------------------------------------------------------------------------


def expert_member_ids_in(thread: Thread) -> set[int]:
    """Members whose replies in `thread` are expert answers (they were flagged into it)."""
    return set(
        Referral.objects.filter(thread=thread, expert__member__isnull=False).values_list("expert__member_id", flat=True)
    )


def referrals_for_thread(thread: Thread) -> QuerySet[Referral]:
    return Referral.objects.filter(thread=thread).select_related("expert").prefetch_related("ratings")


# --- Coverage ----------------------------------------------------------------------------------------------


@dataclass
class CoverageGrid:
    clusters: list[ExpertCluster]
    countries: list[tuple[str, str]]
    cells: dict[tuple[int, str], int]  # (cluster id, country code) -> active experts

    def rows(self):
        for cluster in self.clusters:
            counts = [self.cells.get((cluster.pk, code), 0) for code, _name in self.countries]
            yield cluster, counts, sum(counts)

    def column_totals(self) -> list[int]:
        return [sum(self.cells.get((c.pk, code), 0) for c in self.clusters) for code, _name in self.countries]


def coverage_grid() -> CoverageGrid:
    """Active experts per cluster and country. Countries: the region's (ASEAN, Central Asia) plus any other
    country an active expert covers. A zero is a gap to fill."""
    clusters = list(ExpertCluster.objects.order_by("theme"))
    cells: dict[tuple[int, str], int] = {}
    seen_countries = set()
    experts = Expert.objects.filter(status=Expert.Status.ACTIVE).prefetch_related("clusters")
    for expert in experts:
        codes = {country.code for country in expert.countries}
        seen_countries |= codes
        for cluster in expert.clusters.all():
            for code in codes:
                cells[(cluster.pk, code)] = cells.get((cluster.pk, code), 0) + 1
    region = list(settings.COUNTRIES_FIRST)
    codes = region + sorted(seen_countries - set(region))
    return CoverageGrid(clusters=clusters, countries=[(code, all_countries.name(code)) for code in codes], cells=cells)


def overdue_referrals() -> QuerySet[Referral]:
    return (
        Referral.objects.filter(status=Referral.Status.OPEN, due_at__lt=timezone.now())
        .select_related("expert", "thread", "community")
        .order_by("due_at")
    )


# --- Indicators --------------------------------------------------------------------------------------------


def active_experts_between(start: datetime, end: datetime) -> QuerySet[Expert]:
    """Experts active in [start, end): they replied, as the flagged expert, in a thread they were referred to.
    (Attending an event will count too once events land.)"""
    return Expert.objects.filter(
        Q(member__posts__created_at__gte=start)
        # Only replies written after the referral: a later referral never changes past months' figures.
        & Q(member__posts__created_at__gte=F("member__posts__thread__referrals__created_at")),
        member__posts__created_at__lt=end,
        member__posts__thread__referrals__expert=F("pk"),
    ).distinct()


def rating_summary_between(start: datetime, end: datetime) -> dict:
    ratings = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    summary = ratings.aggregate(mean=Avg("score"), count=Count("pk"))
    distribution = dict(ratings.values_list("score").annotate(n=Count("pk")).order_by())
    summary["distribution"] = {score: distribution.get(score, 0) for score in range(1, 6)}
    return summary


def median_hours_to_first_answer(start: datetime, end: datetime) -> float | None:
    """Median time from referral to the expert's first answer, for referrals answered in [start, end)."""
    pairs = Referral.objects.filter(first_answer_at__gte=start, first_answer_at__lt=end).values_list(
        "created_at", "first_answer_at"
    )
    hours = [(answered - created).total_seconds() / 3600 for created, answered in pairs]
    return statistics.median(hours) if hours else None


def active_expert_breakdown(start: datetime, end: datetime) -> dict:
    """Active experts in [start, end) by gender and by country, each with a "not stated" bucket. An expert
    working in two countries counts once in each country (so countries can add up to more than the total)."""
    experts = list(active_experts_between(start, end))
    by_gender: dict[str, int] = {}
    by_country: dict[str, int] = {}
    for expert in experts:
        gender = expert.gender or "not_stated"
        by_gender[gender] = by_gender.get(gender, 0) + 1
        codes = [country.code for country in expert.countries] or ["not_stated"]
        for code in codes:
            by_country[code] = by_country.get(code, 0) + 1
    return {"total": len(experts), "by_gender": by_gender, "by_country": by_country}
