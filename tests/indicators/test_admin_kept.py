"""A frozen month and members' survey answers are kept in the admin: deleting a snapshot had the next report
compute the month again from today's data; deleting a question or a survey took members' answers with it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.compute import freeze_month
from indicators.models import MonthlySnapshot, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.factories import MemberFactory

from .conftest import OCT

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    survey = Survey.objects.create(
        title="Pulse", opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() + timedelta(days=5)
    )
    question = SurveyQuestion.objects.create(survey=survey, position=1, text="How useful is the network?")
    response = SurveyResponse.objects.create(survey=survey, member=MemberFactory())
    SurveyAnswer.objects.create(response=response, question=question, rating=4)
    return survey


def test_a_frozen_month_is_not_deleted(coordinator_client):
    freeze_month(OCT)
    snapshot = MonthlySnapshot.objects.get(month=OCT)

    response = coordinator_client.post(
        reverse("admin:indicators_monthlysnapshot_delete", args=[snapshot.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert MonthlySnapshot.objects.filter(pk=snapshot.pk).exists()


def test_an_answered_survey_is_kept_with_the_reason(coordinator_client, answered):
    response = coordinator_client.post(reverse("admin:indicators_survey_delete", args=[answered.pk]), {"post": "yes"})

    assert "Close it instead." in response.content.decode()
    assert SurveyAnswer.objects.filter(response__survey=answered).count() == 1


def test_an_answered_surveys_questions_offer_no_delete_box(coordinator_client, answered):
    page = coordinator_client.get(reverse("admin:indicators_survey_change", args=[answered.pk]))

    assert 'name="questions-0-DELETE"' not in page.content.decode()


def test_an_unanswered_surveys_questions_may_be_deleted(coordinator_client):
    survey = Survey.objects.create(
        title="Draft", opens_at=timezone.now() + timedelta(days=2), closes_at=timezone.now() + timedelta(days=5)
    )
    SurveyQuestion.objects.create(survey=survey, position=1, text="A question to drop")

    page = coordinator_client.get(reverse("admin:indicators_survey_change", args=[survey.pk]))

    assert 'name="questions-0-DELETE"' in page.content.decode()
