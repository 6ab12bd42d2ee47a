"""Everything a member does works by plain links and forms: the same journey with JavaScript switched off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Community, Post
from events.models import Event, Registration
from tests.factories import MemberFactory

from .helpers import sign_in, site_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_joins_posts_replies_and_registers_without_javascript(new_page, live_server):
    Community.objects.create(name="Digital transformation skills", slug="digital-skills", visibility="open")
    starts = timezone.now() + timedelta(days=3)
    Event.objects.create(title="Data literacy webinar", slug="data-literacy", status=Event.Status.PUBLISHED,
                         starts_at=starts, ends_at=starts + timedelta(hours=1))  # fmt: skip
    member = MemberFactory(full_name="Khin May")
    page = new_page(java_script_enabled=False)

    sign_in(page, live_server, member)
    site_menu(page).get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Digital transformation skills").click()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Welcome to Digital transformation skills!")).to_be_visible()

    page.get_by_role("link", name="Start a discussion").first.click()
    page.get_by_label("Title").fill("Data literacy for provincial staff")
    page.get_by_label("Your message").fill("Has anyone run a short course?")
    page.get_by_role("button", name="Start discussion").click()
    page.wait_for_url(re.compile(r"/communities/digital-skills/threads/\d+/"))

    page.get_by_role("button", name="Follow").click()  # already following as the author: this unfollows
    expect(page.get_by_text("You no longer follow this discussion.")).to_be_visible()
    page.get_by_role("link", name="Quote").first.click()
    page.get_by_label("Your reply").fill("Answering myself: four weeks worked.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply was posted.")).to_be_visible()
    assert Post.objects.filter(author=member).count() == 2
    assert Post.objects.exclude(quoted=None).count() == 1

    site_menu(page).get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Data literacy webinar").click()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered").first).to_be_visible()
    assert Registration.objects.get(member=member).status == "registered"

    site_menu(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
