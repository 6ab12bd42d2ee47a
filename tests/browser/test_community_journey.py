import re

import pytest

from communities.models import Community, Post
from tests.factories import MemberFactory

from .helpers import sign_in, site_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_joins_a_community_starts_a_discussion_and_gets_a_reply(page, live_server, new_page, a11y):
    Community.objects.create(name="Digital transformation skills", slug="digital-skills", visibility="open")
    author = MemberFactory(full_name="Khin May", handle="khin-may")
    colleague = MemberFactory(full_name="Sokha Chan", handle="sokha-chan")

    sign_in(page, live_server, author, a11y)
    site_menu(page).get_by_role("link", name="Communities").click()
    a11y(page)
    page.get_by_role("link", name="Digital transformation skills").click()
    a11y(page)
    page.get_by_role("button", name="Join").click()
    assert page.get_by_text("Welcome to Digital transformation skills!").is_visible()
    a11y(page)

    page.get_by_role("link", name="Start a discussion").first.click()
    a11y(page)
    page.get_by_role("button", name="Start discussion").click()  # empty: the form says what is missing
    assert page.locator(".form-errors[role=alert]").is_visible()
    assert page.get_by_label("Title").get_attribute("aria-invalid") == "true"
    a11y(page)
    page.get_by_label("Title").fill("Data literacy for provincial staff")
    page.get_by_label("Your message").fill("Has anyone run a **short course**? <script>alert(1)</script>")
    page.get_by_role("button", name="Start discussion").click()
    page.wait_for_url(re.compile(r"/communities/digital-skills/threads/\d+/"))
    a11y(page)
    assert page.locator(".post-body strong").inner_text() == "short course"
    assert page.locator(".post-body script").count() == 0

    # The colleague joins, replies with a mention, and the author sees the notification.
    other = new_page(viewport={"width": 1280, "height": 900})
    sign_in(other, live_server, colleague)
    other.goto(live_server.url + "/communities/digital-skills/")
    other.get_by_role("button", name="Join").click()
    other.get_by_role("link", name="Data literacy for provincial staff").click()
    other.get_by_label("Your reply").fill("@khin-may yes, four weeks worked well for us.")
    other.get_by_role("button", name="Post reply").click()
    assert other.get_by_text("Your reply was posted.").is_visible()
    a11y(other)
    assert Post.objects.count() == 2

    page.goto(live_server.url + "/notifications/")
    a11y(page)
    assert page.get_by_text("Sokha Chan mentioned you").is_visible()


def test_an_empty_reply_keeps_the_page_and_says_why(page, live_server, a11y):
    community = Community.objects.create(name="Gender equality", slug="gender", visibility="open")
    member = MemberFactory()
    from communities import services

    services.community_join(member=member, community=community)
    thread = services.thread_create(community=community, author=member, title="Mentoring", body="Ideas?")
    sign_in(page, live_server, member)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_label("Your reply").fill("   ")
    page.get_by_role("button", name="Post reply").click()
    a11y(page)
    assert page.locator("#id_body_error").inner_text().strip() == "Write something before posting."
    assert page.get_by_label("Your reply").get_attribute("aria-invalid") == "true"
    assert "id_body_error" in page.get_by_label("Your reply").get_attribute("aria-describedby")


def test_a_note_that_fits_the_browsers_limit_with_line_breaks_is_accepted(page, live_server):
    """Chromium counts a line break once against maxlength but sends it as CRLF: the server must count it once
    too (cop_platform.forms.Textarea), or a note the browser let through is refused."""
    from communities import services
    from communities.models import Report

    community = Community.objects.create(name="Public finance", slug="finance", visibility="open")
    author, reader = MemberFactory(), MemberFactory()
    for member in (author, reader):
        services.community_join(member=member, community=community)
    thread = services.thread_create(community=community, author=author, title="Budget", body="Call 0912345")
    post = thread.posts.get()
    sign_in(page, live_server, reader)
    page.goto(live_server.url + f"/communities/finance/posts/{post.pk}/report/")

    note = page.get_by_label("Anything the moderators should know")
    assert note.get_attribute("maxlength") == "2000"
    note.fill("It shares a phone number\n" * 79 + "y" * 25)  # 2,000 as the browser counts, 79 line breaks
    assert page.evaluate("document.querySelector('textarea[name=note]').value.length") == 2000
    page.get_by_label("Shares private information").check()
    page.get_by_role("button", name="Send report").click()

    assert page.get_by_text("Thank you. The moderators will review this post.").is_visible()
    stored = Report.objects.get().note
    assert len(stored) == 2000 and stored.count("\n") == 79 and "\r" not in stored
