"""The coordinator's side in the admin: frozen months (read-only), the month's narrative, and regenerating
progress reports from their list."""

import pytest
from django.urls import reverse

from indicators.compute import freeze_month
from indicators.models import MonthlyNarrative, MonthlySnapshot, ProgressReport

from .conftest import FAKE_PAGES, OCT, SEP

pytestmark = pytest.mark.django_db


def narrative_data(month="2026-10-17", highlights="Attendance doubled."):
    return {"month": month, "highlights": highlights, "lessons_learned": "", "next_steps": ""}


def test_a_coordinator_writes_the_months_narrative(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("admin:indicators_monthlynarrative_add"), narrative_data())

    assert response.status_code == 302
    narrative = MonthlyNarrative.objects.get()
    assert narrative.month == OCT  # any day of the month is stored as its first day
    assert narrative.updated_by == coordinator
    assert narrative.highlights == "Attendance doubled."


def test_the_same_day_twice_is_refused_by_the_form(coordinator_client):
    MonthlyNarrative.objects.create(month=OCT, highlights="First")

    response = coordinator_client.post(reverse("admin:indicators_monthlynarrative_add"), narrative_data("2026-10-01"))

    assert response.status_code == 200
    assert "Monthly narrative with this Month already exists." in response.content.decode()
    assert MonthlyNarrative.objects.get().highlights == "First"


def test_a_second_narrative_for_a_month_is_refused_whatever_the_day(coordinator_client):
    MonthlyNarrative.objects.create(month=OCT, highlights="First")

    response = coordinator_client.post(reverse("admin:indicators_monthlynarrative_add"), narrative_data("2026-10-17"))

    assert response.status_code == 200  # the form says so, rather than a server error
    assert "already exists" in response.content.decode()
    assert MonthlyNarrative.objects.get().highlights == "First"


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ("admin:indicators_monthlynarrative_add", "A report already generated keeps the words it was made with"),
        ("admin:indicators_manualfigure_add", "For a month already frozen, have it computed again"),
    ],
)
def test_the_narrative_and_figure_forms_say_what_saving_them_does_not_redo(coordinator_client, form, said):
    html = coordinator_client.get(reverse(form)).content.decode()

    assert said in html
    assert 'name="month"' in html  # under the description, the form's fields


def test_frozen_months_are_read_only_in_the_admin(coordinator_client):
    snapshot, _computed = freeze_month(OCT)

    assert coordinator_client.get(reverse("admin:indicators_monthlysnapshot_changelist")).status_code == 200
    page = coordinator_client.get(reverse("admin:indicators_monthlysnapshot_change", args=[snapshot.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert coordinator_client.get(reverse("admin:indicators_monthlysnapshot_add")).status_code == 403
    computed_at = snapshot.computed_at
    coordinator_client.post(
        reverse("admin:indicators_monthlysnapshot_change", args=[snapshot.pk]), {"month": "2020-01-01"}
    )
    assert MonthlySnapshot.objects.get().computed_at == computed_at and MonthlySnapshot.objects.get().month == OCT


def test_reports_are_regenerated_from_their_list(
    coordinator_client, coordinator, report_viewer, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    freeze_month(SEP)
    freeze_month(OCT)
    ProgressReport.objects.create(month=SEP)
    ProgressReport.objects.create(month=OCT)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:indicators_progressreport_changelist"),
            {
                "action": "regenerate_reports",
                "_selected_action": list(ProgressReport.objects.values_list("pk", flat=True)),
            },
            follow=True,
        )

    assert "2 reports queued; viewers get an email when each is ready." in response.content.decode()
    assert sorted(fake_renderer) == [SEP, OCT]
    assert all(report.is_ready and report.pages == FAKE_PAGES for report in ProgressReport.objects.all())
    assert set(ProgressReport.objects.values_list("requested_by", flat=True)) == {coordinator.pk}
    # Each report: the report viewer, and the coordinator who asked for it.
    assert sorted(message.to[0] for message in mailoutbox) == sorted([report_viewer.email, coordinator.email] * 2)
    assert coordinator_client.get(reverse("admin:indicators_progressreport_add")).status_code == 403
