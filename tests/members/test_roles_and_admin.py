import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse
from django.utils.module_loading import import_string

from members import roles
from members.models import Activity, User
from members.services import activity_record
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Coordinators", "Report viewers", "Experts"}
    viewers = Group.objects.get(name="Report viewers")
    assert list(viewers.permissions.values_list("codename", flat=True)) == ["view_indicators"]
    coordinator_perms = set(Group.objects.get(name="Coordinators").permissions.values_list("codename", flat=True))
    assert {"change_user", "view_activity", "add_localcommunity", "add_community"} <= coordinator_perms


def test_each_role_answers_its_own_question(member, coordinator, report_viewer, expert):
    assert not roles.is_coordinator(member) and not roles.can_view_indicators(member)
    assert roles.is_coordinator(coordinator)
    assert roles.can_view_indicators(report_viewer) and not roles.is_coordinator(report_viewer)
    assert roles.is_expert(expert) and not roles.is_expert(member)


def test_who_may_view_indicators_is_what_has_perm_says_in_one_query(
    django_assert_num_queries, member, coordinator, report_viewer
):
    view_indicators, change_user = (Permission.objects.get(codename=c) for c in ("view_indicators", "change_user"))
    direct = MemberFactory()
    direct.user_permissions.add(view_indicators)
    other_permissions = MemberFactory()  # other permissions only, given directly and through a group
    other_permissions.user_permissions.add(change_user)
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(change_user)
    other_permissions.groups.add(editors)
    unstaffed_coordinator = MemberFactory()  # the Coordinators group holds view_indicators too, staff or not
    unstaffed_coordinator.groups.add(Group.objects.get(name="Coordinators"))
    inactive_viewer = MemberFactory(is_active=False)
    inactive_viewer.groups.add(Group.objects.get(name="Report viewers"))
    expected = {member: False, coordinator: True, report_viewer: True, direct: True, other_permissions: False}
    expected |= {unstaffed_coordinator: True, inactive_viewer: False}
    expected |= {MemberFactory(is_superuser=True): True, MemberFactory(is_superuser=True, is_active=False): False}

    for user, may in expected.items():
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(0 if fresh.is_superuser or not fresh.is_active else 1):
            assert roles.can_view_indicators(fresh) is may, user
        assert User.objects.get(pk=user.pk).has_perm(roles.VIEW_INDICATORS) is may, user
    assert not roles.can_view_indicators(AnonymousUser())


def test_every_authentication_backend_decides_permissions_as_model_backend_does(settings):
    # members.roles.can_view_indicators answers as ModelBackend would, in one query of its own: a backend with
    # rules of its own (object permissions, say) would need it to ask has_perm again.
    for path in settings.AUTHENTICATION_BACKENDS:
        assert issubclass(import_string(path), ModelBackend), path


def test_a_staff_account_outside_the_coordinators_group_is_not_a_coordinator():
    assert not roles.is_coordinator(MemberFactory(is_staff=True))


def test_a_coordinator_manages_members_in_the_admin(client, coordinator, member):
    client.force_login(coordinator)
    changelist = client.get(reverse("admin:members_user_changelist"), {"country__exact": "MM", "q": "Member"})
    assert changelist.status_code == 200
    assert member.email in changelist.content.decode()
    change = client.get(reverse("admin:members_user_change", args=[member.pk]))
    assert change.status_code == 200
    for path in ("admin:members_localcommunity_changelist", "admin:members_activity_changelist"):
        assert client.get(reverse(path)).status_code == 200


def test_a_coordinator_creates_a_member_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:members_user_add"),
        {
            "email": "Invited@Ministry.example.org",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="invited@ministry.example.org").exists()


@pytest.mark.parametrize("who", ["member", "report_viewer", "expert"])
def test_other_roles_cannot_open_the_admin(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:members_user_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_activity_record_is_read_only_in_the_admin(client, coordinator, member):
    entry = activity_record(member=member, kind=Activity.Kind.DOWNLOAD)
    client.force_login(coordinator)
    assert client.get(reverse("admin:members_activity_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:members_activity_add")).status_code == 403
    assert client.post(reverse("admin:members_activity_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert Activity.objects.filter(pk=entry.pk).exists()


def test_logging_in_writes_the_activity_record(client, member):
    from tests.factories import PASSWORD

    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert Activity.objects.filter(member=member, kind="login").count() == 1


def test_the_activity_record_is_indexed_for_month_ranges():
    index_fields = {tuple(index.fields) for index in Activity._meta.indexes}
    assert ("occurred_at", "kind") in index_fields
    assert ("member", "occurred_at") in index_fields
