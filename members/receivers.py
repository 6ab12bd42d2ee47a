"""Signal receivers only translate framework events into service calls."""

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_record
from .models import Activity, AuditEntry
from .services import activity_record


@receiver(user_logged_in, dispatch_uid="members.record_login")
def record_login(sender, request, user, **kwargs):
    activity_record(member=user, kind=Activity.Kind.LOGIN)


@receiver(post_save, sender=LogEntry, dispatch_uid="members.audit_admin_deletions")
def audit_admin_deletion(sender, instance, created, **kwargs):
    """Whatever the admin deletes (one object or a bulk action) enters the audit log."""
    if created and instance.action_flag == DELETION:
        kind = instance.content_type.name if instance.content_type_id else "object"
        audit_record(
            actor=instance.user, action=AuditEntry.Action.DELETION, target=f"{kind}: {instance.object_repr}",
            detail=f"#{instance.object_id} in the admin",
        )  # fmt: skip
