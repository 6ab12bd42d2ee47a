"""Every permission decision about experts and referrals is made here."""

from django.http import Http404

from communities.access import CommunityAccess
from members import roles

from .models import Expert, Referral
from .selectors import expert_profile_queryset


def get_expert_for_viewer(user, pk: int) -> Expert:
    """Engaged and active experts are public to signed-in members; the rest of the pipeline is the
    coordinator's working list."""
    if not user.is_authenticated:
        raise Http404
    experts = expert_profile_queryset()
    if not roles.is_coordinator(user):
        experts = experts.filter(status__in=Expert.LISTED_STATUSES)
    try:
        return experts.get(pk=pk)
    except Expert.DoesNotExist:
        raise Http404 from None


def expert_profile_visible_to(user, expert: Expert) -> bool:
    """get_expert_for_viewer's rule for an expert already read: may `user` open the profile, and so read the name?"""
    return user.is_authenticated and (expert.is_listed or roles.is_coordinator(user))


def can_see_contact_details(user) -> bool:
    return roles.is_coordinator(user)


def can_flag_experts(access: CommunityAccess) -> bool:
    """A community's leaders and the coordinator route questions to experts."""
    return access.can_manage_members


def can_view_coverage(user) -> bool:
    return roles.is_coordinator(user)


def get_referral_for_asker(user, pk: int) -> Referral:
    """The referral whose question `user` asked, or 404."""
    try:
        return Referral.objects.select_related("expert", "thread", "community").get(pk=pk, asked_by=user)
    except Referral.DoesNotExist:
        raise Http404 from None
