from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from communities import views as communities_views
from members import views as members_views

from . import health, views

# The admin signs in through allauth's login, so its rate limits protect coordinators' passwords too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Coordination")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("communities/", include("communities.urls")),
    path("experts/", include("experts.urls")),
    path("events/", include("events.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("digests/", include("digests.urls")),
    path("indicators/", include("indicators.urls")),
    path("surveys/", include("indicators.survey_urls")),
    path("notifications/", communities_views.notifications, name="notifications"),
    path("notifications/<int:pk>/", communities_views.notification_open, name="notification_open"),
    # Django's set_language, wrapped so a signed-in member's choice is also saved to their profile. It comes
    # before django.conf.urls.i18n so that `{% url 'set_language' %}` resolves to ours.
    path("i18n/setlang/", members_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler429 = "cop_platform.views.too_many_requests"
