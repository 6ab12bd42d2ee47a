from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Paths a member without a completed profile may still use: accounts (logout, email confirmation),
# the admin, static files, health checks and the language switch.
_ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/admin/", "/static/", "/media/", "/healthz", "/i18n/")


class OnboardingMiddleware:
    """Sends a signed-in member who has not completed their profile to onboarding first, because the
    indicators are split by the profile's fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.has_completed_profile:
            onboarding_url = reverse("members:onboarding")
            if not request.path.startswith((*_ALWAYS_ALLOWED_PREFIXES, onboarding_url)):
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(f"{onboarding_url}?{query}" if query else onboarding_url)
        return self.get_response(request)


class MemberTimeZoneMiddleware:
    """Shows times in the signed-in member's own time zone (from their profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        if zone:
            with timezone.override(zone):
                return self.get_response(request)
        return self.get_response(request)
