"""The project's URLs plus the ceiling of the scale benchmark: /__ceiling__/<size>/ returns `size` bytes of
HTML from memory, through the whole middleware stack (session, user, CSP, …) but with no view work at all."""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import path

from cop_platform.urls import handler429  # noqa: F401
from cop_platform.urls import urlpatterns as project_urlpatterns


@lru_cache(maxsize=64)
def _payload(size: int) -> bytes:
    return b"x" * size


def ceiling(request, size: int):
    return HttpResponse(_payload(min(size, 10_000_000)), content_type="text/html; charset=utf-8")


urlpatterns = [path("__ceiling__/<int:size>/", ceiling), *project_urlpatterns]
