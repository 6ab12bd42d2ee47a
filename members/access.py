"""Every permission decision about member profiles goes through here."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from . import roles
from .models import User
from .selectors import member_profile_queryset


def get_member_for_viewer(viewer, pk: int) -> User:
    """The profile `viewer` may open, or 404 (an unknown id and a hidden one look the same)."""
    if not viewer.is_authenticated:
        raise Http404
    try:
        return member_profile_queryset().get(pk=pk)
    except User.DoesNotExist:
        if viewer.pk == pk:  # a member may always see their own, even before onboarding
            return member_profile_queryset().model.objects.get(pk=pk)
        raise Http404 from None


def can_see_email(viewer, member: User) -> bool:
    """Experts' contact details are for coordinators only (the expert directory links to their profile)."""
    if viewer.pk == member.pk or roles.is_coordinator(viewer):
        return True
    return not member.hide_email and not _is_expert(member)


def _is_expert(member: User) -> bool:
    try:
        return member.expert_profile is not None
    except ObjectDoesNotExist:
        return False
