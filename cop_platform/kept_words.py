"""What a member typed, kept when a form cannot take it: nothing typed is lost.

A rate limit (cop_platform.ratelimit) or an expired form (cop_platform.views.csrf_failure) answers with a page
that shows the words sent, to copy. A form sent after the member's session ended (signed out in another tab, or
away for weeks) reached login_required, which sent them to sign in and dropped it: SignedOutWordsMiddleware
keeps its fields in the session, which survives signing in, and signing in leads back to the page the form was
on. There a discussion form fills them in again (kept_for), and any other page shows them to copy (the
`kept_words` context processor, read by base.html)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

SESSION_KEY = "words_kept"
MAX_KEPT = 100_000  # characters a field may have to be kept in the session


def words_sent(request) -> list[str]:
    """What the member wrote in the refused form (a reply, a title, a note), to show back: ids, choices and tokens
    are left out (short values without a space)."""
    return [
        value
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
        if len(value) >= 12 or " " in value.strip()
    ]


def same_site_referer(request) -> str:
    """The page the request came from, when it is this site's; else ""."""
    back = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return ""


def kept_for(request) -> dict[str, str]:
    """The fields kept for this page's form, taken once: the page fills them in."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return {}
    del request.session[SESSION_KEY]
    return kept["fields"]


def kept_words(request) -> dict:
    """Context processor: the words kept for this page that its view did not fill in, for base.html to show.
    Lazy: a page that does not show them (a fragment) leaves them for the next."""

    def texts() -> list[str]:
        if not hasattr(request, "session"):
            return []
        return [value for value in kept_for(request).values() if len(value) >= 12 or " " in value.strip()]

    return {"kept_words": SimpleLazyObject(texts)}


class SignedOutWordsMiddleware:
    """A form sent without a session is kept (see the module docstring) and sign-in leads back to its page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and response.status_code == 302
            and urlsplit(response.url).path == resolve_url(settings.LOGIN_URL)
            and words_sent(request)
        ):
            referer = urlsplit(same_site_referer(request))  # as a path: the sign-in page's `next`
            back = referer._replace(scheme="", netloc="").geturl() if referer.path else request.get_full_path()
            request.session[SESSION_KEY] = {
                "path": urlsplit(back).path,
                "fields": {
                    name: value
                    for name, value in request.POST.items()
                    if name != "csrfmiddlewaretoken" and len(value) <= MAX_KEPT
                },
            }
            messages.info(request, _("You were signed out, so what you sent was not saved. Sign in: it is kept."))
            return redirect_to_login(back)
        return response
