import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from communities import services
from communities.models import Community, Post
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_verifies_completes_the_profile_and_joins_in_on_a_phone(page, live_server, a11y):
    community = Community.objects.create(name="Civil registration", slug="civil-registration", visibility="open")
    old_hand = MemberFactory(full_name="Sokha Chan")
    services.community_join(member=old_hand, community=community)
    services.thread_create(community=community, author=old_hand, title="Introduce yourself", body="Who is new here?")

    page.goto(live_server.url + "/")
    a11y(page)
    page.get_by_role("link", name="Join the network").click()
    a11y(page)

    page.get_by_label("Email").fill("khin.may@ministry.example.gov")
    page.locator("#id_password1").fill("a-long-enough-passphrase-7")
    page.locator("#id_password2").fill("a-long-enough-passphrase-8")
    page.get_by_role("button", name="Sign Up").click()
    # A mistake is announced (role=alert) and tied to its field (aria-invalid, aria-describedby).
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()
    second = page.locator("#id_password2")
    assert second.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + second.get_attribute("aria-describedby")).inner_text() == (
        "You must type the same password each time."
    )
    a11y(page)
    page.locator("#id_password1").fill("a-long-enough-passphrase-7")
    page.locator("#id_password2").fill("a-long-enough-passphrase-7")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    a11y(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    a11y(page)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/members/welcome/"))
    a11y(page)
    page.get_by_label("Full name").fill("Khin May")
    page.get_by_label("Country").select_option("MM")
    page.get_by_label("Organization or ministry").fill("Ministry of Health")
    page.get_by_label("Position level").select_option("middle")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url(live_server.url + "/")
    a11y(page)
    assert page.get_by_role("heading", name="Welcome, Khin May").is_visible()
    assert page.get_by_text("Your profile is complete.").is_visible()

    page.get_by_role("link", name="Browse communities").click()
    page.get_by_role("link", name="Civil registration").click()
    page.get_by_role("button", name="Join").click()
    assert page.get_by_text("Welcome to Civil registration!").is_visible()
    page.get_by_role("link", name="Start a discussion").first.click()
    page.get_by_label("Title").fill("Registering births in remote villages")
    page.get_by_label("Your message").fill("How do your offices reach villages without roads?")
    page.get_by_role("button", name="Start discussion").click()
    page.wait_for_url(re.compile(r"/communities/civil-registration/threads/\d+/"))
    a11y(page)

    page.get_by_role("link", name="Civil registration").first.click()
    page.get_by_role("link", name="Introduce yourself").click()
    page.get_by_label("Your reply").fill("Khin May, Ministry of Health, Yangon. Hello!")
    page.get_by_role("button", name="Post reply").click()
    assert page.get_by_text("Your reply was posted.").is_visible()
    a11y(page)
    assert Post.objects.filter(author__full_name="Khin May").count() == 2


def test_the_profile_form_shows_errors_next_to_the_fields(page, live_server, a11y):
    from tests.factories import PASSWORD

    member = MemberFactory(profile_completed_at=None, full_name="")
    page.goto(live_server.url + "/accounts/login/")
    a11y(page)
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/members/welcome/"))
    page.get_by_role("button", name="Save and continue").click()
    a11y(page)
    error = page.locator("#id_full_name_error")
    assert error.is_visible()
    assert "required" in error.inner_text()
    assert page.get_by_label("Full name").get_attribute("aria-invalid") == "true"
