"""Signal receivers only translate framework events into service calls."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .member_counts import member_counts_forget
from .models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="communities.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="communities.membership_deleted")
def membership_changed(sender, instance, **kwargs):
    member_counts_forget([instance.community_id])
