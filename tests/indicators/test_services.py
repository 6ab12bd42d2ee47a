"""Report requests and renders (claiming, stale renders, failures that keep the last good file), the email to
report viewers, and the beat task that freezes last month and queues its first report.

Celery runs tasks eagerly in tests and the queue is reached on commit, so `django_capture_on_commit_callbacks(
execute=True)` plays the worker. Most tests use the fake renderer of conftest.py; one renders for real."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import Retry
from celery.schedules import crontab
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from indicators import services
from indicators.compute import freeze_month, previous_month
from indicators.models import MonthlySnapshot, ProgressReport
from indicators.selectors import add_months
from indicators.services import REPORT_STALE, report_ensure, report_render, report_request, report_viewers
from indicators.tasks import freeze_previous_month_task, render_report_task
from members import roles
from tests.factories import CoordinatorFactory, MemberFactory, ReportViewerFactory

from .conftest import FAKE_PAGES, FAKE_PDF, OCT, SEP, fake_render

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewers(report_viewer):
    """Two active report viewers; an inactive one, a coordinator and a member who get no email."""
    ReportViewerFactory(is_active=False)
    CoordinatorFactory()
    MemberFactory()
    return [report_viewer, ReportViewerFactory()]


@pytest.fixture
def october(db):
    snapshot, _computed = freeze_month(OCT)
    return snapshot


def request_and_run(callbacks_fixture, **kwargs):
    with callbacks_fixture(execute=True) as callbacks:
        report, queued = report_request(**kwargs)
    return report, queued, callbacks


# --- A request, rendered and announced ----------------------------------------------------------------------


def test_a_request_renders_stores_and_announces_the_report_once_to_each_viewer(
    october, viewers, coordinator, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    report, queued, _callbacks = request_and_run(
        django_capture_on_commit_callbacks, month=OCT.replace(day=20), requested_by=coordinator
    )

    assert queued and report.month == OCT
    assert fake_renderer == [OCT]
    report.refresh_from_db()
    assert report.is_ready and report.job == ProgressReport.Job.IDLE and report.error == ""
    assert report.pages == FAKE_PAGES
    assert report.snapshot_computed_at == october.computed_at
    assert report.requested_by == coordinator
    assert timezone.now() - report.generated_at < timedelta(minutes=1)
    with report.file.open("rb") as handle:
        assert handle.read() == FAKE_PDF
    assert report.file.name.startswith("reports/report-2026-10-")

    # Every report viewer, and the coordinator who asked (promised an email on the page), once each.
    expected = [viewer.email for viewer in viewers] + [coordinator.email]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(expected)
    url = settings.SITE_URL + reverse("indicators:report_pdf", args=[OCT])
    for message in mailoutbox:
        assert message.subject == "Progress report October 2026 is ready"
        assert url in message.body
        assert f"{settings.SITE_URL}/indicators/?month=2026-10" in message.body
        assert f"({FAKE_PAGES} pages)" in message.body


@pytest.mark.parametrize(
    ("language", "month_in_sentence"),
    [("ru", "(октябрь 2026 г.)"), ("en", "October 2026"), ("my", "2026၊ အောက်တိုဘာ")],
)
def test_the_report_email_names_its_month_as_it_reads_in_a_sentence(
    october, fake_renderer, mailoutbox, django_capture_on_commit_callbacks, language, month_in_sentence
):
    """Russian writes a month alone with a capital ("Октябрь 2026 г.", a heading), in a sentence in lower case."""
    ReportViewerFactory(language=language)

    request_and_run(django_capture_on_commit_callbacks, month=OCT, language=language)

    [message] = mailoutbox
    assert month_in_sentence in message.subject
    assert month_in_sentence in message.body
    assert "Октябрь" not in message.subject + message.body


def test_the_report_email_gives_the_figures_time_in_utc_as_it_says(
    october, report_viewer, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    """Rendered where another time zone is active (a render in a Yangon coordinator's request, the broker down)."""
    from django.utils.formats import date_format

    MonthlySnapshot.objects.filter(pk=october.pk).update(computed_at=datetime(2026, 11, 1, 2, 30, tzinfo=UTC))

    with timezone.override("Asia/Yangon"):
        request_and_run(django_capture_on_commit_callbacks, month=OCT)

    expected = date_format(datetime(2026, 11, 1, 2, 30), "DATETIME_FORMAT")
    assert f"Figures as computed on {expected} UTC." in " ".join(mailoutbox[0].body.split())


def test_report_viewers_are_the_active_members_of_the_group(viewers):
    assert list(report_viewers()) == sorted(viewers, key=lambda user: user.pk)
    Group.objects.filter(name=roles.REPORT_VIEWERS).delete()
    assert list(report_viewers()) == []


def test_a_real_render_stores_a_real_pdf(october, report_viewer, mailoutbox, django_capture_on_commit_callbacks):
    report, queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT)

    report.refresh_from_db()
    assert queued and report.is_ready
    with report.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    assert report.pages == len(PdfReader(io.BytesIO(pdf)).pages) >= 8
    assert report.snapshot_computed_at == october.computed_at
    assert [message.to for message in mailoutbox] == [[report_viewer.email]]


def test_regenerating_replaces_the_file_and_removes_the_old_one(
    october, fake_renderer, django_capture_on_commit_callbacks
):
    first, _queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT)
    first.refresh_from_db()
    old_name = first.file.name

    second, queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT)

    second.refresh_from_db()
    assert queued and second.file.name != old_name
    assert not second.file.storage.exists(old_name)
    assert second.file.storage.exists(second.file.name)
    assert fake_renderer == [OCT, OCT]


# --- Claiming: one render at a time; a stale one may be taken over ------------------------------------------


@pytest.mark.parametrize("job", [ProgressReport.Job.QUEUED, ProgressReport.Job.RENDERING])
def test_a_request_while_a_render_is_under_way_is_not_queued_again(
    october, job, coordinator, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    started = timezone.now() - REPORT_STALE + timedelta(minutes=1)
    ProgressReport.objects.create(month=OCT, job=job, job_started_at=started)

    report, queued, callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT, requested_by=coordinator)

    assert not queued and callbacks == [] and fake_renderer == [] and mailoutbox == []
    assert (report.job, report.job_started_at, report.requested_by) == (job, started, None)


@pytest.mark.parametrize("job", [ProgressReport.Job.QUEUED, ProgressReport.Job.RENDERING])
def test_a_stale_render_may_be_claimed_again(
    october, job, coordinator, fake_renderer, django_capture_on_commit_callbacks
):
    ProgressReport.objects.create(
        month=OCT, job=job, job_started_at=timezone.now() - REPORT_STALE - timedelta(minutes=1)
    )

    report, queued, _callbacks = request_and_run(
        django_capture_on_commit_callbacks, month=OCT, requested_by=coordinator
    )

    assert queued and fake_renderer == [OCT]
    report.refresh_from_db()
    assert report.is_ready and report.job == ProgressReport.Job.IDLE and report.requested_by == coordinator


def test_a_worker_does_not_render_a_month_another_worker_is_rendering(october, fake_renderer):
    ProgressReport.objects.create(month=OCT, job=ProgressReport.Job.RENDERING, job_started_at=timezone.now())

    assert report_render(month=OCT) is None
    assert render_report_task("2026-10") == "busy"
    assert fake_renderer == []


def test_a_second_message_for_one_request_renders_and_announces_nothing(
    october, viewers, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    """Asked for again while the first message waited in a long queue, or delivered twice: the second message
    finds the render done."""
    request_and_run(django_capture_on_commit_callbacks, month=OCT)
    emails = len(mailoutbox)

    assert render_report_task("2026-10") == "not asked for"

    assert fake_renderer == [OCT] and len(mailoutbox) == emails == len(viewers)
    assert ProgressReport.objects.get(month=OCT).job == ProgressReport.Job.IDLE


def test_a_message_that_finds_a_fresh_render_comes_back_when_that_claim_would_be_stale(
    october, fake_renderer, monkeypatch
):
    """The other worker may have died: a redelivered message must not be acknowledged as "busy" for good."""
    ProgressReport.objects.create(
        month=OCT, job=ProgressReport.Job.RENDERING, job_started_at=timezone.now() - timedelta(minutes=5)
    )
    asked = {}

    def retry(countdown):
        asked["countdown"] = countdown
        return Retry()

    monkeypatch.setattr(render_report_task, "retry", retry)
    render_report_task.push_request(called_directly=False, is_eager=False)  # as a worker runs it
    try:
        with pytest.raises(Retry):
            render_report_task.run("2026-10")
    finally:
        render_report_task.pop_request()

    assert 10 * 60 < asked["countdown"] <= 10 * 60 + 31  # once 15 minutes have passed since it started
    assert fake_renderer == []


def test_beat_freezes_and_sweeps_hourly_at_set_times_of_the_clock(settings):
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == freeze_previous_month_task.name]

    assert isinstance(entry["schedule"], crontab)  # not every 24 hours from whenever beat last started
    assert entry["schedule"].minute == {20} and entry["schedule"].hour == set(range(24))


def test_a_request_for_a_month_not_yet_frozen_freezes_it_first(db, fake_renderer, django_capture_on_commit_callbacks):
    report, queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=SEP)

    assert queued and MonthlySnapshot.objects.filter(month=SEP).exists()
    report.refresh_from_db()
    assert report.is_ready


# --- Failures -----------------------------------------------------------------------------------------------


def test_a_failed_render_keeps_the_last_good_file_and_records_the_error(
    october, fake_renderer, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    good, _queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT)
    good.refresh_from_db()
    emails = len(mailoutbox)

    def broken(month):
        raise RuntimeError("Fonts missing on the worker")

    monkeypatch.setattr(services, "render_report", broken)
    with pytest.raises(RuntimeError, match="Fonts missing"):
        report_render(month=OCT)

    report = ProgressReport.objects.get(month=OCT)
    assert report.job == ProgressReport.Job.FAILED
    assert report.error == "Fonts missing on the worker"
    assert (report.file.name, report.generated_at, report.pages) == (good.file.name, good.generated_at, good.pages)
    with report.file.open("rb") as handle:
        assert handle.read() == FAKE_PDF
    assert len(mailoutbox) == emails  # nobody is told about a report that did not change

    # A failed render may be asked for again at once.
    monkeypatch.setattr(services, "render_report", fake_render)
    again, queued, _callbacks = request_and_run(django_capture_on_commit_callbacks, month=OCT)
    again.refresh_from_db()
    assert queued and again.job == ProgressReport.Job.IDLE and again.error == ""


def test_the_previous_file_is_still_downloadable_after_a_failed_render(
    client, report_viewer, october, fake_renderer, monkeypatch, django_capture_on_commit_callbacks
):
    request_and_run(django_capture_on_commit_callbacks, month=OCT)
    monkeypatch.setattr(services, "render_report", lambda month: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        report_render(month=OCT)
    client.force_login(report_viewer)

    response = client.get(reverse("indicators:report_pdf", args=[OCT]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    status = client.get(reverse("indicators:report", args=[OCT])).content.decode()
    assert "The last attempt failed: division by zero" in status


def test_a_broker_that_is_down_leaves_the_request_queued_for_beat_to_hand_over_again(
    october, coordinator, client, monkeypatch, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    """Marked failed, it waited for someone to ask again, and beat's first report of the month never came."""
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(render_report_task, "delay", refuse)
    report, queued, _callbacks = request_and_run(
        django_capture_on_commit_callbacks, month=OCT, requested_by=coordinator
    )

    report.refresh_from_db()
    assert queued and fake_renderer == []
    assert report.job == ProgressReport.Job.QUEUED and report.error == services.QUEUE_UNAVAILABLE
    assert services.report_ensure(OCT) is False  # asked for already: not a second time
    client.force_login(coordinator)
    page = client.get(reverse("indicators:report", args=[OCT])).content.decode()
    assert "The job queue is unavailable just now" in page and "Generate the report" in page  # may be asked again

    # The broker is back; beat's next hourly run hands it over, however recently it was asked for.
    monkeypatch.undo()
    monkeypatch.setattr(services, "render_report", fake_render)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_sweep_stale() == 1

    report.refresh_from_db()
    assert report.is_ready and report.job == ProgressReport.Job.IDLE and report.error == ""
    assert [message.to for message in mailoutbox] == [[coordinator.email]]  # who asked is still told


def test_a_render_whose_emails_failed_leaves_no_file_behind(
    october, viewers, fake_renderer, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    def stored() -> set[str]:
        return set(default_storage.listdir("reports")[1]) if default_storage.exists("reports") else set()

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    before = stored()
    monkeypatch.setattr(services, "queue_email_to", broken)
    with pytest.raises(RuntimeError):
        request_and_run(django_capture_on_commit_callbacks, month=OCT)

    report = ProgressReport.objects.get(month=OCT)
    assert report.job == ProgressReport.Job.FAILED and not report.file
    assert stored() == before


def test_a_worker_killed_while_writing_to_the_viewers_leaves_the_render_to_be_done_again(
    october, viewers, fake_renderer, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The report is done only with its emails: killed between them, the viewers not yet written to were never
    told (the task's re-run found nothing asked for)."""
    from cop_platform import mail

    real_queue_email_to, written = services.queue_email_to, []

    def killed_at_the_second(*args, **kwargs):
        if written:
            raise SystemExit("worker killed")
        written.append(real_queue_email_to(*args, **kwargs))

    monkeypatch.setattr(services, "queue_email_to", killed_at_the_second)
    with pytest.raises(SystemExit):
        request_and_run(django_capture_on_commit_callbacks, month=OCT)
    assert mail.OutboxEmail.objects.count() == 0  # the first email went with the rolled-back report

    monkeypatch.setattr(services, "queue_email_to", real_queue_email_to)
    ProgressReport.objects.filter(month=OCT).update(job_started_at=timezone.now() - REPORT_STALE)
    with django_capture_on_commit_callbacks(execute=True):
        render_report_task.delay("2026-10")

    assert sorted(message.to[0] for message in mailoutbox) == sorted(viewer.email for viewer in viewers)


# --- The beat task ------------------------------------------------------------------------------------------


def test_the_beat_task_freezes_last_month_and_queues_its_first_report_once(
    viewers, fake_renderer, mailoutbox, django_capture_on_commit_callbacks
):
    last = previous_month()

    with django_capture_on_commit_callbacks(execute=True):
        assert freeze_previous_month_task() == f"{last:%Y-%m}"

    snapshot = MonthlySnapshot.objects.get()
    report = ProgressReport.objects.get()
    assert snapshot.month == last and report.month == last and report.is_ready
    assert fake_renderer == [last]
    assert len(mailoutbox) == len(viewers)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert freeze_previous_month_task() == f"{last:%Y-%m}"

    assert callbacks == [] and fake_renderer == [last] and len(mailoutbox) == len(viewers)
    assert MonthlySnapshot.objects.get().computed_at == snapshot.computed_at
    assert ProgressReport.objects.get().generated_at == report.generated_at


def test_the_beat_task_does_not_retry_a_first_report_that_failed(db, fake_renderer, django_capture_on_commit_callbacks):
    last = previous_month()
    freeze_month(last)
    ProgressReport.objects.create(month=last, job=ProgressReport.Job.FAILED, error="boom")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        freeze_previous_month_task()

    assert callbacks == [] and fake_renderer == []
    assert report_ensure(last) is False


def test_the_beat_task_requeues_a_render_whose_worker_died(db, fake_renderer, django_capture_on_commit_callbacks):
    last = previous_month()
    other = add_months(last, -1)
    freeze_month(last)
    freeze_month(other)
    ProgressReport.objects.create(month=last, generated_at=timezone.now(), file="reports/x.pdf")
    ProgressReport.objects.create(
        month=other, job=ProgressReport.Job.RENDERING, job_started_at=timezone.now() - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        freeze_previous_month_task()

    assert fake_renderer == [other]
    assert ProgressReport.objects.get(month=other).is_ready
