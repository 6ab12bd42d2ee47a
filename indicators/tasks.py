from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .compute import freeze_month, previous_month
from .models import ProgressReport
from .services import REPORT_STALE, report_ensure, report_language, report_render, reports_sweep_stale


@shared_task
def freeze_previous_month_task() -> str:
    """Beat, hourly (the first run of the 1st does the work; the others are no-ops): freeze last month, queue its
    report once, and re-queue reports whose worker died."""
    snapshot, _computed = freeze_month(previous_month())
    report_ensure(snapshot.month)
    reports_sweep_stale()
    return f"{snapshot.month:%Y-%m}"


@shared_task(bind=True, max_retries=4)
def render_report_task(self, month: str, language: str = settings.LANGUAGE_CODE, notify: bool = True) -> str:
    """Render a report someone asked for (report_request set its job to queued). A second message for the same
    request (asked again while the first waited in a long queue, or delivered twice) finds the job done and does
    nothing: one render, one round of emails. A message that finds another worker rendering comes back when
    that claim goes stale: the other worker may have died mid-render (its message delivered again while the
    claim was fresh), and then this one renders it. Each language's report is its own job."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    report = report_render(month=first, language=language, notify=notify, queued_only=True)
    if report is not None:
        return report.file.name
    job, started = (
        ProgressReport.objects.filter(month=first, language=report_language(language))
        .values_list("job", "job_started_at")
        .get()
    )
    if job != ProgressReport.Job.RENDERING:
        return "not asked for"
    if not (self.request.called_directly or self.request.is_eager):
        wait = (started + REPORT_STALE - timezone.now()).total_seconds() if started else 0
        raise self.retry(countdown=max(wait, 0) + 30)
    return "busy"
