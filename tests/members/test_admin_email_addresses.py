"""Sign-in addresses in the admin follow the members admin's rule (members.roles.accounts_changeable_by): a
coordinator who could change, add or verify an address of an account that is a superuser's could reset its
password and take it over."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.privacy import account_delete_request
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def privileged():
    """An account a superuser gave a group of their own, with a permission the platform's roles do not hold."""
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="change_group"))
    account = MemberFactory(email="auditor@example.org")
    account.groups.add(auditors)
    return account


def _change(client, address: EmailAddress, **data):
    fields = {"user": address.user_id, "email": address.email, "verified": "on", "primary": "on", **data}
    return client.post(reverse("admin:account_emailaddress_change", args=[address.pk]), fields)


def test_a_coordinator_cannot_change_or_delete_the_address_of_a_superusers_account(coordinator_client, privileged):
    address = privileged.emailaddress_set.get()

    assert _change(coordinator_client, address, email="attacker@example.org").status_code == 403
    delete = coordinator_client.post(reverse("admin:account_emailaddress_delete", args=[address.pk]), {"post": "yes"})

    assert delete.status_code == 403
    assert list(EmailAddress.objects.filter(user=privileged).values_list("email", flat=True)) == ["auditor@example.org"]


def test_a_coordinator_cannot_give_a_superusers_account_an_address(coordinator_client, privileged, member):
    add = coordinator_client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": privileged.pk, "email": "attacker@example.org", "verified": "on", "primary": "on"},
    )
    moved = _change(coordinator_client, member.emailaddress_set.get(), user=privileged.pk)

    for response in (add, moved):
        assert response.status_code == 200
        assert "Select a valid choice" in str(response.context["adminform"].form.errors["user"])
    assert not EmailAddress.objects.filter(user=privileged).exclude(email="auditor@example.org").exists()
    assert member.emailaddress_set.get().user_id == member.pk


def test_marking_addresses_verified_leaves_a_superusers_accounts_alone(coordinator_client, privileged, member):
    EmailAddress.objects.create(user=privileged, email="second@example.org", verified=False)
    EmailAddress.objects.create(user=member, email="member.second@example.org", verified=False)

    coordinator_client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": list(EmailAddress.objects.values_list("pk", flat=True))},
    )

    assert dict(EmailAddress.objects.filter(primary=False).values_list("email", "verified")) == {
        "second@example.org": False,
        "member.second@example.org": True,
    }


def test_a_coordinator_changes_a_members_address_and_a_superuser_anyones(
    coordinator_client, client, privileged, member
):
    assert _change(coordinator_client, member.emailaddress_set.get(), email="new@example.org").status_code == 302
    assert member.emailaddress_set.get().email == "new@example.org"

    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    assert _change(client, privileged.emailaddress_set.get(), email="auditor@new.example.org").status_code == 302
    assert privileged.emailaddress_set.get().email == "auditor@new.example.org"


def test_nobody_changes_the_address_of_an_account_being_deleted(client, member):
    account_delete_request(member=member)
    address = member.emailaddress_set.get()  # the worker has not removed it yet
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    assert _change(client, address, email="back@example.org").status_code == 403
    assert member.emailaddress_set.get().email == address.email


def test_marking_addresses_verified_says_what_it_did_and_which_experts_it_linked(
    coordinator_client, privileged, member
):
    from experts.models import Expert

    EmailAddress.objects.create(user=privileged, email="second@example.org", verified=False)
    EmailAddress.objects.create(user=member, email="mapped@example.org", verified=False)
    expert = Expert.objects.create(name="Mapped Expert", email="mapped@example.org")

    response = coordinator_client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": list(EmailAddress.objects.values_list("pk", flat=True))},
        follow=True,
    )

    said = [str(message) for message in response.context["messages"]]
    assert said == [
        "Marked mapped@example.org as verified.",  # allauth's own
        "1 address was left unverified: its account is for a superuser to change.",
        "1 expert profile mapped under such an address was linked to its account.",
    ]
    expert.refresh_from_db()
    assert expert.member == member


def test_marking_addresses_verified_again_says_nothing_was_done(coordinator_client, member):
    response = coordinator_client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [member.emailaddress_set.get().pk]},  # verified already
        follow=True,
    )

    said = [str(message) for message in response.context["messages"]]
    assert said == ["No address was marked as verified: those chosen were already."]
