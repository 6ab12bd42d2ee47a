import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_verifies_and_completes_the_profile_on_a_phone(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Join the network").click()

    page.get_by_label("Email").fill("khin.may@ministry.example.gov")
    page.locator("#id_password1").fill("a-long-enough-passphrase-7")
    page.locator("#id_password2").fill("a-long-enough-passphrase-7")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/members/welcome/"))
    page.get_by_label("Full name").fill("Khin May")
    page.get_by_label("Country").select_option("MM")
    page.get_by_label("Organization or ministry").fill("Ministry of Health")
    page.get_by_label("Position level").select_option("middle")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Welcome, Khin May").is_visible()
    assert page.get_by_text("Your profile is complete.").is_visible()


def test_the_profile_form_shows_errors_next_to_the_fields(page, live_server):
    from tests.factories import PASSWORD, MemberFactory

    member = MemberFactory(profile_completed_at=None, full_name="")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/members/welcome/"))
    page.get_by_role("button", name="Save and continue").click()
    error = page.locator("#id_full_name_error")
    assert error.is_visible()
    assert "required" in error.inner_text()
    assert page.get_by_label("Full name").get_attribute("aria-invalid") == "true"
