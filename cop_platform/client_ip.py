"""The client's address, for rate limits and the kept-words limit: one rule for allauth's limits and ours.

REMOTE_ADDR, unless TRUSTED_PROXY_COUNT names how many proxies in front append to X-Forwarded-For; then the entry
the outermost of them wrote. A client's own (forged) entries sit to its left, so they change nothing.
"""

from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings


def client_ip(request) -> str | None:
    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("x-forwarded-for")
    address = None
    if trusted > 0 and forwarded:  # as allauth reads it: 0 or less trusts no proxy
        entries = forwarded.split(",")
        # Fewer entries than proxies: the request came in past the outer ones (a health check, a direct call to the
        # inner proxy). allauth answers that with ImproperlyConfigured, a 500 on every page it limits, login
        # included. The leftmost entry was then written by a proxy we trust; a client that adds its own entries
        # could equally have sent enough of them, so this opens nothing the count did not.
        address = entries[-trusted] if len(entries) >= trusted else entries[0]
    remote = request.META.get("REMOTE_ADDR") or ""
    # An entry that is no address (a proxy's "unknown") counts as the proxy's own: a shared, stricter limit.
    return clean_client_ip(address or remote) or clean_client_ip(remote)
