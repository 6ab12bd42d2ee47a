from django.urls import path

from . import survey_views

app_name = "surveys"

urlpatterns = [
    path("", survey_views.survey_list, name="list"),
    path("<int:pk>/", survey_views.survey_answer, name="answer"),
]
