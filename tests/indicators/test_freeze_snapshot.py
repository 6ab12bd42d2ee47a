"""A month's figures are read from one snapshot of the database (indicators.compute.values_in_one_snapshot):
what is written while they are computed is not half in them."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from indicators import compute
from indicators.models import MonthlySnapshot
from members.models import User
from tests.factories import MemberFactory

from .conftest import OCT

pytestmark = pytest.mark.django_db(transaction=True)


def _member_joins_elsewhere():
    """Another connection adds a member and commits, as a signup would while the month is computed."""

    def join():
        try:
            MemberFactory(email="late@example.org")
        finally:
            connections.close_all()

    thread = threading.Thread(target=join)
    thread.start()
    thread.join()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's transactions read one snapshot anyway")
def test_every_statement_of_a_freeze_reads_the_same_snapshot(monkeypatch):
    MemberFactory()
    seen = []

    def compute_values(month):
        seen.append(User.objects.count())
        _member_joins_elsewhere()
        seen.append(User.objects.count())  # under READ COMMITTED this one would count the newcomer
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append(cursor.fetchone()[0])
        return {}

    monkeypatch.setattr(compute, "compute_values", compute_values)

    compute.values_in_one_snapshot(OCT)

    assert seen == [1, 1, "repeatable read"]
    assert User.objects.count() == 2  # the newcomer is there, for the next month's figures


def test_a_freeze_stores_figures_computed_outside_any_transaction():
    MemberFactory()

    snapshot, computed = compute.freeze_month(OCT)

    assert computed and snapshot.values.filter(code="members", dimension="total").exists()
    assert compute.freeze_month(OCT) == (MonthlySnapshot.objects.get(month=OCT), False)
    again, recomputed = compute.freeze_month(OCT, recompute=True)
    assert recomputed and again.pk == snapshot.pk


def _figures_of(snapshot) -> set:
    return set(snapshot.values.values_list("code", "dimension", "key", "value"))


def test_a_month_frozen_by_another_process_meanwhile_is_kept(monkeypatch):
    def frozen_meanwhile(month):
        MonthlySnapshot.objects.create(month=month, computed_at=timezone.now())  # the other process stored it
        return {"members": {"total": {"total": 99}}}

    monkeypatch.setattr(compute, "values_in_one_snapshot", frozen_meanwhile)

    snapshot, computed = compute.freeze_month(OCT)

    assert not computed and _figures_of(snapshot) == set()  # theirs, not ours


def test_an_overlapping_recompute_from_an_earlier_state_does_not_replace_a_later_one(monkeypatch):
    MemberFactory()
    snapshot, _computed = compute.freeze_month(OCT)
    kept = _figures_of(snapshot)

    def overtaken(month):
        # Another recompute began after this one and stored its figures first.
        MonthlySnapshot.objects.filter(pk=snapshot.pk).update(computed_at=timezone.now())
        return {"members": {"total": {"total": 99}}}

    monkeypatch.setattr(compute, "values_in_one_snapshot", overtaken)

    again, recomputed = compute.freeze_month(OCT, recompute=True)

    assert not recomputed and again.pk == snapshot.pk and _figures_of(again) == kept


def test_a_recompute_records_when_its_snapshot_began():
    MemberFactory()
    first, _computed = compute.freeze_month(OCT)
    before = timezone.now()

    again, recomputed = compute.freeze_month(OCT, recompute=True)

    assert recomputed and first.computed_at < before <= again.computed_at <= timezone.now()
