"""A notification is worded in its recipient's language, not in that of whoever acted: a Burmese member approved
by a leader reading Russian read "Ваш запрос…"."""

import pytest
from django.utils import translation

from communities import services
from communities.models import Community, Membership, Notification
from knowledge import services as knowledge_services
from tests.factories import MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory

from .factories import CommunityFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def text_of(member) -> str:
    return Notification.objects.get(recipient=member).text


def in_language(language, message, **params) -> str:
    with translation.override(language):
        return translation.gettext(message) % params


def test_a_decision_reaches_the_member_in_their_language_whoever_decided():
    community = CommunityFactory(name="Budget practice", visibility=Community.Visibility.REQUEST)
    leader = MembershipFactory(community=community, role=Membership.Role.LEADER, member__language="ru").member
    asker = MemberFactory(language="my")
    request = services.community_join(member=asker, community=community)

    with translation.override("ru"):  # the leader's page
        services.membership_decide(membership=request, actor=leader, approve=True)

    expected = in_language("my", "Your request to join %(community)s was approved. Welcome!", community=community)
    assert text_of(asker) == expected
    assert text_of(leader) == in_language(
        "ru", "%(member)s asks to join %(community)s", member=asker, community=community
    )


def test_a_reply_and_a_publication_reach_each_reader_in_theirs():
    thread = ThreadFactory(title="Cash transfers")
    burmese, russian = MemberFactory(language="my"), MemberFactory(language="ru")
    for member in (burmese, russian):
        MembershipFactory(community=thread.community, member=member)
        thread.followers.add(member)
    writer = MemberFactory(full_name="Aye Writer")

    services.post_reply(thread=thread, author=writer, body="An answer", shown_in=thread.community)

    for member, language in ((burmese, "my"), (russian, "ru")):
        expected = in_language(language, "%(member)s replied in “%(thread)s”", member=writer, thread=thread)
        assert text_of(member) == expected
    product = KnowledgeProductFactory(title="Guidance", authors=[russian], status="in_review", published_at=None)
    knowledge_services.product_publish(product=product, actor=writer)
    published = Notification.objects.filter(recipient=russian, kind=Notification.Kind.KNOWLEDGE).get().text
    assert published == in_language("ru", "“%(title)s” was published", title="Guidance")
