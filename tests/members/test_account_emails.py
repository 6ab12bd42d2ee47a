import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_member_resets_a_forgotten_password(client, member, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key into the session, then shows the form
    response = client.post(form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-brand-new-passphrase")


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": member.email})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_a_member_changes_their_password(member_client, member):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another-long-passphrase")


def test_a_member_changes_their_email_after_verifying_the_new_one(
    member_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("account_email"), {"action_add": "", "email": "new@ministry.example.org"})
    assert response.status_code == 302
    assert any(m.to == ["new@ministry.example.org"] for m in mailoutbox)
    member.refresh_from_db()
    assert member.email != "new@ministry.example.org"  # not until it is verified
    link = next(
        re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", m.body).group(1)
        for m in mailoutbox
        if m.to == ["new@ministry.example.org"]
    )
    member_client.post(link)
    member.refresh_from_db()
    assert member.email == "new@ministry.example.org"
    assert EmailAddress.objects.get(user=member, primary=True).email == "new@ministry.example.org"


def test_account_notices_come_in_the_members_language_and_time_zone(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """A password reset is made signed out, in the browser's language and no member's zone: the notice that the
    password changed is the member's, in their language and zone (allauth gave these emails no account)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from tests.factories import MemberFactory

    member = MemberFactory(language="ru", time_zone="Asia/Almaty")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            client.get(link).url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
        )

    notice = mailoutbox[-1]
    assert "Ваш пароль был сброшен." in notice.body
    now = timezone.now().astimezone(ZoneInfo("Asia/Almaty"))
    with translation.override("ru"):
        local = {date_format(moment, "DATETIME_FORMAT") for moment in (now, now - timedelta(minutes=1))}
    assert any(f"{text} (Asia/Almaty)" in notice.body for text in local), notice.body


@pytest.mark.parametrize("active", [True, False])
def test_an_email_about_an_address_comes_in_its_accounts_language_whoever_typed_it(
    client, mailoutbox, django_capture_on_commit_callbacks, active
):
    """allauth gives "an account already exists" (someone signed up with the address) and "unknown account" (a
    reset asked for a deactivated account's address) no account: they came in the language of whoever typed the
    address, an English browser's, to a member who reads Russian."""
    from tests.factories import MemberFactory

    member = MemberFactory(language="ru", is_active=active)
    with django_capture_on_commit_callbacks(execute=True):
        if active:
            client.post(
                reverse("account_signup"),
                {"email": member.email, "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
            )
        else:
            client.post(reverse("account_reset_password"), {"email": member.email})

    (email,) = [email for email in mailoutbox if email.to == [member.email]]
    assert re.search("[А-Яа-я]", email.subject) and "Account" not in email.subject, email.subject
