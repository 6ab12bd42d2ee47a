"""Signal receivers only translate framework events into service calls."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Activity
from .services import activity_record


@receiver(user_logged_in, dispatch_uid="members.record_login")
def record_login(sender, request, user, **kwargs):
    activity_record(member=user, kind=Activity.Kind.LOGIN)
