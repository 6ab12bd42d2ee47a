from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CopPlatformConfig(AppConfig):
    name = "cop_platform"
    verbose_name = _("Platform")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .forms import strip_invisible_ends_in_every_char_field
        from .table_writes import triggers_install

        strip_invisible_ends_in_every_char_field()
        # After every migrate: the tables its migrations added get the write log's triggers. Once (this app's signal).
        post_migrate.connect(triggers_install, sender=self, dispatch_uid="cop_platform.triggers_install")
