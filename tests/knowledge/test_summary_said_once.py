"""'Summarize this discussion' clicked twice opens the first click's draft and says so, and a draft copies a reply's
own quote when the post it replied to was hidden (only that post's quote is left out)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities import markdown
from communities.models import Membership
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Service delivery in crisis", slug="crisis")


@pytest.fixture
def leader(community):
    return member_of(community, role=Membership.Role.LEADER)


@pytest.fixture
def thread(community):
    return ThreadFactory(community=community, title="Keeping offices open in floods", opening_post__body="How?")


def _summarize(client, thread):
    return client.post(reverse("knowledge:summarize", args=[thread.community.slug, thread.pk]), follow=True)


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_second_click_says_the_draft_already_exists_and_was_opened(client, leader, thread):
    """Before, it said "A draft summary was created" for the draft the first click had made."""
    client.force_login(leader)

    first = _said(_summarize(client, thread))
    second = _said(_summarize(client, thread))

    assert KnowledgeProduct.objects.count() == 1
    assert first == ["A draft summary was created from the discussion. Edit it, then send it for review."]
    assert len(second) == 1 and "already exists" in second[0] and "opened" in second[0]
    assert "was created" not in second[0]


def test_a_replys_own_quote_is_copied_though_the_post_it_replied_to_was_hidden(client, leader, thread):
    hidden = PostFactory(thread=thread, body="Secret rumour that must never be quoted.", is_hidden=True)
    PostFactory(
        thread=thread, author=MemberFactory(full_name="Zaw Quoter"), helpful_count=40, quoted=hidden,
        body="> The district plan, page 4: counters move uphill.\n\nThat worked.",
    )  # fmt: skip
    PostFactory(
        thread=thread, author=MemberFactory(full_name="Mi Mi"), helpful_count=30, quoted=hidden,
        body=markdown.quote(hidden.body) + "I heard that too.",
    )  # fmt: skip
    client.force_login(leader)

    _summarize(client, thread)

    body = KnowledgeProduct.objects.get().body
    assert "> > The district plan, page 4: counters move uphill." in body
    assert "> I heard that too.\n> — Mi Mi" in body
    assert "Secret rumour" not in body
