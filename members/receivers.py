"""Signal receivers only translate framework events into service calls; so does the wrapper of the admin's
LogEntryManager.log_actions below, for the admin's deletions (some of which send no signal)."""

import functools
import json

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.conf import settings
from django.contrib.admin.models import CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import translation

from cop_platform.i18n import browser_language, language_cookie_set

from .audit import audit_record
from .models import Activity, AuditEntry, User
from .services import activity_record, member_browser_language_set


@receiver(user_logged_in, dispatch_uid="members.record_login")
def record_login(sender, request, user, **kwargs):
    activity_record(member=user, kind=Activity.Kind.LOGIN)
    member_browser_language_set(member=user, language=_shown_without_a_choice(request, user))


def _shown_without_a_choice(request, user) -> str:
    """The language the site would be shown in to `user` if they chose none: the page's, unless they chose one,
    whose cookie (set by their last sign-in) the page followed; then the browser's own."""
    if request is None or not hasattr(request, "META"):
        return ""
    if user.language:
        return browser_language(request)
    return getattr(request, "LANGUAGE_CODE", "")


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


def _audit_admin_deletions(log_actions):
    """Wraps Django's LogEntryManager.log_actions, through which the admin records what it did, so that
    whatever it deletes enters the audit log: one object (its delete page), many (the "delete selected" action,
    whose entries are written with bulk_create, which sends no post_save), and an inline's rows deleted from
    their parent's form (recorded only as the parent's change)."""

    @functools.wraps(log_actions)
    def log_and_audit(manager, user_id, queryset, action_flag, change_message="", *, single_object=False):
        entries = log_actions(manager, user_id, queryset, action_flag, change_message, single_object=single_object)
        deleted = [
            (entry, target) for entry in ([entries] if single_object else entries) for target in _deleted_by(entry)
        ]
        actor = User.objects.filter(pk=user_id).first() if deleted else None  # one read, not one an entry
        for entry, target in deleted:
            audit_record(
                actor=actor, action=AuditEntry.Action.DELETION, target=target,
                detail=f"#{entry.object_id} in the admin",
            )  # fmt: skip
        return entries

    return log_and_audit


def _deleted_by(entry: LogEntry) -> list[str]:
    """What the admin entry `entry` deleted, as the audit log names it ("kind: object")."""
    if entry.action_flag == DELETION:
        # ContentType's own cache: a bulk deletion's entries share one type.
        kind = ContentType.objects.get_for_id(entry.content_type_id).name if entry.content_type_id else "object"
        return [f"{kind}: {entry.object_repr}"]
    if entry.action_flag != CHANGE or '"deleted"' not in entry.change_message:
        return []
    try:
        parts = json.loads(entry.change_message)
    except ValueError:
        return []  # a message written as text, not the admin's own
    deleted = [part["deleted"] for part in parts if isinstance(part, dict) and "deleted" in part]
    return [f"{part.get('name', 'object')}: {part.get('object', '')} (from {entry.object_repr})" for part in deleted]


LogEntryManager.log_actions = _audit_admin_deletions(LogEntryManager.log_actions)
