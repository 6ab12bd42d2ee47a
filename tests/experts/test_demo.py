"""The demo data for experts: clusters, a pipeline of experts, and referrals in every state. Idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.models import Notification
from experts.models import Expert, ExpertCluster, ExpertStatusChange, Rating, Referral

pytestmark = pytest.mark.django_db

ASEAN = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"}


def _counts():
    return tuple(
        model.objects.count() for model in (ExpertCluster, Expert, ExpertStatusChange, Referral, Rating, Notification)
    )


def test_it_seeds_experts_and_referrals_in_every_state_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=30, verbosity=0)

    assert ExpertCluster.objects.count() >= 4
    assert all(cluster.communities.exists() for cluster in ExpertCluster.objects.all())
    experts = list(Expert.objects.all())
    assert len(experts) >= 20
    statuses = {expert.status for expert in experts}
    assert statuses >= {"mapped", "contacted", "engaged", "active", "inactive"}
    countries = {country.code for expert in experts for country in expert.countries}
    assert len(countries & ASEAN) >= 5
    assert all(expert.status_history.exists() for expert in experts)

    demo = Expert.objects.get(member__email="expert@example.org")
    assert demo.status == Expert.Status.ACTIVE
    assert demo.clusters.exists()

    now = timezone.now()
    assert Referral.objects.filter(status=Referral.Status.ANSWERED, first_answer_at__isnull=False).exists()
    assert Referral.objects.filter(status=Referral.Status.OPEN, due_at__gt=now).exists()
    overdue = Referral.objects.filter(status=Referral.Status.OPEN, due_at__lt=now)
    assert overdue.exists()
    assert overdue.filter(reminded_at__isnull=True).exists()  # so the reminder task has something to do
    # The experts' demo rates one referral; the indicators' history adds a rated question a month.
    rated_referrals = Referral.objects.filter(ratings__isnull=False).distinct()
    assert rated_referrals.exists()
    for rated in rated_referrals:
        assert rated.status == Referral.Status.RESOLVED
        assert rated.first_answer.author == demo.member
        assert rated.ratings.get().rater == rated.asked_by

    first = _counts()
    call_command("seed_demo", members=30, verbosity=0)
    assert _counts() == first
