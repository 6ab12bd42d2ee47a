"""The demo history for the indicators: twelve frozen months with real trends, surveys, manual figures and a
narrative, on top of `seed_demo`; running it again changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.compute import previous_month
from indicators.demo import seed_history
from indicators.models import (
    IndicatorValue,
    ManualFigure,
    MonthlyNarrative,
    MonthlySnapshot,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from indicators.selectors import add_months
from indicators.surveys import survey_results

pytestmark = pytest.mark.django_db


def counts() -> dict:
    models = (MonthlySnapshot, IndicatorValue, Survey, SurveyResponse, SurveyAnswer, ManualFigure, MonthlyNarrative)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=60, verbosity=0)
    # seed_demo may already seed the history itself; either way there is one history afterwards.
    seed_history()


def test_the_history_has_twelve_frozen_months_surveys_figures_and_a_narrative(seeded, client, report_viewer):
    last = previous_month()
    months = list(MonthlySnapshot.objects.order_by("month").values_list("month", flat=True))
    assert months == [add_months(last, -n) for n in range(11, -1, -1)]

    now = timezone.now()
    closed = [s for s in Survey.objects.all() if s.closes_at <= now]
    open_ = [s for s in Survey.objects.all() if s.is_open()]
    assert len(closed) == 1 and len(open_) == 1
    results = survey_results(closed[0])
    assert results.responses > 0
    assert results.questions[0].mean is not None and 1 <= results.questions[0].mean <= 5
    assert MonthlyNarrative.objects.filter(month=last).exclude(highlights="").exists()
    assert ManualFigure.objects.exclude(source_note="").count() == ManualFigure.objects.count() > 0

    # The figures move over the year, and the last month's survey answers are counted in it.
    def total(code, month):
        return IndicatorValue.objects.get(snapshot__month=month, code=code, dimension="total").value

    assert len({total("active_members", month) for month in months}) > 1
    assert total("survey_responses", last) == results.responses
    assert total("offline_participants", last) > 0

    client.force_login(report_viewer)
    response = client.get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    assert response.context["figures"].month == last
    assert sum(value is not None for _m, value in response.context["figures"]["members"].trend) == 12


def test_seeding_the_history_again_does_nothing(seeded):
    before = counts()
    computed = list(MonthlySnapshot.objects.values_list("computed_at", flat=True))

    assert seed_history() == 0

    assert counts() == before
    assert list(MonthlySnapshot.objects.values_list("computed_at", flat=True)) == computed
