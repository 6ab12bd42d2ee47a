from django.shortcuts import render

from cop_platform.page_cache import cached_page

from . import home_selectors
from .kept_words import same_site_referer, words_sent


@cached_page
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
    return render(
        request, "403_csrf.html", {"back": same_site_referer(request), "kept": words_sent(request)}, status=403
    )


class MethodNotAllowedPage:
    """Django's require_POST answers a visit with an empty 405, a blank page: a bookmarked button's address, or
    one opened again from the history. The same status, with a page that says so in the reader's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method == "GET":
            page = render(request, "405.html", {"back": same_site_referer(request)}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
