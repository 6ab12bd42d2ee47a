from django.contrib.admin import apps


class PlatformAdminConfig(apps.AdminConfig):
    """The admin, with the platform's site as `admin.site` (INSTALLED_APPS names this instead of
    django.contrib.admin). Its own module: Django takes a lone AppConfig in cop_platform/apps.py for the app."""

    default_site = "cop_platform.admin_site.PlatformAdminSite"
