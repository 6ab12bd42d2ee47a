"""Builders for digest data, and small helpers to build a member's digest and read what it holds.

Factories write rows directly. The helpers call digests.content the way digests.services does: shared content
once, the member's facts, then the member's sections.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from digests import content, emails
from digests.models import DigestDelivery, NewsItem


class NewsItemFactory(factory.django.DjangoModelFactory):
    """A news item shown to every member for the next month; pass communities=[…] or countries=[…] to target it."""

    class Meta:
        model = NewsItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Opportunity number {n}")
    text = "Apply by the end of the month."
    link = "https://www.undp.org/"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def communities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.communities.set(extracted)


class DigestDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestDelivery

    member = factory.SubFactory("tests.factories.MemberFactory")
    period = factory.Sequence(lambda n: f"biweekly:test-{n}")
    status = DigestDelivery.Status.QUEUED


def readers_planned(count: int) -> tuple[list, list[int]]:
    """`count` members of a community with a new discussion (by an author who has switched the digest off), and
    the ids of their deliveries, queued by the planner."""
    from digests import services
    from digests.models import DigestPreference, Frequency
    from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
    from tests.factories import MemberFactory

    community = CommunityFactory()
    author = MemberFactory()
    DigestPreference.objects.create(member=author, frequency=Frequency.OFF)
    ThreadFactory(community=community, author=author)
    members = [MembershipFactory(community=community).member for _ in range(count)]
    _round, ids = services.plan(everyone=True)
    return members, ids


def digest_of(member, *, now=None, since=None) -> content.Digest:
    """The digest `member` would get at `now`, built like services.send_batch builds it."""
    shared = content.load_shared(now)
    facts = content.load_member_facts([member])
    return content.build(member, shared, facts, since=since)


def titles(digest: content.Digest) -> dict:
    """Section name -> the titles it holds (a question is shown by its thread's title)."""
    return {
        "threads": [t.title for t in digest.threads],
        "questions": [r.thread.title for r in digest.questions],
        "events": [e.title for e in digest.events],
        "products": [p.title for p in digest.products],
        "news": [n.title for n in digest.news],
    }


def rendered(member, digest) -> tuple[str, str]:
    """The text and HTML bodies of the email for `digest`."""
    message = emails.build_message(member, digest)
    return message.body, message.alternatives[0][0]
