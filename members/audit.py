"""The audit log: one function writes it, one forgets a deleted person's name in it."""

from contextlib import contextmanager

from django.db import connection

from .models import AuditEntry, User


def _label(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    return f"{user.full_name or 'member'} <{user.email}>"


def audit_record(*, actor, action: str, target: str = "", detail: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor)[:200],
        action=action,
        target=str(target)[:300],
        detail=str(detail)[:500],
    )


def member_label(user) -> str:
    """How a member appears as the target of an entry (name, email, id): `audit_forget` finds it again."""
    return f"{user.full_name or 'member'} <{user.email}> (#{user.pk})"


@contextmanager
def forgetting():
    """Within a transaction: lets the log's text columns change, to forget a deleted member (on PostgreSQL a
    trigger refuses any other change to an entry, members 0011). The flag ends with the block, or with the
    transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    assert connection.in_atomic_block, "forgetting() needs a transaction: the flag lasts as long as it"
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('cop.audit_forgetting', 'on', true)")
    yield
    # Not in a `finally`: after an error the transaction is aborted, and rolling back ends the flag anyway
    # (resetting it there would raise again and hide the error).
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('cop.audit_forgetting', 'off', true)")


def audit_forget(user: User, replacement: str) -> int:
    """Account deletion: the person's name and email leave the log; what they did, and what was done to their
    account, stays under `replacement`. Returns how many entries changed. Runs in the deletion's transaction."""
    with forgetting():
        AuditEntry.objects.filter(actor=user).update(actor_label=replacement)
        changed = 0
        for entry in AuditEntry.objects.filter(target__contains=f"<{user.email}>"):
            AuditEntry.objects.filter(pk=entry.pk).update(target=entry.target.replace(member_label(user), replacement))
            changed += 1
    return changed + AuditEntry.objects.filter(actor=user).count()
