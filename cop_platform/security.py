"""Content-Security-Policy on every response, with a per-request nonce for the few inline <style>/<script>
blocks we allow (templates read it as `{{ csp_nonce }}`), plus Permissions-Policy.

Style *attributes* are allowed (`style-src-attr 'unsafe-inline'`): the admin and the in-browser digest use
them and they cannot run code. A response that already set its own policy (file downloads set a stricter
`sandbox` one) keeps it."""

import base64
import hashlib
import re
import secrets
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.template.loader import get_template


def _logo_origin() -> str:
    logo = getattr(settings, "SITE_LOGO", "")
    if logo.startswith(("http://", "https://")):
        parts = urlsplit(logo)
        return f" {parts.scheme}://{parts.netloc}"
    return ""


@cache
def _error_page_style_hashes() -> str:
    """The 400 and 500 pages are rendered without a request (so without a nonce): allow their frame's <style>
    (standalone_error.html) by hash."""
    try:
        source = get_template("standalone_error.html").template.source
    except Exception:  # the policy must never be what breaks a page
        return ""
    hashes = [
        base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        for block in re.findall(r"<style>(.*?)</style>", source, re.DOTALL)
    ]
    return "".join(f" 'sha256-{h}'" for h in hashes)


def build_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'{_error_page_style_hashes()}",
        "style-src-attr 'unsafe-inline'",
        f"img-src 'self' data:{_logo_origin()}",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])  # fmt: skip


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", build_policy(request.csp_nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def csp_nonce(request):
    """Context processor: `{{ csp_nonce }}` for inline <style nonce="…"> blocks."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class NulCharacterGuard:
    """PostgreSQL cannot hold or compare text with a NUL character in it: a query that meets one fails, and the
    page with it (a 500 where SQLite answers). Browsers do not send one unless pasted text holds it; a forged
    request can, in a query parameter (the admin's filters and autocomplete read them into queries), the session
    cookie (Django unquotes "\\000") or the address. Forms refuse it themselves, with a message at the field
    (ProhibitNullCharactersValidator).

    A query parameter is read without its NUL characters (an invisible character: a search loses nothing); a
    cookie holding one is dropped, as if not sent (the session cookie: signed out, rather than an error on every
    page); an address holding one is a bad request (400). Placed before the sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if "\x00" not in k and "\x00" not in v}
        if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()):
            request.GET = _without_nul(request.GET)
        if "\x00" in request.path:
            raise NulCharacterInAddress("A NUL character in the address")
        return self.get_response(request)


def _without_nul(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for name, values in query.lists():
        cleaned.setlist(name.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class NulCharacterInAddress(SuspiciousOperation):
    """Answered with 400.html, and logged by django.security.NulCharacterInAddress."""
