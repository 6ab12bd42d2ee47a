"""Reads for member pages: querysets that already carry what their templates need."""

from django.db.models import Prefetch, QuerySet

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


def member_profile_queryset() -> QuerySet[User]:
    return (
        members_listed()
        .select_related("local_community", "expert_profile")
        .prefetch_related(Prefetch("languages", queryset=Language.objects.order_by("name")), "interests")
    )
