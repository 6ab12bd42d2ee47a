"""The audit log: role, membership, moderation, export and deletion actions are recorded (who, what, when),
the log is append-only, coordinators read it in the admin, and deleting an account forgets the name in it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from communities.models import Community, Membership, Post, Thread
from events.models import Event, Registration
from indicators.compute import freeze_month
from members import roles
from members.audit import audit_forget, audit_record, member_label
from members.models import AuditEntry
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def admin_form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def test_granting_and_revoking_a_role_in_the_admin_is_recorded(client, coordinator, member):
    client.force_login(coordinator)
    url = reverse("admin:members_user_change", args=[member.pk])
    data = admin_form_data(client.get(url))
    viewers = Group.objects.get(name=roles.REPORT_VIEWERS)
    data["groups"] = [str(viewers.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_GRANTED)
    assert entry.actor == coordinator and entry.detail == roles.REPORT_VIEWERS
    assert entry.target == member_label(member)

    data["groups"] = []
    client.post(url, data)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_REVOKED, detail=roles.REPORT_VIEWERS).count() == 1


def test_staff_status_changes_are_recorded(client, coordinator, member):
    client.force_login(coordinator)
    url = reverse("admin:members_user_change", args=[member.pk])
    data = admin_form_data(client.get(url))
    data["is_staff"] = "on"
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.STAFF_CHANGED)
    assert "is_staff: False → True" in entry.detail


def test_membership_and_moderation_decisions_are_recorded(member):
    leader = MemberFactory()
    community = Community.objects.create(name="Budget CoP", slug="budget", visibility="request")
    Membership.objects.create(member=leader, community=community, role="leader", status="active")
    request = Membership.objects.create(member=member, community=community, status="pending")
    community_services.membership_decide(membership=request, actor=leader, approve=True)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBERSHIP)
    assert entry.actor == leader and entry.target == f"Budget CoP: {member_label(member)}"
    assert entry.detail.startswith("Approved join request")

    thread = community_services.thread_create(community=community, author=member, title="Hello", body="Hi all")
    post = Post.objects.get(thread=thread)
    community_services.post_set_hidden(post=post, actor=leader, hidden=True)
    moderation = AuditEntry.objects.get(action=AuditEntry.Action.MODERATION)
    assert moderation.actor == leader and "Budget CoP" in moderation.target and "Hid post" in moderation.detail
    assert Thread.objects.count() == 1


def test_exports_are_recorded(client, coordinator, report_viewer):
    starts = timezone.now() + timedelta(days=3)
    event = Event.objects.create(title="Clinic", slug="clinic", status="published", starts_at=starts,
                                 ends_at=starts + timedelta(hours=1))  # fmt: skip
    Registration.objects.create(event=event, member=MemberFactory())
    client.force_login(coordinator)
    client.post(
        reverse("admin:events_event_changelist"), {"action": "export_attendees", "_selected_action": [event.pk]}
    )
    assert AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).target == "Attendees CSV"

    freeze_month(timezone.now().date().replace(day=1) - timedelta(days=1))
    client.force_login(report_viewer)
    response = client.get(reverse("indicators:trend_csv"))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(actor=report_viewer, action=AuditEntry.Action.EXPORT).count() == 1


def test_deleting_in_the_admin_is_recorded(client, coordinator):
    community = Community.objects.create(name="Old CoP", slug="old")
    client.force_login(coordinator)
    response = client.post(reverse("admin:communities_community_delete", args=[community.pk]), {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETION)
    assert entry.actor == coordinator and entry.target.endswith(": Old CoP")


def test_the_log_is_append_only():
    entry = audit_record(actor=None, action=AuditEntry.Action.EXPORT, target="x")
    assert entry.actor_label == "system"
    entry.target = "changed"
    with pytest.raises(ValueError):
        entry.save()


def test_coordinators_read_the_log_and_nobody_edits_it(client, coordinator, member):
    entry = audit_record(actor=member, action=AuditEntry.Action.EXPORT, target="Attendees CSV")
    client.force_login(coordinator)
    listing = client.get(reverse("admin:members_auditentry_changelist"))
    assert listing.status_code == 200 and "Attendees CSV" in listing.content.decode()
    assert client.get(reverse("admin:members_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:members_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:members_auditentry_change", args=[entry.pk]), {"target": "forged"})
    entry.refresh_from_db()
    assert entry.target == "Attendees CSV"

    client.force_login(member)
    assert client.get(reverse("admin:members_auditentry_changelist")).status_code == 302  # not staff: to login


def test_forgetting_a_deleted_member_replaces_their_name_everywhere_in_the_log(coordinator, member):
    audit_record(actor=member, action=AuditEntry.Action.EXPORT, target="Attendees CSV")
    audit_record(actor=coordinator, action=AuditEntry.Action.ROLE_GRANTED, target=member_label(member), detail="x")
    audit_forget(member, "Former member #1")
    texts = " ".join(f"{e.actor_label} {e.target} {e.detail}" for e in AuditEntry.objects.all())
    assert member.email not in texts and member.full_name not in texts
    assert texts.count("Former member #1") == 2
