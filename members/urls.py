from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/privacy/", views.privacy_page, name="privacy"),
    path("me/privacy/export/<str:token>/", views.privacy_export_download, name="privacy_export_download"),
    path("account-deleted/", views.privacy_deleted, name="privacy_deleted"),
    path("<int:pk>/", views.detail, name="detail"),
]
