from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("ask/<slug:slug>/<int:thread_pk>/", views.ask, name="ask"),
    path("referrals/<int:pk>/rate/", views.rate, name="rate"),
]
