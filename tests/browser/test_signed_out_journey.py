"""A member signed out while they typed a reply (in another tab, or away too long) signs in again and finds it in
the form (cop_platform.kept_words), in a real browser: its CSRF cookie, its Referer and allauth's sign-in."""

import pytest
from playwright.sync_api import expect

from communities.models import Post
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import PASSWORD

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "We kept two offices open in Sagaing during the floods: here is how."


def test_a_reply_typed_while_signed_out_is_back_in_the_form_after_signing_in(page, live_server, a11y):
    community = CommunityFactory(name="Public service delivery in crisis")
    member = member_of(community)
    thread = ThreadFactory(community=community, title="Registration during floods")

    sign_in(page, live_server, member)
    page.goto(live_server.url + thread.url_in(community))
    page.context.clear_cookies(name="sessionid")  # signed out meanwhile, as by another tab
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Post reply").click()

    expect(
        page.get_by_text("You were signed out, so what you sent was not saved. Sign in: it is kept.")
    ).to_be_visible()
    a11y(page)
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url(live_server.url + thread.url_in(community))
    expect(page.get_by_label("Your reply")).to_have_value(REPLY)
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply was posted.")).to_be_visible()
    assert Post.objects.filter(thread=thread, body=REPLY).count() == 1
