from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="create"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/", views.membership_action, name="membership_action"),
    path("<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("<slug:slug>/threads/new/", views.thread_new, name="thread_new"),
    path("<slug:slug>/threads/<int:pk>/", views.thread_detail, name="thread"),
    path("<slug:slug>/threads/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/threads/<int:pk>/follow/", views.thread_follow, name="follow"),
    path("<slug:slug>/threads/<int:pk>/moderate/", views.thread_moderate, name="moderate"),
    path("<slug:slug>/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/posts/<int:pk>/helpful/", views.post_helpful, name="post_helpful"),
    path("<slug:slug>/posts/<int:pk>/report/", views.post_report, name="post_report"),
    path("<slug:slug>/posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
]
