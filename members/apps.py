from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from .roles import sync_role_permissions

    sync_role_permissions()


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the login receiver)

        # Runs once per `migrate` (dispatch_uid), after every app's permissions exist.
        post_migrate.connect(_sync_roles, dispatch_uid="members.sync_role_permissions")
