from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("", views.in_browser, name="in_browser"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
