from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from cop_platform.mail import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Rendered here (in the request's language), delivered by a Celery worker so SMTP never slows a page.
        queue_email(self.render_mail(template_prefix, email, context))

    def get_signup_redirect_url(self, request):
        return reverse("members:onboarding")
