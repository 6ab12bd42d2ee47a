"""Writes that touch members. Views, commands and other apps call these; nothing else writes these rows."""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from .models import Activity, User


def activity_record(*, member: User, kind: str, community=None, occurred_at: datetime | None = None) -> Activity:
    """The one way to write the activity record (indicators read it)."""
    return Activity.objects.create(
        member=member, kind=kind, community=community, occurred_at=occurred_at or timezone.now()
    )


@transaction.atomic
def member_profile_update(*, member: User, form) -> User:
    """Save a validated ProfileForm. The first save completes onboarding and is recorded as activity."""
    member = form.save(commit=False)
    first_completion = member.profile_completed_at is None
    if first_completion:
        member.profile_completed_at = timezone.now()
    member.save()
    form.save_m2m()
    if first_completion:
        activity_record(member=member, kind=Activity.Kind.PROFILE_COMPLETED)
    return member


@transaction.atomic
def member_create_verified(
    *, email: str, password: str | None = None, password_hash: str | None = None, **fields
) -> User:
    """Create an account whose email is already verified (admin-made accounts, demo data, tests).
    `password_hash` lets bulk callers hash once and reuse it."""
    member = User(email=email.lower(), **fields)
    if password_hash:
        member.password = password_hash
    else:
        member.set_password(password)
    member.save()
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member
