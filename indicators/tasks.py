from datetime import date

from celery import shared_task

from .compute import freeze_month, previous_month
from .services import report_ensure, report_render, reports_sweep_stale


@shared_task
def freeze_previous_month_task() -> str:
    """Beat, daily (the 1st does the work; other days are no-ops): freeze last month, queue its report once,
    and re-queue reports whose worker died."""
    snapshot, _computed = freeze_month(previous_month())
    report_ensure(snapshot.month)
    reports_sweep_stale()
    return f"{snapshot.month:%Y-%m}"


@shared_task
def render_report_task(month: str, notify: bool = True) -> str:
    year, number = (int(part) for part in month.split("-"))
    report = report_render(month=date(year, number, 1), notify=notify)
    return "busy" if report is None else report.file.name
