"""Builders for communities, memberships, threads and posts, on top of tests.factories.MemberFactory.

Factories write rows directly (no notifications, no activity record); tests that are about those side effects
go through communities.services instead.
"""

import factory
from django.utils import timezone

from communities import markdown
from communities.models import Community, Membership, Post, Thread
from tests.factories import MemberFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community of Practice {n}")
    slug = factory.Sequence(lambda n: f"cop-{n}")
    description = "Civil servants sharing what works."
    visibility = Community.Visibility.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Discussion number {n}")
    author = factory.SubFactory(MemberFactory)

    @factory.post_generation
    def opening_post(obj, create, extracted, **kwargs):
        """Every thread starts with its opening post; pass opening_post=False to skip it."""
        if create and extracted is not False:
            PostFactory(thread=obj, author=obj.author, is_opening=True, created_at=obj.created_at, **kwargs)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory, opening_post=False)
    author = factory.SubFactory(MemberFactory)
    body = factory.Sequence(lambda n: f"Reply number {n} with **some** advice.")
    body_html = factory.LazyAttribute(lambda post: markdown.render(post.body))


def member_of(community, role=Membership.Role.MEMBER, **kwargs):
    """A new member with an active membership in `community` in `role`."""
    return MembershipFactory(community=community, role=role, **kwargs).member
