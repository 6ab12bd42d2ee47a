"""What a member typed, kept when a form cannot take it: nothing typed is lost.

A rate limit (cop_platform.ratelimit) or an expired form (cop_platform.views.csrf_failure) answers with a page
that shows the words sent, to copy. A form sent after the member's session ended (signed out in another tab, or
away for weeks) reached login_required, which sent them to sign in and dropped it: SignedOutWordsMiddleware
keeps its fields in the session, which survives signing in, and signing in leads back to the page the form was
on. There a discussion form fills them in again (kept_for), and any other page shows them to copy (the
`kept_words` context processor, read by base.html).

Kept words are for the member who wrote them: on a shared computer someone else may sign in next. The browser
carries a digest of the last member signed in on it (LAST_MEMBER_COOKIE); words kept without one, or handed to
someone else, are dropped. Passwords and other secrets are never kept or shown."""

import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .client_ip import client_ip

SESSION_KEY = "words_kept"
LAST_MEMBER_COOKIE = "last_member"
KEPT_FOR_SECONDS = 3600  # long enough to find the password; not days on a shared computer
MAX_KEPT = 50_000  # characters, all fields together: more is not kept (one request's row in the session table)
KEEPS_PER_ADDRESS = "20/h"  # each keeps a session row: an address sending more is only sent to sign in
# Never kept, never shown back: passwords (sign-in, change, account deletion), tokens, codes. Whole parts of a
# field's name ("password1", "login_code"), so that "passage" or "keywords" are kept.
SECRET = re.compile(r"(^|_)(old)?(password|passwd|secret|token|otp|code|key|pin)\d*($|_)|csrf", re.IGNORECASE)
# The digest outlives the session by far: a session that ended by age ("away for weeks") is the case to serve.
LAST_MEMBER_COOKIE_AGE = 365 * 24 * 3600
# Kept for the form to fill in again, but no words to show: what the page put in its own hidden fields.
NOT_WORDS = {"based_on", "quoted", "next", "action", "_selected_action"}


def _is_words(name: str, value: str) -> bool:
    return not SECRET.search(name) and name not in NOT_WORDS and (len(value) >= 12 or " " in value.strip())


def words_sent(request) -> list[str]:
    """What the member wrote in the refused form (a reply, a title, a note), to show back: ids, choices, tokens
    and secrets are left out."""
    return [value for name, values in request.POST.lists() for value in values if _is_words(name, value)]


def same_site_referer(request) -> str:
    """The page the request came from, when it is this site's; else ""."""
    back = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return ""


def _member_digest(pk) -> str:
    return salted_hmac("cop_platform.kept_words.last_member", str(pk), algorithm="sha256").hexdigest()[:32]


def kept_for(request) -> dict[str, str]:
    """The fields kept for this page's form, taken once, if they are this member's and fresh: the page fills
    them in."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return {}
    del request.session[SESSION_KEY]
    mine = request.user.is_authenticated and constant_time_compare(
        kept.get("member", ""), _member_digest(request.user.pk)
    )
    if not mine or time.time() - kept.get("at", 0) > KEPT_FOR_SECONDS:
        return {}
    return kept["fields"]


def kept_move(request, to: str) -> None:
    """Words kept for this address are for the page `to` (where this address leads a visit)."""
    kept = request.session.get(SESSION_KEY)
    if kept and kept.get("path") == request.path:
        request.session[SESSION_KEY] = {**kept, "path": urlsplit(to).path}


def kept_words(request) -> dict:
    """Context processor: the words kept for this page that its view did not fill in, for base.html to show.
    Lazy: a page that does not show them (a fragment) leaves them for the next."""

    def texts() -> list[str]:
        if not hasattr(request, "session"):
            return []
        return [value for name, value in kept_for(request).items() if _is_words(name, value)]

    return {"kept_words": SimpleLazyObject(texts)}


class SignedOutWordsMiddleware:
    """A form sent without a session is kept (see the module docstring) and sign-in leads back to its page; the
    browser of a signed-in member carries the digest that tells whose words they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            digest = _member_digest(request.user.pk)
            if request.COOKIES.get(LAST_MEMBER_COOKIE) != digest:
                response.set_cookie(
                    LAST_MEMBER_COOKIE, digest, max_age=LAST_MEMBER_COOKIE_AGE, httponly=True, samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )  # fmt: skip
        elif (
            request.method == "POST"
            and response.status_code == 302
            and urlsplit(response.url).path == resolve_url(settings.LOGIN_URL)
            and words_sent(request)
        ):
            back = _back(request)
            self._keep(request, back)
            return redirect_to_login(back)
        return response

    def _keep(self, request, back: str) -> None:
        from .ratelimit import hit  # the rate limits build on this module's words_sent

        member = request.COOKIES.get(LAST_MEMBER_COOKIE, "")
        fields = {name: value for name, value in request.POST.items() if not SECRET.search(name)}
        if not member or sum(map(len, fields.values())) > MAX_KEPT:
            return
        if not hit(f"kept-words:ip:{client_ip(request)}", KEEPS_PER_ADDRESS):
            return
        request.session[SESSION_KEY] = {
            "path": urlsplit(back).path,
            "member": member,
            "at": time.time(),
            "fields": fields,
        }
        messages.info(request, _("You were signed out, so what you sent was not saved. Sign in: it is kept."))


def _back(request) -> str:
    """The page the form was on, as a path on this site (the sign-in page's `next`); else this address."""
    referer = urlsplit(same_site_referer(request))
    if not referer.path:
        return request.get_full_path()
    path = "/" + referer.path.lstrip("/")  # never "//host/…"
    return path + (f"?{referer.query}" if referer.query else "")
