"""The @handles of deleted accounts, kept as keyed digests: recognised when they come back, never stored.

A handle is made from a name ('hnin-wai'), so deleting an account rewrites every @mention of it as "Former member"
(members.privacy.account_delete). It could come back two ways: text typed before the deletion and saved after
it (an edit refused because the deletion changed the post, then saved again), and a new member given the same
handle, whom old text would then name. So text written after a deletion says "Former member" there too
(communities.services), and a forgotten handle is not given to anyone again (members.services.unique_handle).

The digest is an HMAC keyed with SECRET_KEY: a plain hash of a short handle is undone by trying names. Digests
made with a key that has been rotated out are still recognised while it is in SECRET_KEY_FALLBACKS."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import ForgottenHandle

_SALT = "members.forgotten_handles"


def _digests(handle: str) -> list[str]:
    """The handle's digest under the current key first, then under each fallback key."""
    return [
        salted_hmac(_SALT, handle.lower(), secret=secret, algorithm="sha256").hexdigest()
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


def handle_forget(handle: str) -> None:
    ForgottenHandle.objects.get_or_create(digest=_digests(handle)[0])


def handles_forgotten(handles: Iterable[str]) -> set[str]:
    """Those of `handles` that belonged to a deleted account (lower case); one query, none for no handles."""
    by_digest = {digest: handle.lower() for handle in handles for digest in _digests(handle)}
    if not by_digest:
        return set()
    found = ForgottenHandle.objects.filter(digest__in=by_digest).values_list("digest", flat=True)
    return {by_digest[digest] for digest in found}
