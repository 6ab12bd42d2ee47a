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
from django.template.loader import get_template


def _logo_origin() -> str:
    logo = getattr(settings, "SITE_LOGO", "")
    if logo.startswith(("http://", "https://")):
        parts = urlsplit(logo)
        return f" {parts.scheme}://{parts.netloc}"
    return ""


@cache
def _error_page_style_hashes() -> str:
    """The 500 page is rendered without a request (so without a nonce): allow its one <style> by hash."""
    try:
        source = get_template("500.html").template.source
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
