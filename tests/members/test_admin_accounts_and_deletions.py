"""What the coordinator deletes in the admin enters the audit log however it was deleted (one object, many at
once, an inline row); an account is deleted as its member would delete it; and a coordinator cannot reach an
account, a group or the audit log that is a superuser's."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from communities.models import LocalActionTeam
from members import roles
from members.models import AuditEntry, User
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import LocalCommunityFactory, MemberFactory

from .test_audit import admin_form_data

pytestmark = pytest.mark.django_db


def deletions() -> list[str]:
    return sorted(AuditEntry.objects.filter(action=AuditEntry.Action.DELETION).values_list("target", flat=True))


def test_deleting_several_objects_at_once_enters_each_in_the_audit_log(coordinator_client, coordinator):
    """The admin writes the entries of a bulk deletion with bulk_create, which sends no post_save."""
    teams = [
        LocalActionTeam.objects.create(
            community=CommunityFactory(name=name), local_community=LocalCommunityFactory(), name="Hlaing"
        )
        for name in ("Budget one", "Budget two")
    ]

    response = coordinator_client.post(
        reverse("admin:communities_localactionteam_changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"},
    )

    assert response.status_code == 302 and not LocalActionTeam.objects.exists()
    assert deletions() == ["local action team: Hlaing (Budget one)", "local action team: Hlaing (Budget two)"]
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {coordinator.pk}


def test_an_inline_row_deleted_from_its_parents_form_enters_the_audit_log(coordinator_client):
    community = CommunityFactory(name="Public finance")
    team = LocalActionTeam.objects.create(community=community, local_community=LocalCommunityFactory(), name="Hlaing")
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = admin_form_data(coordinator_client.get(url))
    data.update({
        "teams-TOTAL_FORMS": "1", "teams-INITIAL_FORMS": "1", "teams-MIN_NUM_FORMS": "0", "teams-MAX_NUM_FORMS": "1000",
        "teams-0-id": str(team.pk), "teams-0-community": str(community.pk), "teams-0-name": team.name,
        "teams-0-local_community": str(team.local_community_id), "teams-0-DELETE": "on",
    })  # fmt: skip

    response = coordinator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not LocalActionTeam.objects.exists()
    assert deletions() == ["local action team: Hlaing (Public finance) (from Public finance)"]


def test_an_account_is_deleted_in_the_admin_as_its_member_would_delete_it(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    member = MemberFactory(full_name="Hnin Wai", email="hnin@finance.example.gov")
    membership = MembershipFactory(member=member)
    chosen = {"action": "delete_accounts", "_selected_action": [member.pk]}
    assert coordinator_client.get(reverse("admin:members_user_delete", args=[member.pk])).status_code == 403

    asked = coordinator_client.post(reverse("admin:members_user_changelist"), chosen)
    assert "Hnin Wai" in asked.content.decode() and User.objects.get(pk=member.pk).is_active  # asks first
    with django_capture_on_commit_callbacks() as worker_part:
        done = coordinator_client.post(reverse("admin:members_user_changelist"), {**chosen, "confirmed": "yes"})

    # The request stops the account at once; the worker removes its details (several accounts' posts can take
    # longer than a request may).
    member.refresh_from_db()
    assert (member.is_active, member.full_name, member.deletion_requested_by) == (False, "Hnin Wai", coordinator)
    assert "1 account deleted: it can no longer be used" in [str(m) for m in get_messages(done.wsgi_request)][0]
    for callback in worker_part:
        callback()
    member.refresh_from_db()
    membership.refresh_from_db()
    assert (member.full_name, member.email, member.is_active) == (
        "Former member", f"deleted-{member.pk}@invalid.example", False,
    )  # fmt: skip
    assert membership.status == "left"  # ended, not deleted: past months' figures stay
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    assert (entry.actor, entry.detail) == (coordinator, "in the admin")
    assert "Hnin Wai" not in " ".join(AuditEntry.objects.values_list("target", flat=True))


def test_a_coordinator_cannot_delete_their_own_or_a_superusers_account_in_the_admin(coordinator_client, coordinator):
    boss = MemberFactory(is_superuser=True, is_staff=True)

    coordinator_client.post(
        reverse("admin:members_user_changelist"),
        {"action": "delete_accounts", "_selected_action": [boss.pk, coordinator.pk], "confirmed": "yes"},
    )

    assert User.objects.filter(pk__in=[boss.pk, coordinator.pk], is_active=True).count() == 2


def test_a_coordinator_gives_only_the_platforms_roles_and_leaves_specially_permitted_accounts_alone(
    coordinator_client, member
):
    Group.objects.create(name="Finance office")
    form = coordinator_client.get(reverse("admin:members_user_change", args=[member.pk])).context["adminform"].form
    assert sorted(group.name for group in form.fields["groups"].queryset) == sorted(roles.ROLE_GROUPS)

    translator = MemberFactory()
    translator.groups.add(Group.objects.get(name="Finance office"))  # a superuser's group: theirs to keep
    assert (
        coordinator_client.get(reverse("admin:members_user_change", args=[translator.pk])).context[
            "has_change_permission"
        ]
        is False
    )

    special = MemberFactory(email="special@example.org")
    special.user_permissions.add(Permission.objects.get(codename="view_indicators"))
    url = reverse("admin:members_user_change", args=[special.pk])
    response = coordinator_client.post(url, {**admin_form_data(coordinator_client.get(url)), "email": "mine@x.org"})
    assert response.status_code == 403
    assert User.objects.get(pk=special.pk).email == "special@example.org"


def test_coordinators_may_read_the_audit_log_but_hold_no_permission_to_write_it(coordinator):
    codenames = set(coordinator.groups.get().permissions.filter(codename__endswith="auditentry").values_list(
        "codename", flat=True
    ))  # fmt: skip

    assert codenames == {"view_auditentry"}


def test_an_expert_linked_to_a_member_in_the_admin_gets_the_expert_role_and_an_audit_entry(
    coordinator_client, coordinator, member
):
    from tests.experts.factories import ExpertFactory

    expert = ExpertFactory(name="Dr Aye")
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    data = admin_form_data(coordinator_client.get(url))

    history = coordinator_client.get(url).context["inline_admin_formsets"][0].formset.management_form
    data.update({f"{history.prefix}-{name}": value for name, value in history.initial.items()})

    response = coordinator_client.post(url, {**data, "member": str(member.pk)})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert member.groups.filter(name=roles.EXPERTS).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_GRANTED)
    assert entry.actor == coordinator and entry.detail.startswith("Experts (linked to the expert profile “Dr Aye”)")

    other = MemberFactory()
    data = admin_form_data(coordinator_client.get(url))
    data.update({f"{history.prefix}-{name}": value for name, value in history.initial.items()})
    assert coordinator_client.post(url, {**data, "member": str(other.pk)}).status_code == 302
    assert not member.groups.filter(name=roles.EXPERTS).exists()  # the role went with the link
    assert other.groups.filter(name=roles.EXPERTS).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_REVOKED, actor=coordinator).count() == 1
