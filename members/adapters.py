from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from cop_platform.i18n import in_language_of
from cop_platform.mail import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here, in the member's language (or the page's, for someone without an account or a choice
        # yet: a visitor signing up in Russian confirms in Russian); a Celery worker delivers it so SMTP never
        # slows a page.
        with in_language_of(context.get("user"), fallback=translation.get_language()):
            message = self.render_mail(template_prefix, email, context)
        queue_email(message)

    def get_signup_redirect_url(self, request):
        return reverse("members:onboarding")
