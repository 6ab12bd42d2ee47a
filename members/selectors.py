"""Reads for member pages: querysets that already carry what their templates need."""

from django.db.models import F, Prefetch, QuerySet

from .filters import MemberDirectoryFilter
from .models import Language, User


def members_listed() -> QuerySet[User]:
    """Members who appear in the directory: active, onboarded accounts."""
    return User.objects.filter(is_active=True, profile_completed_at__isnull=False)


def language_choices() -> list[tuple[str, str]]:
    """Every language as (code, name), by name, for cop_platform.forms.pair_choice_filter."""
    return list(Language.objects.order_by("name").values_list("code", "name"))


def member_directory(*, params) -> MemberDirectoryFilter:
    queryset = members_listed().select_related("local_community").order_by("full_name", "pk")
    return MemberDirectoryFilter(params, queryset=queryset)


def sorted_after_matching(members: QuerySet[User]) -> QuerySet[User]:
    """The directory's order (name, then id), for a few matches: sorted once they are found rather than read off
    the name index. NULLS FIRST, which names are never (the column is NOT NULL), is an order that index cannot
    give, so PostgreSQL finds the matches first (through the trigram indexes, migration 0009), then sorts them."""
    return members.order_by(F("full_name").asc(nulls_first=True), "pk")


def member_profile_queryset() -> QuerySet[User]:
    return (
        members_listed()
        .select_related("local_community", "expert_profile")
        .prefetch_related(Prefetch("languages", queryset=Language.objects.order_by("name")), "interests")
    )
