"""Every permission decision about member profiles goes through here."""

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
    return viewer.pk == member.pk or not member.hide_email or roles.is_coordinator(viewer)
