from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from . import home_selectors


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    return render(request, "home.html", home_selectors.home_for(request.user))


def too_many_requests(request, exception=None):
    """Rate-limited requests (allauth's login, signup and reset limits) get a page that says what to do."""
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    """A form sent after its page expired (a long reply typed on a slow connection, a tab left open overnight)
    or from a browser that refuses cookies: Django's own page is a bare English "CSRF verification failed".
    This one says what happened, in the reader's language, and links back to the form's page."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {"back": back}, status=403)
