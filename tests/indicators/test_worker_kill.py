"""A worker killed in the middle of a report render, on the real stack (PostgreSQL + Redis, a real worker
process): the last good report is still served whole, and the render completes on the next run."""

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cop_platform.celery import app as celery_app
from indicators.compute import freeze_month
from indicators.models import ProgressReport
from indicators.services import report_request, reports_sweep_stale
from tests.support.real_stack import wait_for, worker_environment

from .conftest import OCT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OLD_PDF = b"%PDF-1.4\n% the last good report\n%%EOF\n"


def test_a_report_render_killed_midway_serves_the_old_file_and_completes_next_run(
    real_stack, tmp_path, client, report_viewer
):
    freeze_month(OCT)
    report = ProgressReport.objects.create(month=OCT, generated_at=timezone.now() - timedelta(days=1), pages=1)
    report.file.save("report-2026-10-old.pdf", ContentFile(OLD_PDF))

    flag = tmp_path / "render-started"
    env = worker_environment(MEDIA_ROOT=str(settings.MEDIA_ROOT), RENDER_STARTED_FLAG=str(flag))
    script = Path(__file__).resolve().parents[1] / "support" / "slow_report_worker.py"
    worker = subprocess.Popen([sys.executable, str(script)], env=env)  # noqa: S603
    try:
        report_request(month=OCT, requested_by=report_viewer)
        assert wait_for(flag.exists), "the worker never started the render"
        assert wait_for(lambda: ProgressReport.objects.get(pk=report.pk).job == ProgressReport.Job.RENDERING)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    # Killed mid-render: still "rendering", and the last good file is what viewers get, whole.
    report.refresh_from_db()
    assert report.job == ProgressReport.Job.RENDERING and report.file.name.endswith("old.pdf")
    client.force_login(report_viewer)
    response = client.get(reverse("indicators:report_pdf", args=[OCT]))
    assert b"".join(response.streaming_content) == OLD_PDF

    # Next run: beat's sweep finds the render stale and queues it again; a healthy worker completes it.
    ProgressReport.objects.filter(pk=report.pk).update(job_started_at=timezone.now() - timedelta(minutes=20))
    assert reports_sweep_stale() == 1
    # All queues (no `queues=`): selecting some would narrow the shared app's queues for later tests too.
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        assert wait_for(lambda: ProgressReport.objects.get(pk=report.pk).job == ProgressReport.Job.IDLE, 90)
    report.refresh_from_db()
    assert report.error == "" and report.pages and report.pages > 1
    with report.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-") and pdf != OLD_PDF
    assert not (Path(settings.MEDIA_ROOT) / "reports" / "report-2026-10-old.pdf").exists()  # replaced, not kept
