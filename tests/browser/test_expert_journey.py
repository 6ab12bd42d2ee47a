import re

import pytest

from communities import services as community_services
from communities.models import Community, Membership
from experts import services as expert_services
from experts.models import Expert, Rating
from tests.factories import MemberFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_asks_an_expert_who_answers_and_the_asker_rates_it(new_page, live_server, a11y):
    community = Community.objects.create(name="Digital skills", slug="digital-skills", visibility="open")
    community.themes.add("data literacy")
    leader, asker, expert_member = MemberFactory(), MemberFactory(full_name="Khin May"), MemberFactory()
    community_services.membership_add(community=community, member=leader, actor=leader, role=Membership.Role.LEADER)
    community_services.community_join(member=asker, community=community)
    thread = community_services.thread_create(
        community=community, author=asker, title="Data literacy course design", body="How long should it be?"
    )
    expert = expert_services.expert_create(name="Dr. Lina Wijaya", email="", status=Expert.Status.ACTIVE,
                                           expertise=["data literacy"])  # fmt: skip
    expert_services.expert_link_member(expert=expert, member=expert_member)

    desktop = {"width": 1280, "height": 900}

    page = new_page(viewport=desktop)
    sign_in(page, live_server, leader)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_role("link", name="Ask an expert").click()
    a11y(page)
    page.get_by_label(re.compile("Dr. Lina Wijaya")).check()
    page.get_by_role("button", name="Ask the selected experts").click()
    assert page.get_by_text("1 expert was asked and notified.").is_visible()
    a11y(page)

    # The expert answers from the notification.
    page = new_page(viewport=desktop)
    sign_in(page, live_server, expert_member)
    page.goto(live_server.url + "/notifications/")
    a11y(page)
    page.get_by_role("link", name=re.compile("Your expertise is requested")).click()
    page.get_by_label("Your reply").fill("Four weeks, with one practical exercise a week.")
    page.get_by_role("button", name="Post reply").click()
    assert page.locator(".badge", has_text="Expert answer").first.is_visible()
    a11y(page)
    page.get_by_role("link", name="Experts", exact=True).click()
    a11y(page)
    page.get_by_role("link", name="Dr. Lina Wijaya").first.click()
    a11y(page)

    # The asker rates the advice.
    page = new_page(viewport=desktop)
    sign_in(page, live_server, asker)
    page.goto(live_server.url + thread.get_absolute_url())
    a11y(page)
    page.get_by_role("link", name="Mark resolved and rate the advice").click()
    a11y(page)
    page.get_by_label("5 — excellent").check()
    page.get_by_role("button", name="Mark resolved and save rating").click()
    assert page.get_by_text("Resolved", exact=True).is_visible()
    a11y(page)
    assert Rating.objects.get().score == 5
