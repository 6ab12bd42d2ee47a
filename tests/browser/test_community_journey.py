import re

import pytest

from communities.models import Community, Post
from tests.factories import PASSWORD, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, member):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/")


def test_a_member_joins_a_community_starts_a_discussion_and_gets_a_reply(page, live_server, browser):
    Community.objects.create(name="Digital transformation skills", slug="digital-skills", visibility="open")
    author = MemberFactory(full_name="Khin May", handle="khin-may")
    colleague = MemberFactory(full_name="Sokha Chan", handle="sokha-chan")

    _sign_in(page, live_server, author)
    page.get_by_role("link", name="Communities").first.click()
    page.get_by_role("link", name="Digital transformation skills").click()
    page.get_by_role("button", name="Join").click()
    assert page.get_by_text("Welcome to Digital transformation skills!").is_visible()

    page.get_by_role("link", name="Start a discussion").first.click()
    page.get_by_label("Title").fill("Data literacy for provincial staff")
    page.get_by_label("Your message").fill("Has anyone run a **short course**? <script>alert(1)</script>")
    page.get_by_role("button", name="Start discussion").click()
    page.wait_for_url(re.compile(r"/communities/digital-skills/threads/\d+/"))
    assert page.locator(".post-body strong").inner_text() == "short course"
    assert page.locator(".post-body script").count() == 0

    # The colleague joins, replies with a mention, and the author sees the notification.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(other, live_server, colleague)
    other.goto(live_server.url + "/communities/digital-skills/")
    other.get_by_role("button", name="Join").click()
    other.get_by_role("link", name="Data literacy for provincial staff").click()
    other.get_by_label("Your reply").fill("@khin-may yes, four weeks worked well for us.")
    other.get_by_role("button", name="Post reply").click()
    assert other.get_by_text("Your reply was posted.").is_visible()
    assert Post.objects.count() == 2

    page.goto(live_server.url + "/notifications/")
    assert page.get_by_text("Sokha Chan mentioned you").is_visible()


def test_an_empty_reply_keeps_the_page_and_says_why(page, live_server):
    community = Community.objects.create(name="Gender equality", slug="gender", visibility="open")
    member = MemberFactory()
    from communities import services

    services.community_join(member=member, community=community)
    thread = services.thread_create(community=community, author=member, title="Mentoring", body="Ideas?")
    _sign_in(page, live_server, member)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_label("Your reply").fill("   ")
    page.get_by_role("button", name="Post reply").click()
    assert page.locator("#id_body_error").inner_text().strip() == "Write something before posting."
