from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext


def site(request):
    logo = settings.SITE_LOGO
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE or gettext("Communities of practice for civil servants"),
        "site_logo_url": logo if logo.startswith(("http://", "https://", "/")) else static(logo),
        "site_accent_color": settings.SITE_ACCENT_COLOR,
    }


def notifications(request):
    """The unread count in the header: one COUNT query, and only for signed-in members. None on a page drawn to be
    kept, where the count is a slot (cop_platform.page_cache) filled in each time."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "page_unread_slot", False):
        return {}
    from communities.selectors import unread_notification_count

    return {"unread_notifications": unread_notification_count(user)}
