from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopPlatformConfig(AppConfig):
    name = "cop_platform"
    verbose_name = _("Platform")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .forms import strip_invisible_ends_in_every_char_field

        strip_invisible_ends_in_every_char_field()
