"""A community leader approves a join request and acts on a reported post."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities import services
from communities.models import Community, Membership, Post
from tests.factories import MemberFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_approves_a_join_request_and_upholds_a_report(page, live_server, a11y):
    community = Community.objects.create(name="Public finance", slug="public-finance", visibility="request")
    leader = MemberFactory(full_name="Aigerim Bekova")
    services.membership_add(community=community, member=leader, actor=leader, role=Membership.Role.LEADER)
    author, reporter = MemberFactory(full_name="Spam Sender"), MemberFactory(full_name="Careful Reader")
    for member in (author, reporter):
        services.membership_add(community=community, member=member, actor=leader)
    thread = services.thread_create(community=community, author=author, title="Cheap offers", body="Buy now!")
    services.post_report(post=thread.posts.get(), reporter=reporter, reason="spam")
    newcomer = MemberFactory(full_name="Nodira Karimova")
    services.community_join(member=newcomer, community=community)

    sign_in(page, live_server, leader, a11y)
    page.goto(live_server.url + community.get_absolute_url())
    a11y(page)
    page.get_by_role("link", name="Members", exact=True).last.click()
    a11y(page)
    request = page.locator(".card", has_text="Nodira Karimova")
    request.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Nodira Karimova is now a member.")).to_be_visible()
    a11y(page)
    assert Membership.objects.get(member=newcomer).status == "active"

    page.get_by_role("link", name="Moderation").click()
    a11y(page)
    report = page.locator("article", has_text="Cheap offers")
    expect(report.get_by_text("1 report")).to_be_visible()
    report.get_by_role("button", name="Uphold: hide the post").click()
    expect(page.get_by_text("1 report reviewed.")).to_be_visible()
    expect(page.get_by_text("No reported posts. Nothing waits for review.")).to_be_visible()
    a11y(page)
    assert Post.objects.get().is_hidden


def test_the_members_page_fits_a_small_phone_in_russian_for_a_leader(new_page, live_server):
    """The role pickers' hidden labels are positioned absolutely; with no positioned box inside the table's scroll
    box they were laid out beyond it, and the whole page scrolled sideways at 360px in Russian and Burmese."""
    community = Community.objects.create(name="Public finance", slug="public-finance")
    leader = MemberFactory(full_name="Aigerim Bekova", language="ru")
    services.membership_add(community=community, member=leader, actor=leader, role=Membership.Role.LEADER)
    for name in ("Nodira Karimova", "Thida Aung", "Bakyt Osmonov"):
        services.membership_add(community=community, member=MemberFactory(full_name=name), actor=leader)
    page = new_page(viewport={"width": 360, "height": 740})

    sign_in(page, live_server, leader)
    page.goto(live_server.url + reverse("communities:members", args=[community.slug]))

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("select[name=role]").first).to_be_attached()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
