from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("calendar/", views.calendar, name="calendar"),
    path("feed/<slug:token>.ics", views.feed_ics, name="feed"),
    path("topics/", views.topics, name="topics"),
    path("topics/<int:pk>/vote/", views.topic_vote, name="topic_vote"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("<slug:slug>/check-in/", views.check_in, name="check_in"),
]
