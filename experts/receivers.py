"""Signal receivers only translate framework events into service calls."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed, dispatch_uid="experts.link_on_email_confirmed")
def link_expert_on_email_confirmed(sender, request, email_address, **kwargs):
    # A mapped expert who signs up with the address the coordinator recorded is linked to the new account.
    services.expert_link_by_email(member=email_address.user, email=email_address.email)
