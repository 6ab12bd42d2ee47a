"""The hourly planner on a real Celery worker (filesystem broker by default, Redis on CI): it queues the due
members, fans out batches, and the worker sends each digest once."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection

from cop_platform.celery import app as celery_app
from digests.models import DigestDelivery, DigestPreference, DigestRound, Frequency
from digests.tasks import plan_digests_task
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory


@pytest.fixture
def real_worker():
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # leftovers from a developer's `make run` are not this test's business
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def reads_without_table_locks():
    """On SQLite the test database is in memory with a shared cache, where a reader locks each table it reads and a
    writer meeting that lock fails at once ("database table is locked") instead of waiting. This test's polling
    would then fail the worker's write; reading uncommitted rows takes no such lock. PostgreSQL needs nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA read_uncommitted = 1")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA read_uncommitted = 0")


def wait_for(condition, seconds=60) -> bool:  # generous: CI machines are busy
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_planner_fans_out_and_a_real_worker_sends_each_digest_once(
    real_worker, reads_without_table_locks, mailoutbox
):
    community = CommunityFactory(name="Budget practitioners")
    author = MemberFactory()
    DigestPreference.objects.create(member=author, frequency=Frequency.OFF)
    ThreadFactory(community=community, author=author, title="Budget reform pilots")
    readers = [MembershipFactory(community=community).member for _ in range(3)]
    for reader in readers:
        DigestPreference.objects.create(member=reader)  # due now

    plan_digests_task.delay()  # no result backend on the default broker: watch the rows and the outbox

    def all_sent():
        return DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).count() == 3

    assert wait_for(all_sent), list(DigestDelivery.objects.values_list("status", "error"))
    assert wait_for(lambda: len(mail.outbox) == 3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert all("Budget reform pilots" in m.body for m in mail.outbox)
    assert DigestRound.objects.get().planned == 3
    # The next hourly run, here in the test process, finds nobody due.
    assert plan_digests_task.apply().get() == 0
    time.sleep(0.5)
    assert len(mail.outbox) == 3


def test_beat_runs_the_planner_hourly():
    schedules = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == plan_digests_task.name]

    assert plan_digests_task.name == "digests.tasks.plan_digests_task"
    assert len(schedules) == 1
    assert schedules[0]["schedule"] == 3600
    assert plan_digests_task.name in {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "digests.tasks.send_digest_batch_task" in celery_app.tasks
