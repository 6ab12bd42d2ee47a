"""System checks of the settings a deployment must give (`manage.py check --deploy`)."""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"}


def _is_local(host: str | None) -> bool:
    host = (host or "").lower().rstrip(".")
    return not host or host in LOCAL_HOSTS or host.endswith(".localhost") or host.endswith(".local")


@register(Tags.security, deploy=True)
def site_address_is_public(app_configs, **kwargs) -> list[Warning]:
    """Without SITE_URL and DEFAULT_FROM_EMAIL, production emails linked to http://127.0.0.1:8000 (the digest's
    unsubscribe header too) and came from noreply@localhost, and nothing said so."""
    if settings.DEBUG:
        return []
    warnings = []
    address = urlsplit(settings.SITE_URL)
    if address.scheme not in ("http", "https") or _is_local(address.hostname):
        warnings.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: the links in the platform's emails would lead there, or nowhere.",
                hint="Set SITE_URL to the address members open, e.g. https://cop.example.org (see .env.example).",
                id="cop_platform.W001",
            )
        )
    if _is_local(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]):
        warnings.append(
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail servers refuse or bin such a sender.",
                hint="Set DEFAULT_FROM_EMAIL to an address of your domain (see .env.example).",
                id="cop_platform.W002",
            )
        )
    return warnings
