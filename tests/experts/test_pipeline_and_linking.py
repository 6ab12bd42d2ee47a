"""The expert pipeline's dated history, and linking mapped experts to member accounts by verified email."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import Expert, ExpertStatusChange
from members import roles
from members.models import Language, User
from tests.factories import MemberFactory

from .factories import ExpertClusterFactory, ExpertFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-7"


# --- Pipeline ---------------------------------------------------------------------------------------------------


def test_it_keeps_a_dated_history_of_status_changes(coordinator):
    expert = ExpertFactory(status=Expert.Status.MAPPED, status_changed_at=timezone.now() - timedelta(days=30))
    before = timezone.now()
    services.expert_set_status(expert=expert, status=Expert.Status.CONTACTED, actor=coordinator, note="first call")
    services.expert_set_status(expert=expert, status=Expert.Status.ENGAGED)

    expert.refresh_from_db()
    assert expert.status == Expert.Status.ENGAGED
    assert expert.status_changed_at >= before
    history = list(ExpertStatusChange.objects.filter(expert=expert).order_by("changed_at", "pk"))
    assert [(h.from_status, h.to_status, h.changed_by, h.note) for h in history] == [
        ("mapped", "contacted", coordinator, "first call"),
        ("contacted", "engaged", None, ""),
    ]
    assert all(before <= h.changed_at <= timezone.now() for h in history)
    assert str(history[0]) == f"{expert.name}: Mapped → Contacted"


def test_it_ignores_setting_the_same_status(coordinator):
    since = timezone.now() - timedelta(days=3)
    expert = ExpertFactory(status=Expert.Status.ACTIVE, status_changed_at=since)
    changed = services.expert_set_status(expert=expert, status=Expert.Status.ACTIVE, actor=coordinator)
    expert.refresh_from_db()
    assert changed is False
    assert expert.status_changed_at == since
    assert not ExpertStatusChange.objects.exists()


def test_a_status_set_again_from_an_earlier_read_adds_no_history(coordinator):
    """Before, the second request of a double click compared the status it had read (mapped) and wrote a second,
    identical, history row."""
    expert = ExpertFactory(status=Expert.Status.MAPPED)
    second_click = Expert.objects.get(pk=expert.pk)
    first = services.expert_set_status(expert=expert, status=Expert.Status.ENGAGED, actor=coordinator)

    second = services.expert_set_status(expert=second_click, status=Expert.Status.ENGAGED, actor=coordinator)

    history = ExpertStatusChange.objects.filter(expert=expert)
    assert list(history.values_list("from_status", "to_status")) == [("mapped", "engaged")]
    assert (first, second) == (True, False)  # what the admin's action counts


def test_it_records_the_first_stage_when_an_expert_is_created(coordinator):
    cluster = ExpertClusterFactory()
    english = Language.objects.get(code="en")
    expert = services.expert_create(
        actor=coordinator, name="Mai Pham", email="mai@example.org", clusters=[cluster],
        expertise=["procurement"], languages=[english], countries=["VN"],
    )  # fmt: skip
    assert [(h.from_status, h.to_status, h.changed_by) for h in expert.status_history.all()] == [
        ("", "mapped", coordinator)
    ]
    assert list(expert.clusters.all()) == [cluster]
    assert list(expert.expertise.names()) == ["procurement"]
    assert list(expert.languages.all()) == [english]
    assert expert.member is None


# --- Linking -----------------------------------------------------------------------------------------------------


def _confirmation_link(email_body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", email_body)
    assert match, email_body
    return match.group(1)


def test_it_links_a_mapped_expert_to_the_member_who_signs_up_and_confirms_the_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertFactory(name="Nilar Aung", email="nilar.aung@university.example.org", status=Expert.Status.MAPPED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "Nilar.Aung@university.example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    member = User.objects.get(email__iexact="nilar.aung@university.example.org")
    # Not linked before the address is confirmed: anyone could type it.
    expert.refresh_from_db()
    assert expert.member is None
    assert not member.groups.filter(name=roles.EXPERTS).exists()

    link = _confirmation_link(mailoutbox[-1].body)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    assert EmailAddress.objects.get(user=member).verified
    expert.refresh_from_db()
    assert expert.member == member
    assert member.groups.filter(name=roles.EXPERTS).exists()
    assert roles.is_expert(User.objects.get(pk=member.pk))


def test_it_does_not_link_an_expert_already_linked_to_someone_else(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    other = MemberFactory()
    expert = ExpertFactory(email="shared@university.example.org", member=other)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "shared@university.example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_confirmation_link(mailoutbox[-1].body))
    expert.refresh_from_db()
    assert expert.member == other


def test_it_links_an_expert_created_with_the_email_of_a_verified_member_at_once(coordinator):
    member = MemberFactory(email="arun@ministry.example.org")
    expert = services.expert_create(actor=coordinator, name="Arun Prasad", email="ARUN@ministry.example.org")
    expert.refresh_from_db()
    assert expert.member == member
    assert member.groups.filter(name=roles.EXPERTS).exists()


def test_it_does_not_link_an_expert_to_a_member_whose_email_is_not_verified(coordinator):
    member = MemberFactory(email="unverified@ministry.example.org")
    EmailAddress.objects.filter(user=member).update(verified=False)
    expert = services.expert_create(actor=coordinator, name="Someone", email="unverified@ministry.example.org")
    expert.refresh_from_db()
    assert expert.member is None
    assert not member.groups.filter(name=roles.EXPERTS).exists()


def test_it_links_a_member_to_one_expert_profile_only(coordinator):
    member = MemberFactory(email="one@ministry.example.org")
    first = ExpertFactory(member=member, email="")
    second = services.expert_create(actor=coordinator, name="Second", email="one@ministry.example.org")
    second.refresh_from_db()
    assert second.member is None
    assert services.expert_link_by_email(member=member, email="one@ministry.example.org") is None
    first.refresh_from_db()
    assert first.member == member


def test_it_links_an_expert_added_in_the_admin_to_the_verified_member_with_that_email(client, coordinator):
    member = MemberFactory(email="added.in.admin@ministry.example.org")
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:experts_expert_add"),
        {
            "name": "Added In Admin", "category": "academic", "organization": "", "countries": ["MM"],
            "gender": "", "bio": "", "expertise": "", "capacity_per_month": "4",
            "email": "added.in.admin@ministry.example.org", "phone": "", "member": "",
            "status_history-TOTAL_FORMS": "0", "status_history-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    expert = Expert.objects.get(name="Added In Admin")
    assert expert.status_history.count() == 1
    assert expert.member == member


def _admin_expert_form(member) -> dict:
    """The admin's add form for an expert linked to `member`."""
    return {
        "name": "Added In Admin", "category": "academic", "organization": "", "countries": ["MM"],
        "gender": "", "bio": "", "expertise": "", "capacity_per_month": "4",
        "email": "", "phone": "", "member": str(member.pk),
        "status_history-TOTAL_FORMS": "0", "status_history-INITIAL_FORMS": "0",
    }  # fmt: skip


def test_the_admin_refuses_to_link_a_deactivated_account_but_keeps_an_existing_link(client, coordinator):
    gone = MemberFactory(email="gone@ministry.example.org", is_active=False)
    data = _admin_expert_form(member=gone)
    client.force_login(coordinator)

    response = client.post(reverse("admin:experts_expert_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["member"] == [
        "This account is deactivated or being deleted. Link an active account, or none."
    ]
    assert not Expert.objects.filter(name="Added In Admin").exists()

    # An expert linked before their account was deactivated can still be saved, link and all.
    linked = ExpertFactory(name="Linked Before", member=gone)
    edited = client.post(
        reverse("admin:experts_expert_change", args=[linked.pk]), {**data, "name": "Linked Before, renamed"}
    )
    assert edited.status_code == 302
    assert Expert.objects.get(pk=linked.pk).member == gone


def test_it_does_not_link_an_expert_to_a_deactivated_account_with_that_email(coordinator):
    member = MemberFactory(email="gone@ministry.example.org", is_active=False)
    expert = services.expert_create(actor=coordinator, name="Gone Expert", email="gone@ministry.example.org")
    expert.refresh_from_db()
    assert expert.member is None
    assert not member.groups.filter(name=roles.EXPERTS).exists()


def test_the_admin_links_a_coordinator_only_to_accounts_whose_roles_they_may_change(client, coordinator):
    """Linking gives the account the expert role: an account a superuser gave a group of its own is theirs."""
    auditors = Group.objects.create(name="Auditors")
    privileged = MemberFactory(email="auditor@ministry.example.org")
    privileged.groups.add(auditors)
    data = _admin_expert_form(member=privileged)
    client.force_login(coordinator)

    refused = client.post(reverse("admin:experts_expert_add"), data)

    assert refused.context["adminform"].form.errors["member"] == [
        "Only a superuser may change this account's roles. Link another account, or none."
    ]
    assert list(privileged.groups.values_list("name", flat=True)) == ["Auditors"]

    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    assert client.post(reverse("admin:experts_expert_add"), data).status_code == 302
    assert set(privileged.groups.values_list("name", flat=True)) == {"Auditors", roles.EXPERTS}


def test_a_coordinator_does_not_link_an_account_they_may_not_change_by_its_address(client, coordinator):
    """Mapping an expert with a verified address links its account: not one that is a superuser's."""

    def root(email):
        account = MemberFactory(email=email, is_staff=True, is_superuser=True)
        EmailAddress.objects.update_or_create(user=account, email=email, defaults={"verified": True, "primary": True})
        return account

    in_admin, in_csv, later = root("a@ministry.example.org"), root("b@ministry.example.org"), root("c@x.org")
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:experts_expert_add"),
        {**_admin_expert_form(member=in_admin), "member": "", "email": in_admin.email},
    )
    mapped = services.expert_create(actor=coordinator, name="From CSV", email=in_csv.email)

    assert response.status_code == 302
    assert Expert.objects.get(name="Added In Admin").member is None and mapped.member is None
    assert not User.objects.filter(groups__name=roles.EXPERTS).exists()
    # Without a coordinator (the system mapping it), the link is made as before.
    assert services.expert_create(name="By the system", email=later.email).member == later


def test_a_coordinator_does_not_unlink_an_account_they_may_not_change(client, coordinator):
    root = MemberFactory(is_staff=True, is_superuser=True)
    expert = ExpertFactory(name="Linked By A Superuser")
    services.expert_link_member(expert=expert, member=root)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:experts_expert_change", args=[expert.pk]),
        {**_admin_expert_form(member=root), "name": "Linked By A Superuser", "member": ""},
    )

    assert response.context["adminform"].form.errors["member"] == [
        "Only a superuser may change the roles of the account linked now, and so unlink it."
    ]
    assert Expert.objects.get(pk=expert.pk).member == root and root.groups.filter(name=roles.EXPERTS).exists()
