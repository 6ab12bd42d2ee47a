"""Rate limits for writes members make (posting, reporting, asking, registering, answering surveys), on top
of allauth's limits for login, signup and password reset. Counted in the cache (Redis in production, shared
by all web processes) per member and per client IP. The IP is `client_ip`'s, which allauth's limits
use too: REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies' X-Forwarded-For entries to trust, so a
forged header changes nothing."""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from .client_ip import client_ip
from .kept_words import words_sent

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse(rate: str) -> tuple[int, int]:
    """'20/m' → (20, 60); '100/h' → (100, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def hit(key: str, rate: str) -> bool:
    """Count one hit for `key` in the current window; False when over the limit."""
    limit, period = parse(rate)
    window = int(time.time() // period)
    cache_key = f"rl:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def rate_limited(action: str):
    """Limit POSTs to a view by member and by IP, with the rates in settings.WRITE_RATE_LIMITS[action]."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                user_rate, ip_rate = settings.WRITE_RATE_LIMITS[action]
                ok = hit(f"{action}:ip:{client_ip(request)}", ip_rate)
                if request.user.is_authenticated:
                    ok = hit(f"{action}:user:{request.user.pk}", user_rate) and ok
                if not ok:
                    return render(request, "429.html", {"kept": words_sent(request)}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
