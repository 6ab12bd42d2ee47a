"""The audit log is append-only in the database (PostgreSQL's trigger, members 0011): no client deletes an
entry or changes who, what or when; its text changes only while a deleted member is forgotten."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from members import privacy
from members.audit import audit_record, forgetting
from members.models import AuditEntry
from tests.factories import CoordinatorFactory, MemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"),
]


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_no_client_deletes_an_entry_or_changes_who_what_or_when():
    entry = audit_record(actor=CoordinatorFactory(), action=AuditEntry.Action.EXPORT, target="figures.csv")
    rows = AuditEntry.objects.filter(pk=entry.pk)

    assert refused(lambda: rows.delete())
    assert refused(lambda: rows.update(action=AuditEntry.Action.MODERATION))
    assert refused(lambda: rows.update(occurred_at=timezone.now()))
    assert refused(lambda: rows.update(actor=MemberFactory()))
    assert refused(lambda: rows.update(target="nothing to see"))
    assert AuditEntry.objects.get(pk=entry.pk).target == "figures.csv"


def test_forgetting_a_deleted_member_changes_the_text_and_only_within_its_block():
    entry = audit_record(actor=None, action=AuditEntry.Action.EXPORT, target="Hnin Wai <hnin@example.org>")
    rows = AuditEntry.objects.filter(pk=entry.pk)

    with transaction.atomic(), forgetting():
        rows.update(target="Former member #1")

    assert rows.get().target == "Former member #1"
    assert refused(lambda: rows.update(target="rewritten later"))


def test_account_deletion_still_forgets_the_name_in_the_log():
    member = MemberFactory(full_name="Hnin Wai Aung", email="hnin@finance.example.gov")
    audit_record(actor=member, action=AuditEntry.Action.DATA_EXPORT, target="Hnin Wai Aung <hnin@finance.example.gov>")

    privacy.account_delete(member=member)

    text = " ".join(AuditEntry.objects.values_list("actor_label", flat=True)) + " ".join(
        AuditEntry.objects.values_list("target", flat=True)
    )
    assert "Hnin Wai Aung" not in text and "hnin@finance" not in text
