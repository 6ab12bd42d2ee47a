"""Signal receivers only translate framework events into service calls."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .member_counts import member_counts_forget
from .models import Membership


# Saved only: a receiver of deletes would make Django load and signal every membership of a deleted community
# one by one (it deletes them in one statement otherwise). Memberships end by being saved as "left"; the
# admin's deletes forget the counts themselves (communities.admin.MembershipAdmin).
@receiver(post_save, sender=Membership, dispatch_uid="communities.membership_saved")
def membership_saved(sender, instance, **kwargs):
    member_counts_forget([instance.community_id])
