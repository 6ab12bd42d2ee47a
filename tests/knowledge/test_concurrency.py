"""Two requests at once on one product (a double click, two coordinators): the workflow's transitions read the
status under the product's lock, and a second "Summarize" click waits for the first. Real concurrent transactions:
PostgreSQL only (tests/support/together.py); test_workflow.py and test_summary.py pin the same outcomes one request
after the other, on every database."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Membership, Notification
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import CoordinatorFactory, MemberFactory
from tests.support.together import postgresql_only, together

from .factories import KnowledgeProductFactory

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]

Status = KnowledgeProduct.Status


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_together(*posts) -> list:
    """Each (user, url, data) posted at the same moment by its own signed-in browser; the responses, in order."""
    browsers = [(_signed_in(user), url, data) for user, url, data in posts]
    return together(
        *(lambda browser=browser, url=url, data=data: browser.post(url, data) for browser, url, data in browsers)
    )


def _transition_url(product, action) -> str:
    return reverse("knowledge:transition", args=[product.slug, action])


def test_a_double_click_on_send_for_review_tells_each_coordinator_once():
    coordinator = CoordinatorFactory()
    for _round in range(3):
        author = MemberFactory()
        product = KnowledgeProductFactory(status=Status.DRAFT, authors=[author])
        click = (author, _transition_url(product, "submit"), {"status_seen": "draft"})  # as the page posts it

        results = _post_together(click, click)

        # A second click read after the first was stored finds nothing to send (404, as test_workflow pins).
        assert sorted(response.status_code for response in results) in ([302, 302], [302, 404])
        assert Notification.objects.filter(recipient=coordinator, url=product.get_absolute_url()).count() == 1


def test_publish_and_send_back_at_once_leave_one_of_them_done_and_the_authors_told_once():
    for _round in range(3):
        author = MemberFactory()
        product = KnowledgeProductFactory(status=Status.IN_REVIEW, authors=[author])

        results = _post_together(
            (CoordinatorFactory(), _transition_url(product, "publish"), {"status_seen": "in_review"}),
            (CoordinatorFactory(), _transition_url(product, "return"), {"status_seen": "in_review", "note": "Add it."}),
        )

        assert [response.status_code for response in results] == [302, 302]
        product.refresh_from_db()
        assert (product.status, product.published_at is not None) in [(Status.PUBLISHED, True), (Status.DRAFT, False)]
        assert Notification.objects.filter(recipient=author).count() == 1


def test_a_double_click_on_summarize_makes_one_draft():
    for _round in range(3):
        community = CommunityFactory()
        leader = member_of(community, role=Membership.Role.LEADER)
        thread = ThreadFactory(community=community)
        click = (leader, reverse("knowledge:summarize", args=[community.slug, thread.pk]), {})

        results = _post_together(click, click)

        summary = KnowledgeProduct.objects.get(source_threads=thread)
        assert [response.url for response in results] == [reverse("knowledge:edit", args=[summary.slug])] * 2
