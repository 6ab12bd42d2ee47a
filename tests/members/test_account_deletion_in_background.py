"""Deleting an account: the request stops it, a worker removes its details (members.privacy.account_delete_request).

Removing the details reads every post (about 2 s at a million posts), so a coordinator deleting ten accounts at
once ran past the server's timeout. The account stops working in the request; the rest is a Celery task, handed
over again by beat if it was lost, and harmless to run twice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from members import privacy, tasks
from members.models import AuditEntry, User
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

PRIVACY_URL = reverse("members:privacy")


def _ask(client, member):
    client.force_login(member)
    return client.post(PRIVACY_URL, {"action": "delete", "password": PASSWORD, "confirmation": "DELETE"})


def test_the_request_stops_the_account_and_the_worker_removes_its_details(client, django_capture_on_commit_callbacks):
    member = MemberFactory(full_name="Hnin Wai")
    with django_capture_on_commit_callbacks() as worker_part:
        response = _ask(client, member)

    assert response.status_code == 302 and response.url == reverse("members:privacy_deleted")
    member.refresh_from_db()
    assert not member.is_active and member.deletion_requested_at is not None
    assert member.deletion_requested_by is None  # the member themselves
    assert member.full_name == "Hnin Wai"  # not yet: that is the worker's part
    assert client.get(reverse("members:profile_edit")).status_code == 302  # signed out: the account is inactive
    assert "being removed" in client.get(reverse("members:privacy_deleted")).content.decode()

    for callback in worker_part:  # the task, run eagerly in tests
        callback()
    member.refresh_from_db()
    assert (member.full_name, member.email) == ("Former member", f"deleted-{member.pk}@invalid.example")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    assert (entry.actor, entry.detail) == (None, "by the member")


def test_the_task_run_twice_deletes_once(django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete_request(member=member)

    assert tasks.delete_account_task(member.pk) == "done"  # acks_late re-runs it after a lost worker
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_DELETED).count() == 1
    assert tasks.delete_account_task(MemberFactory().pk) == "skipped"  # nobody asked to delete this one


def test_asking_twice_while_it_waits_changes_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks() as first:
        privacy.account_delete_request(member=member)
    asked_at = User.objects.get(pk=member.pk).deletion_requested_at
    with django_capture_on_commit_callbacks() as second:
        privacy.account_delete_request(member=member)

    assert len(first) == 1 and second == []  # one task
    assert User.objects.get(pk=member.pk).deletion_requested_at == asked_at


def test_with_the_broker_down_the_deletion_waits_for_the_sweep(monkeypatch, django_capture_on_commit_callbacks):
    member = MemberFactory(full_name="Hnin Wai")

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.delete_account_task, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            privacy.account_delete_request(member=member)  # the member still gets their answer
    assert User.objects.get(pk=member.pk).full_name == "Hnin Wai"

    assert tasks.sweep_account_deletions_task() == 0  # not before DELETION_SWEEP_AFTER: its task may be on its way
    User.objects.filter(pk=member.pk).update(
        deletion_requested_at=timezone.now() - privacy.DELETION_SWEEP_AFTER - timedelta(seconds=1)
    )
    assert tasks.sweep_account_deletions_task() == 1
    assert User.objects.get(pk=member.pk).full_name == "Former member"
    assert tasks.sweep_account_deletions_task() == 0  # done: nothing left to hand over


def test_a_superuser_whose_deletion_was_allowed_when_asked_is_deleted_by_the_worker(
    django_capture_on_commit_callbacks,
):
    """The check is made when asked; the worker does not refuse later (it would retry for ever)."""
    first, second = MemberFactory(is_superuser=True), MemberFactory(is_superuser=True)
    with django_capture_on_commit_callbacks() as worker_part:
        privacy.account_delete_request(member=first)
    with pytest.raises(privacy.PrivacyError):  # the other one is now the last active superuser
        privacy.account_delete_request(member=second)
    for callback in worker_part:
        callback()

    assert User.objects.get(pk=first.pk).full_name == "Former member"
    assert User.objects.get(pk=second.pk).is_active


def test_two_copies_of_the_task_at_once_delete_once_and_leave_other_former_members_alone(
    django_capture_on_commit_callbacks,
):
    """The sweep's copy and a late one can wait on the same row lock: the second finds the account deleted."""
    earlier, member = MemberFactory(), MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete_request(member=earlier)
        privacy.account_delete_request(member=member)
    targets = sorted(AuditEntry.objects.values_list("target", flat=True))

    # The second copy got past account_delete_finish's check before the first committed.
    privacy.account_delete(member=User.objects.get(pk=member.pk), asked=True)

    assert sorted(AuditEntry.objects.values_list("target", flat=True)) == targets
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_DELETED).count() == 2


def test_an_account_being_deleted_is_closed_at_once_and_cannot_be_changed_in_the_admin(
    client, coordinator, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    old_session = client
    old_session.force_login(member)
    with django_capture_on_commit_callbacks():  # the worker has not run yet
        privacy.account_delete_request(member=member, deleted_by=coordinator)

    member.refresh_from_db()
    assert not member.has_usable_password()  # no sign-in, no reset, even if ticked "active" again
    assert old_session.get(reverse("members:profile_edit")).status_code == 302  # its sessions are over
    User.objects.filter(pk=member.pk).update(is_active=True)
    assert old_session.get(reverse("members:profile_edit")).status_code == 302

    client.force_login(coordinator)
    url = reverse("admin:members_user_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]  # shown, not editable
    assert "../password/" not in page.content.decode()  # no "Set password" link that would be refused
    assert "../password/" in client.get(reverse("admin:members_user_change", args=[coordinator.pk])).content.decode()
    assert client.post(url, {"email": member.email, "full_name": "Back again"}).status_code == 403
