"""Deleting an expert in the admin: one that members asked and rated is kept (its referrals and ratings feed
past months' indicators); one nobody asked is deleted, and its member loses the expert role with it."""

import pytest
from django.urls import reverse

from experts import services
from experts.models import Expert, Rating, Referral
from members import roles
from members.models import AuditEntry

from .factories import MemberExpertFactory, RatingFactory

pytestmark = pytest.mark.django_db


def _delete_selected(client, experts):
    return client.post(
        reverse("admin:experts_expert_changelist"),
        {"action": "delete_selected", "_selected_action": [e.pk for e in experts], "post": "yes"},
    )


def test_an_expert_members_asked_and_rated_is_kept_with_the_reason(coordinator_client):
    rating = RatingFactory()
    expert = rating.referral.expert

    page = coordinator_client.get(reverse("admin:experts_expert_delete", args=[expert.pk]))
    assert "Set the status to “Inactive” instead." in page.content.decode()
    response = coordinator_client.post(reverse("admin:experts_expert_delete", args=[expert.pk]), {"post": "yes"})

    assert response.status_code == 200  # the confirmation page again, explaining
    assert Expert.objects.filter(pk=expert.pk).exists()
    assert Referral.objects.filter(pk=rating.referral.pk).exists() and Rating.objects.filter(pk=rating.pk).exists()


def test_delete_selected_keeps_them_too(coordinator_client):
    rating = RatingFactory()
    unasked = MemberExpertFactory()

    response = _delete_selected(coordinator_client, [rating.referral.expert, unasked])

    assert "Set the status to “Inactive” instead." in response.content.decode()
    assert Expert.objects.filter(pk__in=[rating.referral.expert.pk, unasked.pk]).count() == 2


def test_an_expert_nobody_asked_is_deleted_and_the_role_goes_with_it(coordinator_client, coordinator):
    expert = MemberExpertFactory()
    services.expert_link_member(expert=expert, member=expert.member)
    member = expert.member
    assert roles.is_expert(member)

    response = _delete_selected(coordinator_client, [expert])

    assert response.status_code == 302
    assert not Expert.objects.filter(pk=expert.pk).exists()
    member.refresh_from_db()
    assert not member.groups.filter(name=roles.EXPERTS).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_REVOKED, actor=coordinator).exists()


def test_a_rating_is_not_deleted_in_the_admin(coordinator_client):
    rating = RatingFactory()

    coordinator_client.post(reverse("admin:experts_rating_delete", args=[rating.pk]), {"post": "yes"})

    assert Rating.objects.filter(pk=rating.pk).exists()
