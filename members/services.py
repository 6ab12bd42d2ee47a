"""Writes that touch members. Views, commands and other apps call these; nothing else writes these rows."""

import unicodedata
from datetime import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .forgotten_handles import handles_forgotten
from .models import Activity, User


def activity_record(*, member: User, kind: str, community=None, occurred_at: datetime | None = None) -> Activity:
    """The one way to write the activity record (indicators read it)."""
    return Activity.objects.create(
        member=member, kind=kind, community=community, occurred_at=occurred_at or timezone.now()
    )


def unique_handle(name: str) -> str:
    """A @mention handle from a name: 'Hnin Wai' -> 'hnin-wai', then 'hnin-wai-2' if that is taken, or was a
    deleted account's (members.forgotten_handles: old text would name the new member)."""
    base = handle_base(name)
    taken = set(User.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    while True:  # a deleted account's handle is free again, so the first free ones may all be forgotten
        candidates: list[str] = []
        for _ in range(20):
            candidates.append(free_handle(base, taken))
            taken.add(candidates[-1])
        forgotten = handles_forgotten(candidates)
        for handle in candidates:
            if handle not in forgotten:
                return handle


def handle_base(name: str) -> str:
    return slugify(unidecode_ascii(name))[:50].strip("-") or "member"


def free_handle(base: str, taken: set[str], *, first_number: int = 2) -> str:
    """`base` if it is not in `taken`, else the first of base-2, base-3… (from `first_number`) that is not."""
    if base not in taken:
        return base
    number = first_number
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def unidecode_ascii(text: str) -> str:
    """Latin letters without accents; scripts without a Latin form (Burmese, Cyrillic) fall back to 'member'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _save_with_a_free_handle(member: User, *, update_fields: list[str]) -> None:
    """Save `member`, giving them a handle first if they have none. Two members finishing onboarding at once
    can be given the same one (every Burmese or Cyrillic name's is member, member-2…): the second save fails
    on the handle's uniqueness and takes the next free one, rather than an error page."""
    new_handle = not member.handle
    for attempt in range(5):
        if new_handle:
            member.handle = unique_handle(member.full_name or member.email.split("@")[0])
        try:
            with transaction.atomic():
                member.save(update_fields=update_fields)
            return
        except IntegrityError:
            if not new_handle or attempt == 4:
                raise


# Written by member_profile_update, though not the form's: read again under the member's lock.
_NOT_IN_THE_FORM = ("profile_completed_at", "handle")


@transaction.atomic
def member_profile_update(*, member: User, form) -> User:
    """Save a validated ProfileForm. The first save completes onboarding and is recorded as activity.

    Only the form's columns are written, once the account is locked and found still active: the member was
    read at the start of the request, and writing the whole row brought back an account a coordinator
    deactivated, or one deleted meanwhile (its email, name and password), when the save came second."""
    stored = User.objects.select_for_update().filter(pk=member.pk, is_active=True).values(*_NOT_IN_THE_FORM).first()
    if stored is None:
        raise PermissionDenied
    member = form.save(commit=False)
    # As stored, read under the lock: a second submission sent at once (a double click) waits here, then finds the
    # profile completed and the handle given (its form's copy, read before, said neither: it recorded the
    # completion twice and gave the member a second handle).
    for name, value in stored.items():
        setattr(member, name, value)
    first_completion = member.profile_completed_at is None
    if first_completion:
        member.profile_completed_at = timezone.now()
    columns = [field.name for field in User._meta.concrete_fields if field.name in form.fields]
    _save_with_a_free_handle(member, update_fields=[*columns, "profile_completed_at", "handle"])
    form.save_m2m()
    if first_completion:
        activity_record(member=member, kind=Activity.Kind.PROFILE_COMPLETED)
    return member


def member_language_set(*, member: User, language: str) -> bool:
    """Remember the language a member chose in the switcher (their emails and next sign-in use it).
    One UPDATE, only when it changed; True when it did."""
    if member.language == language:
        return False
    member.language = language
    return bool(User.objects.filter(pk=member.pk).update(language=language))


def member_browser_language_set(*, member: User, language: str) -> bool:
    """Remember the language `member`'s browser asked for as they signed in (cop_platform.i18n.language_for uses
    it while they choose none). One UPDATE, only when it changed and is one the site offers; True when it did."""
    if language not in dict(settings.LANGUAGES) or member.browser_language == language:
        return False
    member.browser_language = language
    return bool(User.objects.filter(pk=member.pk).update(browser_language=language))


@transaction.atomic
def member_create_verified(
    *, email: str, password: str | None = None, password_hash: str | None = None, **fields
) -> User:
    """Create an account whose email is already verified (admin-made accounts, demo data, tests).
    `password_hash` lets bulk callers hash once and reuse it."""
    member = User(email=email.lower(), **fields)
    if not member.handle and member.full_name:
        member.handle = unique_handle(member.full_name)
    if password_hash:
        member.password = password_hash
    else:
        member.set_password(password)
    member.save()
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member
