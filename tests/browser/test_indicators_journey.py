"""A report viewer opens the dashboard, drills into a breakdown, asks for the month's report and downloads the
PDF; a member answers a survey from the home page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from indicators.compute import freeze_month
from indicators.models import Survey, SurveyQuestion, SurveyResponse
from tests.factories import MemberFactory, ReportViewerFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_viewer_reads_the_dashboard_and_downloads_the_report(page, live_server, settings, tmp_path, a11y):
    settings.MEDIA_ROOT = tmp_path
    community = Community.objects.create(name="Digital skills", slug="digital")
    for n in range(3):
        member = MemberFactory(country="MM", gender="female" if n else "male")
        Membership.objects.create(
            member=member, community=community, status="active", joined_at=datetime(2026, 9, 3, tzinfo=UTC)
        )
    freeze_month(datetime(2026, 9, 1).date())
    freeze_month(datetime(2026, 10, 1).date())
    viewer = ReportViewerFactory()

    sign_in(page, live_server, viewer)
    page.get_by_role("link", name="Indicators and progress reports").click()
    a11y(page)
    assert page.get_by_role("heading", name="Indicators October 2026").is_visible()
    assert page.locator("svg.chart[role=img]").count() >= 20
    page.get_by_role("link", name="CoP members").first.click()
    a11y(page)
    assert page.get_by_role("heading", name="By Gender").is_visible()
    assert page.get_by_role("rowheader", name="Female").is_visible()

    page.goto(live_server.url + "/indicators/2026-10/report/")
    a11y(page)
    page.set_default_timeout(60_000)  # Celery runs eagerly in tests: the click waits for the whole PDF render
    page.get_by_role("button", name="Generate the report").click()
    assert page.get_by_text("is being prepared").first.is_visible()
    page.reload()
    a11y(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == "progress-report-2026-10-en.pdf"
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")


def test_a_member_answers_a_survey_from_the_home_page(page, live_server, a11y):
    member = MemberFactory()
    survey = Survey.objects.create(
        title="How useful are the webinars?", opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    SurveyQuestion.objects.create(survey=survey, position=1, text="How useful is the network for your work?")
    SurveyQuestion.objects.create(
        survey=survey, position=2, text="Which services did you use?", kind="multiple", choices="Webinars\nLibrary"
    )

    sign_in(page, live_server, member)
    page.get_by_role("link", name="How useful are the webinars?").click()
    a11y(page)
    page.get_by_role("button", name="Send my answers").click()  # nothing chosen: errors, nothing saved
    assert page.get_by_text("This field is required.").first.is_visible()
    assert not SurveyResponse.objects.exists()
    a11y(page)
    page.get_by_label("4").check()
    page.get_by_label("Library").check()
    page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_text("Thank you: your answers are recorded.").is_visible()
    assert SurveyResponse.objects.get().answers.count() == 2
