"""The message after an action ("Your reply was posted.", "Join the community to start a discussion.") is read out
by a screen reader (the accessibility audit: it was not). Errors and warnings are in a role="alert" region, which
interrupts; the rest in a role="status" one, which waits its turn, and which js/announce-messages.js fills again
once the page has loaded (a status region is not read for what it holds when the page loads)."""

import pytest
from django.urls import reverse

from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory
from tests.platform.a11y_html import parse

pytestmark = pytest.mark.django_db


def _regions(html: str) -> dict[str, list[str]]:
    root = parse(html)
    (region,) = root.find_all("div", **{"class": "message-region"})
    return {node.attrs["role"]: [li.text() for li in node.find_all("li")] for node in region.find_all(role=True)}


def test_a_success_is_in_a_status_region_the_page_announces_once_loaded(client):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))

    response = client.post(
        reverse("communities:post_helpful", args=[community.slug, thread.posts.get().pk]), follow=True
    )
    html = response.content.decode()

    assert _regions(html) == {"alert": [], "status": ["Marked as helpful."]}
    assert "data-announce" in parse(html).find_all(role="status")[0].attrs
    assert "js/announce-messages" in html


def test_an_error_is_in_an_alert_region(client):
    community = CommunityFactory()
    client.force_login(MemberFactory())  # not a member: may not start a discussion

    response = client.get(reverse("communities:thread_new", args=[community.slug]), follow=True)

    assert _regions(response.content.decode()) == {"alert": ["Join the community to start a discussion."], "status": []}


def test_a_page_without_messages_has_no_regions_and_no_script(client, member):
    client.force_login(member)

    html = client.get(reverse("home")).content.decode()

    assert "message-region" not in html and "announce-messages" not in html
