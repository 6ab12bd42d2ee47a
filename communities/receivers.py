"""Signal receivers only translate framework events into service calls."""

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from .member_counts import member_counts_forget
from .models import Membership


# Saved only: a receiver of a membership's deletion would make Django load and signal every membership of a
# deleted community one by one (it deletes them in one statement otherwise). Memberships end by being updated to
# "left" or "removed", which forgets the counts itself (communities.services._end); the admin's deletes forget
# them themselves (communities.admin.MembershipAdmin), and a deleted account's memberships are forgotten before
# they go (below).
@receiver(post_save, sender=Membership, dispatch_uid="communities.membership_saved")
def membership_saved(sender, instance, **kwargs):
    member_counts_forget([instance.community_id])


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="communities.member_deleted")
def member_deleted(sender, instance, **kwargs):
    member_counts_forget(Membership.objects.active().filter(member=instance).values_list("community_id", flat=True))
