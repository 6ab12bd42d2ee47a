"""A worker killed in the middle of a digest batch, on the real stack (PostgreSQL + Redis, a real worker process,
a real SMTP server): nobody gets two digests for the period, and the members the batch had not reached get theirs
on the next run. What happens to the emails in flight is the documented trade-off (digests/services.py): rows
claimed but not yet marked sent are never resent, because the SMTP server may have accepted them."""

import asyncio
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from cop_platform.celery import app as celery_app
from digests import services
from digests.models import DigestDelivery
from digests.tasks import plan_digests_task, send_digest_batch_task
from tests.support.real_stack import wait_for, worker_environment

from .factories import readers_planned

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = DigestDelivery.Status
HANG_ON = 3  # the sink holds the third email: the worker is killed while it is in flight


class Sink:
    """An SMTP server that counts accepted emails per recipient and holds the HANG_ON-th one until released."""

    def __init__(self):
        self.accepted = Counter()
        self.received = 0
        self.holding = threading.Event()
        self.release = threading.Event()  # set from the test's thread; polled on the server's loop

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if self.received == HANG_ON:
            self.holding.set()
            deadline = time.monotonic() + 60
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            return "451 try again later"  # never accepted: the worker died with it in flight
        for recipient in envelope.rcpt_tos:
            self.accepted[recipient] += 1
        return "250 OK"


@pytest.fixture
def sink():
    handler = Sink()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        handler.port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def test_a_worker_killed_mid_batch_sends_nobody_two_digests_and_the_rest_go_next_run(real_stack, sink, settings):
    members, ids = readers_planned(8)
    assert len(ids) == len(members)

    env = worker_environment(EMAIL_URL=f"smtp://127.0.0.1:{sink.port}")
    script = Path(__file__).resolve().parents[1] / "support" / "digest_worker.py"
    worker = subprocess.Popen([sys.executable, str(script)], env=env)  # noqa: S603
    try:
        send_digest_batch_task.delay(ids)
        assert sink.holding.wait(60), "the worker never reached the third email"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    # Killed with the third email in flight: two accepted, nothing marked sent yet (marks go in groups), the rows
    # it had claimed are "sending", the rest still queued.
    assert sum(sink.accepted.values()) == 2
    statuses = Counter(DigestDelivery.objects.values_list("status", flat=True))
    assert statuses[Status.SENT] == 0 and statuses[Status.SENDING] >= 3 and statuses[Status.QUEUED] >= 1
    claimed = set(DigestDelivery.objects.filter(status=Status.SENDING).values_list("member__email", flat=True))

    # The next run: beat's planner (run twice, as two beat processes might) hands the queued rows to a healthy
    # worker; the rows left "sending" are never sent again, and an hour later the sweep marks them failed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    sink.release.set()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        plan_digests_task.delay()
        plan_digests_task.delay()
        assert wait_for(lambda: not DigestDelivery.objects.filter(status=Status.QUEUED).exists(), 60)
        time.sleep(1)  # a duplicate, were there one, would have had time to arrive
    assert services.sweep_stale(now=timezone.now() + services.STALE_SENDING * 2) == len(claimed)

    # Nobody got two digests; everyone the batch had not claimed got exactly one.
    assert max(sink.accepted.values()) == 1
    unclaimed = {m.email for m in members} - claimed
    assert unclaimed and all(sink.accepted[email] == 1 for email in unclaimed)
    assert set(DigestDelivery.objects.filter(status=Status.SENT).values_list("member__email", flat=True)) == unclaimed
    assert DigestDelivery.objects.filter(status=Status.FAILED).count() == len(claimed)
