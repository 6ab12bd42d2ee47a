from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experts"

    def ready(self):
        from . import receivers  # noqa: F401
