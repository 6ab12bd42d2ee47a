"""Writes for indicators: narratives, report requests and renders, and telling report viewers.

Each month has one report per language. A render is claimed with one conditional UPDATE, so two workers (or a
request and beat) never render the same month in the same language at once; a render that dies leaves
`job=rendering` behind, which counts as stale after REPORT_STALE and may then be claimed again. The file is
attached only once the PDF is complete."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cop_platform import broker
from cop_platform.i18n import language_for
from cop_platform.mail import queue_email_to
from cop_platform.templatetags.months import month_in_sentence
from members import roles
from members.models import User

from .compute import freeze_month
from .models import MonthlySnapshot, ProgressReport
from .report import render_report

logger = logging.getLogger(__name__)

REPORT_STALE = timedelta(minutes=15)
QUEUE_UNAVAILABLE = "The job queue was unavailable; the report is handed over again within the hour."


def report_language(language: str | None, *, requested_by: User | None = None) -> str:
    """The language a report is asked in: `language` if offered, else the requester's (their profile's, else the
    active one's), else the site's (beat's requests)."""
    if language in dict(settings.LANGUAGES):
        return language
    if requested_by is not None:
        return language_for(requested_by, fallback=translation.get_language())
    return settings.LANGUAGE_CODE


def report_request(
    *, month: date, language: str | None = None, requested_by: User | None = None
) -> tuple[ProgressReport, bool]:
    """Ask for the month's report in `language` (see report_language) to be (re)rendered by a worker. Returns the
    report and whether a render was queued now (False when one of that month in that language is under way).
    Each language is its own report: a request in Russian neither waits for nor replaces the English one."""
    month = month.replace(day=1)
    language = report_language(language, requested_by=requested_by)
    report, _created = ProgressReport.objects.get_or_create(month=month, language=language)
    now = timezone.now()
    claimable = (
        Q(job__in=[ProgressReport.Job.IDLE, ProgressReport.Job.FAILED])
        | Q(job__in=[ProgressReport.Job.QUEUED, ProgressReport.Job.RENDERING], job_started_at__lt=now - REPORT_STALE)
        | Q(job=ProgressReport.Job.QUEUED, error=QUEUE_UNAVAILABLE)  # never handed over: may be asked for again
    )
    # Beat's requests (a render re-queued after its worker died or the broker was down) keep who asked, and so
    # still email them.
    asker = {"requested_by": requested_by} if requested_by else {}
    queued = ProgressReport.objects.filter(claimable, pk=report.pk).update(
        job=ProgressReport.Job.QUEUED, job_started_at=now, error="", **asker
    )
    if queued:
        transaction.on_commit(lambda: _enqueue(report.pk, month, language))
    report.refresh_from_db()
    return report, bool(queued)


def report_request_in_every_language(
    *, month: date, language: str, requested_by: User | None = None
) -> tuple[ProgressReport, bool]:
    """A viewer's "Generate" on the report's page: the month's report in their `language` (as report_request); and
    when it is "Generate again" (theirs was made before), again in each other language it was made in, so that an
    edited narrative or a corrected figure reaches every reader (made in the viewer's language alone, the others
    kept the old text). Returns report_request's answer for the viewer's."""
    made_in = set(ProgressReport.objects.filter(month=month.replace(day=1)).values_list("language", flat=True))
    report, queued = report_request(month=month, language=language, requested_by=requested_by)
    if report.language in made_in:
        for other in sorted(made_in - {report.language}):
            report_request(month=report.month, language=other)
    return report, queued


def _enqueue(report_pk: int, month: date, language: str) -> None:
    from .tasks import render_report_task

    if not broker.hand_over(render_report_task, f"{month:%Y-%m}", language):
        # Left queued: beat's hourly reports_sweep_stale hands it over again, and it may be asked for again at
        # once. Marked failed, it waited for someone to ask again, and the month's first
        # report, which beat asks for once, never came.
        ProgressReport.objects.filter(pk=report_pk, job=ProgressReport.Job.QUEUED).update(error=QUEUE_UNAVAILABLE)


def _claim(month: date, language: str, *, queued_only: bool) -> ProgressReport | None:
    now = timezone.now()
    report, _created = ProgressReport.objects.get_or_create(month=month, language=language)
    stale = Q(job_started_at__lt=now - REPORT_STALE)
    if queued_only:  # a worker's task: only a render someone asked for (see render_report_task)
        claimable = Q(job=ProgressReport.Job.QUEUED) | Q(stale, job=ProgressReport.Job.RENDERING)
    else:
        claimable = ~Q(job=ProgressReport.Job.RENDERING) | stale
    if not ProgressReport.objects.filter(claimable, pk=report.pk).update(
        job=ProgressReport.Job.RENDERING, job_started_at=now
    ):
        return None
    report.refresh_from_db()
    return report


def report_render(
    *, month: date, language: str | None = None, notify: bool = True, queued_only: bool = False
) -> ProgressReport | None:
    """Render and store the month's report in `language` (default: the site's), freezing the month first if it
    never was. Returns None when another worker is rendering that report right now, or, with `queued_only`, when
    no render was asked for (its job is not queued: a duplicate message, whose render has been done)."""
    month = month.replace(day=1)
    report = _claim(month, report_language(language), queued_only=queued_only)
    if report is None:
        return None
    old_name = report.file.name if report.file else ""
    try:
        if not MonthlySnapshot.objects.filter(month=month).exists():
            freeze_month(month)
        # In the report's own language, whatever the worker's.
        with translation.override(report.language):
            rendered = render_report(month)
        # Saved under a new name first: the previous file stays complete and served until this one is in place.
        report.file.save(
            f"report-{month:%Y-%m}-{report.language}-{timezone.now():%Y%m%d%H%M%S}.pdf",
            ContentFile(rendered.pdf),
            save=False,
        )
        report.generated_at = timezone.now()
        report.snapshot_computed_at = rendered.snapshot_computed_at
        report.pages = rendered.pages
        report.job = ProgressReport.Job.IDLE
        report.error = ""
        # The report and its emails in one transaction: a worker killed between the two left it done, and the
        # viewers not yet written to were never told (the task's re-run finds nothing asked for).
        with transaction.atomic():
            report.save(update_fields=["file", "generated_at", "snapshot_computed_at", "pages", "job", "error"])
            if notify:
                report_notify_viewers(report)
    except Exception as error:
        ProgressReport.objects.filter(pk=report.pk).update(job=ProgressReport.Job.FAILED, error=str(error)[:2000])
        if report.file and report.file.name != old_name:  # stored, then rolled back: nothing points to it
            report.file.storage.delete(report.file.name)
        raise
    if old_name and old_name != report.file.name:
        report.file.storage.delete(old_name)
    return report


def report_viewers():
    """Active members of the Report viewers group, who are emailed each new report."""
    group = Group.objects.filter(name=roles.REPORT_VIEWERS).first()
    if group is None:
        return User.objects.none()
    return User.objects.filter(groups=group, is_active=True).order_by("pk")


def report_pdf_url(report: ProgressReport) -> str:
    """The download of this very report: in its language, whatever the language of the page it is opened from."""
    return reverse("indicators:report_pdf", args=[report.month]) + f"?language={report.language}"


def report_notify_viewers(report: ProgressReport) -> int:
    """One email per report viewer who reads the report's language, and to whoever requested the render, with a
    link to the report (a link, not an attachment: many read mail on slow connections, and the link checks the
    reader's permission). A viewer who reads another language is told when the report in theirs is ready."""
    url = settings.SITE_URL + report_pdf_url(report)
    dashboard = settings.SITE_URL + reverse("indicators:dashboard") + f"?month={report.month:%Y-%m}"
    recipients = [viewer for viewer in report_viewers() if language_for(viewer) == report.language]
    # Whoever asked for it (a coordinator, say) was promised an email too.
    requester = report.requested_by
    if requester is not None and requester.is_active and requester.pk not in {v.pk for v in recipients}:
        recipients.append(requester)
    sent = 0
    for viewer in recipients:
        context = {
            "viewer": viewer,
            "report": report,
            "url": url,
            "dashboard": dashboard,
            "site_name": settings.SITE_NAME,
        }
        queue_email_to(
            viewer,
            subject=lambda: _("Progress report %(month)s is ready") % {"month": month_in_sentence(report.month)},
            template="report-ready",
            context=context,
            language=report.language,  # for one who chose none, whose browser is not known: what they asked for
        )
        sent += 1
    return sent


def reports_sweep_stale() -> int:
    """Beat: re-queue renders whose worker died (job still queued/rendering long after it started), and those the
    broker did not take (at once: within the hour, as their page says)."""
    stale = ProgressReport.objects.filter(
        Q(
            job__in=[ProgressReport.Job.QUEUED, ProgressReport.Job.RENDERING],
            job_started_at__lt=timezone.now() - REPORT_STALE,
        )
        | Q(job=ProgressReport.Job.QUEUED, error=QUEUE_UNAVAILABLE)
    ).values_list("month", "language")
    count = 0
    for month, language in stale:
        _report, queued = report_request(month=month, language=language)
        count += queued
    return count


def report_ensure(month: date) -> bool:
    """Beat, after freezing a month: queue its first report once in each language report viewers read (and the
    site's), so that each viewer is emailed the report in their language. True when any was queued now."""
    month = month.replace(day=1)
    languages = {settings.LANGUAGE_CODE} | {language_for(viewer) for viewer in report_viewers()}
    existing = {report.language: report for report in ProgressReport.objects.filter(month=month)}
    queued = False
    for language in sorted(languages):
        report = existing.get(language)
        if report and (report.is_ready or report.in_progress or report.job == ProgressReport.Job.FAILED):
            continue
        queued |= report_request(month=month, language=language)[1]
    return queued
