"""The language a person reads: the one they chose (members.User.language), else the one their browser asked
for when they last signed in or gave up their choice (members.User.browser_language), else the site's.

Pages follow the language cookie (LocaleMiddleware); a member's choice is also stored on their profile so
that emails, which are rendered far from any request, and a sign-in on another device use it too."""

from types import SimpleNamespace

from django.conf import settings
from django.utils import formats, timezone, translation


def language_for(recipient, *, fallback: str | None = None) -> str:
    """`recipient`'s chosen language if it is still offered, else their browser's (members.User.browser_language),
    else `fallback` (default: LANGUAGE_CODE)."""
    offered = dict(settings.LANGUAGES)
    for language in (getattr(recipient, "language", ""), getattr(recipient, "browser_language", "")):
        if language and language in offered:
            return language
    return fallback or settings.LANGUAGE_CODE


def browser_language(request) -> str:
    """The language LocaleMiddleware picks for `request` from its browser's Accept-Language alone, without the
    language cookie (which, for a member who chose a language, holds that choice)."""
    headers_only = SimpleNamespace(COOKIES={}, META=request.META)
    return translation.get_language_from_request(headers_only)


def in_language_of(recipient, *, fallback: str | None = None):
    """`with in_language_of(member):` renders templates and builds gettext strings in their language."""
    return translation.override(language_for(recipient, fallback=fallback))


def language_cookie_set(response, language: str) -> None:
    """The cookie LocaleMiddleware reads, set exactly as Django's set_language sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_cookie_delete(response) -> None:
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class MomentInZone:
    """A moment as an email says it: "11 March 2027, 00:29 (Asia/Bangkok)", written when the template renders it,
    in the language and the time zone active then (the reader's). A time alone reads as the reader's own, and is
    not when they travel, or when their profile's zone is not where they are."""

    def __init__(self, moment):
        self.moment = moment

    def __str__(self):
        local = formats.date_format(timezone.localtime(self.moment), "DATETIME_FORMAT")
        return f"{local} ({timezone.get_current_timezone_name()})"
