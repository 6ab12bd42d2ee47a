from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.create, name="create"),
    path("drafts/", views.my_drafts, name="drafts"),
    path("faq/<slug:slug>/", views.faq, name="faq"),
    path("summarize/<slug:slug>/<int:thread_pk>/", views.summarize, name="summarize"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/files/<int:file_pk>/", views.download, name="download"),
    path("<slug:slug>/<str:action>/", views.transition, name="transition"),
]
