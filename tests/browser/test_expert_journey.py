import re

import pytest

from communities import services as community_services
from communities.models import Community, Membership
from experts import services as expert_services
from experts.models import Expert, Rating
from tests.factories import PASSWORD, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, member):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/")


def test_a_leader_asks_an_expert_who_answers_and_the_asker_rates_it(browser, live_server):
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

    def new_page():
        return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    page = new_page()
    _sign_in(page, live_server, leader)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_role("link", name="Ask an expert").click()
    page.get_by_label(re.compile("Dr. Lina Wijaya")).check()
    page.get_by_role("button", name="Ask the selected experts").click()
    assert page.get_by_text("1 expert(s) were asked and notified.").is_visible()

    page = new_page()
    _sign_in(page, live_server, expert_member)
    page.goto(live_server.url + "/notifications/")
    page.get_by_role("link", name=re.compile("Your expertise is requested")).click()
    page.get_by_label("Your reply").fill("Four weeks, with one practical exercise a week.")
    page.get_by_role("button", name="Post reply").click()
    assert page.locator(".badge", has_text="Expert answer").first.is_visible()

    page = new_page()
    _sign_in(page, live_server, asker)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_role("link", name="Mark resolved and rate the advice").click()
    page.get_by_label("5 — excellent").check()
    page.get_by_role("button", name="Mark resolved and save rating").click()
    assert page.get_by_text("Resolved", exact=True).is_visible()
    assert Rating.objects.get().score == 5
