"""Reads for the schedule and event pages."""

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from communities.access import communities_visible_to
from communities.models import Membership
from communities.selectors import community_choices

from . import access
from .filters import ScheduleFilter
from .models import Event, Feedback, Registration, TopicSuggestion


def schedule(*, user, params) -> ScheduleFilter:
    """Visible events, the member's communities' events first, then by start."""
    # A correlated count rather than a join and GROUP BY over every visible event: PostgreSQL computes it for
    # the page's 20 rows only (after the sort and limit), and the paginator's count leaves it out.
    events = access.events_visible_to(user).annotate(registered_count=_count_of(Registration.Status.REGISTERED))
    if user.is_authenticated:
        mine = Membership.objects.active().filter(member=user).values("community")
        in_mine = Event.communities.through.objects.filter(event_id=OuterRef("pk"), community__in=mine)
        events = events.annotate(
            in_my_communities=Case(When(Exists(in_mine), then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("in_my_communities", "starts_at")
    else:
        events = events.order_by("starts_at")
    # The schedule reads only what its cards show: the database sorts (and counts, in a window) every visible
    # upcoming event before it keeps a page, and each column left out (descriptions, materials, links) is one
    # less to carry for every one of them (246 bytes a row down to 168 in bench/scale.py's 1,450 events).
    events = (
        events.select_related("language")
        .prefetch_related(_visible_communities(user, only=("name", "slug", "visibility")))
        .only("title", "slug", "kind", "status", "starts_at", "capacity", "language__code", "language__name")
    )
    return ScheduleFilter(params, queryset=events, communities=community_choices(user))


def _visible_communities(user, only=()) -> Prefetch:
    """An event's communities as `visible_communities`, a list: one shared with a private community names it
    only to those who may know it exists. A list rather than the `communities` manager: Django gives each
    event of a page its own filtered copy of a prefetch's queryset (here the visibility subqueries), about
    4 ms a schedule page, and a list attribute needs none."""
    visible = communities_visible_to(user).order_by("name")
    if only:
        visible = visible.only(*only)
    return Prefetch("communities", queryset=visible, to_attr="visible_communities")


def _count_of(status: str):
    """The number of an event's registrations in `status`, as a subquery (0 when none)."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(count=Count("*"))  # COUNT(*): read off the (…, status) index alone
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def registrations_by_event(user, events) -> dict[int, Registration]:
    """The viewer's live registrations for `events` (a page of the schedule), by event id, with their status: a
    member's registrations for every past event they attended are not read for each page."""
    if not user.is_authenticated:
        return {}
    live = Registration.objects.filter(member=user, event__in=[event.pk for event in events])
    return {r.event_id: r for r in live.exclude(status=Registration.Status.CANCELLED).only("event_id", "status")}


def event_page(event: Event, *, user) -> Event:
    return (
        Event.objects.select_related("language")
        .prefetch_related(_visible_communities(user), "speaker_members", "speaker_experts", "clusters")
        .annotate(
            registered_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
            waitlist_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        )
        .get(pk=event.pk)
    )


def waitlist_position(registration: Registration) -> int:
    return Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITLISTED, created_at__lte=registration.created_at
    ).count()


def feed_events(member) -> QuerySet[Event]:
    """Events a member registered for (not cancelled registrations), for the personal calendar feed."""
    return (
        access.events_visible_to(member)  # a member removed from a private community stops seeing its events
        .filter(registrations__member=member, registrations__status=Registration.Status.REGISTERED)
        .exclude(status=Event.Status.DRAFT)
        .order_by("starts_at")
        .distinct()
    )


def topics(user) -> QuerySet[TopicSuggestion]:
    """Suggestions the viewer may see (a private community's only to its members), most wanted first."""
    return (
        TopicSuggestion.objects.filter(Q(community__isnull=True) | Q(community__in=communities_visible_to(user)))
        .select_related("community", "proposed_by", "event")
        .order_by("-vote_count", "-created_at")
    )


def my_topic_votes(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    from .models import TopicVote

    return set(TopicVote.objects.filter(member=user).values_list("suggestion_id", flat=True))


def feedback_summary(event: Event) -> dict:
    feedback = Feedback.objects.filter(registration__event=event)
    summary = feedback.aggregate(mean=Avg("satisfaction"), count=Count("pk"))
    return summary


def visible_communities_for_topics(user):
    return communities_visible_to(user).order_by("name")


def event_figures_between(start, end) -> dict:
    """For the monthly indicators: events held (published, started in [start, end)), registrations made in
    the period (a member's to one event counted once: registering again after cancelling makes a new row, and
    a register-cancel loop must not inflate the figure), attendance at those events, and the mean feedback
    score with its count."""
    held = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end)
    attendance = Registration.objects.filter(event__in=held, attended=True).count()
    feedback = Feedback.objects.filter(registration__event__in=held).aggregate(
        mean=Avg("satisfaction"), count=Count("pk")
    )
    return {
        "events_held": held.count(),
        "registrations": Registration.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("member_id", "event_id")
        .distinct()
        .count(),
        "attendance": attendance,
        "feedback_mean": feedback["mean"],
        "feedback_count": feedback["count"],
    }
