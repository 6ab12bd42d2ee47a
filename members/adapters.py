from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone, translation

from cop_platform.client_ip import client_ip
from cop_platform.i18n import MomentInZone, in_language_of
from cop_platform.mail import queue_email

from .models import User


@dataclass(frozen=True)
class SiteNamed:
    """What allauth's email templates call `current_site`: the platform's name and address (the site framework,
    which would give them, is not installed: without it the templates said "Hello from !")."""

    name: str
    domain: str


def this_site() -> SiteNamed:
    return SiteNamed(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's login, signup and reset limits count by this; ours by the same rule (cop_platform/client_ip.py)
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def clean_email(self, email: str) -> str:
        """An address longer than the column that stores it gets the form's message, not a database error: Django's
        EmailField takes up to 320 characters (signup, adding an address), the tables 254."""
        limit = min(app_settings.EMAIL_MAX_LENGTH, User._meta.get_field("email").max_length)
        MaxLengthValidator(limit)(email)
        return super().clean_email(email)

    def send_mail(self, template_prefix, email, context):
        # Rendered here, in the member's language (or the page's, for someone without an account or a choice
        # yet: a visitor signing up in Russian confirms in Russian); a Celery worker delivers it so SMTP never
        # slows a page.
        context = {"request": allauth_context.request, "email": email, "current_site": this_site(), **context}
        # Some come with no account ("an account already exists", "unknown account"): the address's own, active or
        # not, is the reader's; else it was the language of whoever typed the address into a form.
        reader = context.get("user") or User.objects.filter(email__iexact=email).first()
        with in_language_of(reader, fallback=translation.get_language()):
            message = self.render_mail(template_prefix, email, context)
        queue_email(message)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth leaves the account out of these emails' context (password changed or reset, address added or
        # removed), so they came in the browser's language, their time in the zone of whoever was signed in
        # (UTC after a reset). Given, they come in the member's language and time zone, which their "Date:" names.
        with timezone.override(getattr(user, "time_zone", "") or settings.TIME_ZONE):
            context = {"user": user, "timestamp": MomentInZone(timezone.now()), **(context or {})}
            super().send_notification_mail(template_prefix, user, context, email)

    def save_user(self, request, user, form, commit=True):
        # The language the visitor signed up in becomes their choice, for the emails that follow (digests,
        # reminders): without one they came in English to a member who had only ever read the site in Burmese.
        if not user.language and getattr(request, "LANGUAGE_CODE", "") in dict(settings.LANGUAGES):
            user.language = request.LANGUAGE_CODE
        return super().save_user(request, user, form, commit=commit)

    def get_signup_redirect_url(self, request):
        return reverse("members:onboarding")
