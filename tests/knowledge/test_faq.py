"""A community's FAQ page: its published questions in order, answers as sanitized Markdown, and no FAQ at all
for a private community one is not a member of."""

import pytest
from django.urls import reverse

from knowledge import services
from knowledge.models import FAQItem
from tests.communities.factories import CommunityFactory, member_of
from tests.factories import MemberFactory

from .factories import FAQItemFactory

pytestmark = pytest.mark.django_db


def _faq(client, community):
    return client.get(reverse("knowledge:faq", args=[community.slug]))


def test_it_lists_the_published_questions_in_order(client, open_community):
    FAQItemFactory(community=open_community, question="Third?", position=3)
    FAQItemFactory(community=open_community, question="First?", position=1)
    FAQItemFactory(community=open_community, question="Not ready yet?", position=0, is_published=False)
    FAQItemFactory(community=open_community, question="Second?", position=2)
    FAQItemFactory(community=CommunityFactory(), question="Another community's?", position=0)

    response = _faq(client, open_community)

    assert response.status_code == 200
    assert [item.question for item in response.context["items"]] == ["First?", "Second?", "Third?"]
    page = response.content.decode()
    assert page.index("First?") < page.index("Second?") < page.index("Third?")
    assert "Not ready yet?" not in page
    assert "Another community&#x27;s?" not in page and "Another community's?" not in page


def test_it_renders_answers_as_sanitized_markdown(client, open_community):
    services.faq_save(
        FAQItem(
            community=open_community,
            question="How do I join?",
            answer="Press **Join**. <script>alert(1)</script> [More](javascript:alert(2)) <img src=x onerror=alert(3)>",
        )
    )

    page = _faq(client, open_community).content.decode()

    assert "<strong>Join</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page
    assert "<img src=x onerror=alert(3)>" not in page


def test_it_shows_an_empty_faq_politely(client, open_community):
    response = _faq(client, open_community)

    assert "No questions have been answered here yet." in response.content.decode()


def test_a_private_communitys_faq_is_only_for_its_members(client, private_community, coordinator):
    FAQItemFactory(community=private_community, question="Who sits on the circle?")

    assert _faq(client, private_community).status_code == 404
    client.force_login(MemberFactory())
    assert _faq(client, private_community).status_code == 404
    for insider in (member_of(private_community), coordinator):
        client.force_login(insider)
        response = _faq(client, private_community)
        assert response.status_code == 200
        assert "Who sits on the circle?" in response.content.decode()


def test_a_request_to_join_communitys_faq_is_public(client):
    community = CommunityFactory(visibility="request")
    FAQItemFactory(community=community, question="How long does approval take?")

    assert "How long does approval take?" in _faq(client, community).content.decode()


def test_an_unknown_community_has_no_faq(client):
    assert client.get(reverse("knowledge:faq", args=["no-such-community"])).status_code == 404


def test_the_admin_renders_the_answer_when_saving(client, coordinator, open_community):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:knowledge_faqitem_add"),
        {"community": open_community.pk, "question": "Q?", "answer": "An *answer*", "position": 0,
         "is_published": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert FAQItem.objects.get().answer_html.strip() == "<p>An <em>answer</em></p>"
