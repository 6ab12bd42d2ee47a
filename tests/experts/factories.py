"""Builders for expert clusters, experts and referrals, on top of the member and community factories.

Like tests.communities.factories, these write rows directly: no status history, no account linking, no
notifications. Tests about those side effects go through experts.services instead.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from experts.models import Expert, ExpertCluster, Rating, Referral
from tests.communities.factories import ThreadFactory
from tests.factories import MemberFactory


class ExpertClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertCluster
        skip_postgeneration_save = True

    theme = factory.Sequence(lambda n: f"Cluster theme {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    description = "Experts who answer questions on this theme."

    @factory.post_generation
    def keywords(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.keywords.add(*extracted)

    @factory.post_generation
    def communities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.communities.set(extracted)


class ExpertFactory(factory.django.DjangoModelFactory):
    """An active expert without a member account; pass member=… to link one, status=… for another stage."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Expert Person {n:03d}")
    email = factory.Sequence(lambda n: f"mapped.expert{n}@experts.example.org")
    phone = "+95 1 234 567"
    category = Expert.Category.ACADEMIC
    countries = ["MM"]
    organization = "Institute of Public Administration"
    status = Expert.Status.ACTIVE
    capacity_per_month = 4

    @factory.post_generation
    def clusters(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.clusters.set(extracted)

    @factory.post_generation
    def expertise(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.expertise.add(*extracted)

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)


class MemberExpertFactory(ExpertFactory):
    """An active expert linked to a member account (with no separate contact email)."""

    member = factory.SubFactory(MemberFactory)
    email = ""


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    thread = factory.SubFactory(ThreadFactory)
    community = factory.LazyAttribute(lambda referral: referral.thread.community)
    expert = factory.SubFactory(MemberExpertFactory)
    asked_by = factory.LazyAttribute(lambda referral: referral.thread.author)
    flagged_by = None
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    referral = factory.SubFactory(ReferralFactory)
    rater = factory.LazyAttribute(lambda rating: rating.referral.asked_by)
    score = 4
