from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/", views.detail, name="detail"),
]
