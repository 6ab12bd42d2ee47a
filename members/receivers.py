"""Signal receivers only translate framework events into service calls."""

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from cop_platform.i18n import language_cookie_set

from .audit import audit_record
from .models import Activity, AuditEntry
from .services import activity_record


@receiver(user_logged_in, dispatch_uid="members.record_login")
def record_login(sender, request, user, **kwargs):
    activity_record(member=user, kind=Activity.Kind.LOGIN)


@receiver(allauth_user_logged_in, dispatch_uid="members.activate_language")
def activate_language(sender, request, user, response=None, **kwargs):
    """Signing in switches the site to the member's saved language: for the rest of this request (the
    "signed in" message) and, through the cookie LocaleMiddleware reads, for the pages after it."""
    if not user.language or user.language not in dict(settings.LANGUAGES):
        return
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    if response is not None:
        language_cookie_set(response, user.language)


@receiver(post_save, sender=LogEntry, dispatch_uid="members.audit_admin_deletions")
def audit_admin_deletion(sender, instance, created, **kwargs):
    """Whatever the admin deletes (one object or a bulk action) enters the audit log."""
    if created and instance.action_flag == DELETION:
        kind = instance.content_type.name if instance.content_type_id else "object"
        audit_record(
            actor=instance.user, action=AuditEntry.Action.DELETION, target=f"{kind}: {instance.object_repr}",
            detail=f"#{instance.object_id} in the admin",
        )  # fmt: skip
