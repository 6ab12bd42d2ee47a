"""A thread is listed once in a digest, in its most specific section, and the subject counts it once."""

import pytest

from digests import services
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.experts.factories import ExpertClusterFactory, MemberExpertFactory, ReferralFactory

from .factories import digest_of, rendered, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Digital services")


@pytest.fixture
def expert(community):
    """A member of the community who is also an expert in a cluster linked to it."""
    member = MembershipFactory(community=community).member
    MemberExpertFactory(member=member, clusters=[ExpertClusterFactory(communities=[community])])
    return member


def test_a_question_in_the_experts_own_community_is_not_also_a_discussion(community, expert):
    ReferralFactory(thread=ThreadFactory(community=community, title="How to digitise permits"))
    ThreadFactory(community=community, title="Open data portals")

    digest = digest_of(expert)

    assert titles(digest)["questions"] == ["How to digitise permits"]
    assert titles(digest)["threads"] == ["Open data portals"]
    text, html = rendered(expert, digest)
    assert text.count("How to digitise permits") == 1 and html.count("How to digitise permits") == 1


def test_a_thread_referred_to_several_experts_is_one_question(community, expert):
    thread = ThreadFactory(community=community, title="How to digitise permits")
    ReferralFactory(thread=thread)
    ReferralFactory(thread=thread)  # another expert asked too

    digest = digest_of(expert)

    assert titles(digest)["questions"] == ["How to digitise permits"]
    assert titles(digest)["threads"] == []


def test_the_discussions_section_is_filled_with_other_threads(community, expert):
    """Leaving out the question's thread does not cost the discussions section a place."""
    ReferralFactory(thread=ThreadFactory(community=community, title="Most replied question", reply_count=99))
    others = [ThreadFactory(community=community, title=f"Discussion {n}", reply_count=10 - n).title for n in range(6)]

    assert titles(digest_of(expert))["threads"] == others[:5]


def test_the_subject_counts_each_thread_once(community, expert, mailoutbox, settings):
    settings.SITE_NAME = "CoP Platform"
    thread = ThreadFactory(community=community, title="How to digitise permits")
    ReferralFactory(thread=thread)
    ReferralFactory(thread=thread)
    ThreadFactory(community=community, title="Open data portals")

    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)

    [email] = [m for m in mailoutbox if m.to == [expert.email]]
    assert email.subject == "CoP Platform: 2 new items for you"


def _received(member, digest):
    """`digest` recorded as sent to `member`, as send_batch records it."""
    from digests.models import DigestDelivery

    DigestDelivery.objects.create(
        member=member, period="earlier", status=DigestDelivery.Status.SENT, items=digest.item_ids()
    )


def test_a_question_received_is_not_listed_later_as_a_discussion(community, expert):
    thread = ThreadFactory(community=community, title="How to digitise permits")
    referral = ReferralFactory(thread=thread)
    _received(expert, digest_of(expert))
    referral.status = "answered"
    referral.save(update_fields=["status"])  # no longer waiting: before, the thread came back among discussions

    assert "How to digitise permits" not in titles(digest_of(expert))["threads"]


def test_a_question_received_is_not_listed_again_when_a_second_expert_is_asked(community, expert):
    thread = ThreadFactory(community=community, title="How to digitise permits")
    ReferralFactory(thread=thread)
    _received(expert, digest_of(expert))
    ReferralFactory(thread=thread)  # another expert asked later: a new referral of the same thread

    assert titles(digest_of(expert))["questions"] == []
