"""The project's URLs plus the ceiling of the scale benchmark: /__ceiling__/<size>/ returns `size` bytes of
HTML from memory, through the whole middleware stack (session, user, CSP, …) but with no view work at all.
/__frame__/<size>/ is a reference beside it: the site's frame (base.html and its context processors: navigation,
unread count, language switcher) around `size` bytes from memory, what every page costs before its own work."""

from functools import lru_cache

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from cop_platform.urls import handler429  # noqa: F401
from cop_platform.urls import urlpatterns as project_urlpatterns


@lru_cache(maxsize=64)
def _payload(size: int) -> bytes:
    return b"x" * size


def ceiling(request, size: int):
    return HttpResponse(_payload(min(size, 10_000_000)), content_type="text/html; charset=utf-8")


@lru_cache(maxsize=1)
def _frame_template():
    return engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<p>{{ filler }}</p>{% endblock content %}'
    )


def frame(request, size: int):
    html = _frame_template().render({"filler": _payload(min(size, 10_000_000)).decode()}, request)
    return HttpResponse(html)


urlpatterns = [
    path("__ceiling__/<int:size>/", ceiling),
    path("__frame__/<int:size>/", frame),
    *project_urlpatterns,
]
