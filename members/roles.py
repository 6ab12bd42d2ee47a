"""The platform's roles, as Django groups (created by migration members.0002) and one permission check each.

Member: any active account. Expert: in the Experts group (linked to an expert profile later).
Coordinator: staff in the Coordinators group (or a superuser); manages everything in the admin.
Report viewer: UNDP staff who may read indicators and download progress reports.
"""

import functools

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Q

from cop_platform.compiled import VIEWER, Compiled, compiled_for_viewer, fetch_value

from .models import User

COORDINATORS = "Coordinators"
REPORT_VIEWERS = "Report viewers"
EXPERTS = "Experts"
ROLE_GROUPS = (COORDINATORS, REPORT_VIEWERS, EXPERTS)

# The apps whose models coordinators manage in the admin.
COORDINATED_APPS = (
    "members", "communities", "experts", "events", "knowledge", "indicators", "digests", "taggit", "account",
)  # fmt: skip
VIEW_INDICATORS = "members.view_indicators"


def _group_names(user) -> set[str]:
    # Cached on the user object: a page asks several role questions but pays for one query.
    if not hasattr(user, "_role_group_names"):
        user._role_group_names = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    return user._role_group_names


def is_coordinator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and COORDINATORS in _group_names(user))


def coordinators():
    """Every account `is_coordinator` says yes to: those who are told when something needs a coordinator."""
    return User.objects.filter(
        Q(is_superuser=True) | Q(is_staff=True, groups__name=COORDINATORS), is_active=True
    ).distinct()


def is_expert(user) -> bool:
    return user.is_authenticated and user.is_active and EXPERTS in _group_names(user)


def can_view_indicators(user) -> bool:
    """has_perm(VIEW_INDICATORS) as ModelBackend decides it (every backend in AUTHENTICATION_BACKENDS is one, a
    test checks): active, and a superuser or given the permission directly or through a group. One query that
    looks for this permission only, where has_perm reads every permission the member has, their own and their
    groups' (two queries), and the home page asks it for every member."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return fetch_value(_view_indicators_query(connection.vendor), user.pk) is not None


@functools.cache
def _view_indicators_query(_vendor: str) -> Compiled:
    """can_view_indicators' query, compiled once per process (cop_platform.compiled): building it took 2 ms."""
    app_label, codename = VIEW_INDICATORS.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    given = User.user_permissions.through.objects.filter(user_id=VIEWER, permission__in=permission)
    through_group = Group.permissions.through.objects.filter(
        group__in=User.groups.through.objects.filter(user_id=VIEWER).values("group"), permission__in=permission
    )
    return compiled_for_viewer(given.union(through_group, all=True).query.exists(), times=2)


def sync_role_permissions() -> None:
    """Give each role group its permissions. Idempotent; runs after every migrate so that models added
    by later migrations reach the coordinators too."""
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS)
    viewers, _ = Group.objects.get_or_create(name=REPORT_VIEWERS)
    Group.objects.get_or_create(name=EXPERTS)
    coordinators.permissions.add(*Permission.objects.filter(content_type__app_label__in=COORDINATED_APPS))
    # The audit log is theirs to read, never to write, change or delete (the admin refuses anyway; a
    # permission held could reach it another way).
    coordinators.permissions.remove(
        *Permission.objects.filter(content_type__app_label="members", content_type__model="auditentry").exclude(
            codename="view_auditentry"
        )
    )
    coordinators.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename="view_group"))
    app_label, codename = VIEW_INDICATORS.split(".")
    viewers.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def accounts_changeable_by(actor: User, accounts):
    """Those of `accounts` that `actor` may change in the admin: the one rule for an account's page, for many
    chosen at once (in one query), for its sign-in addresses (members.admin.GuardedEmailAddressAdmin) and for
    its expert role (experts.forms.ExpertAdminForm, experts.services.expert_created).

    Not an account being deleted, or deleted: a form opened before would write the details back. Superusers,
    and accounts a superuser gave permissions or groups of their own, are a superuser's: a coordinator who could
    reset their password or address could take them over (and the groups list, which offers coordinators the
    platform's roles only, would drop the others on save)."""
    accounts = accounts.filter(deletion_requested_at__isnull=True).not_deleted()
    if actor.is_superuser:
        return accounts
    return (
        accounts.filter(is_superuser=False)
        .exclude(user_permissions__isnull=False)
        .exclude(pk__in=User.groups.through.objects.exclude(group__name__in=ROLE_GROUPS).values("user_id"))
    )
