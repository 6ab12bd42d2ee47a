import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import Activity, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-7"


def _confirmation_link(email_body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", email_body)
    assert match, email_body
    return match.group(1)


def _sign_up(client, django_capture_on_commit_callbacks, email="new.member@ministry.example.gov"):
    # Email goes out on commit through Celery (eager in tests): capture and run the callbacks.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_it_walks_a_newcomer_from_signup_to_the_home_page(client, mailoutbox, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    # Verification is mandatory: the new account cannot use the site yet.
    member = User.objects.get(email="new.member@ministry.example.gov")
    assert not EmailAddress.objects.get(user=member).verified
    assert "_auth_user_id" not in client.session

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.member@ministry.example.gov"]
    link = _confirmation_link(mailoutbox[0].body)

    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm" in page.content
    response = client.post(link)
    assert EmailAddress.objects.get(user=member).verified
    # Logged in on confirmation; first stop is onboarding, and the rest of the site waits for it.
    assert client.session["_auth_user_id"] == str(member.pk)
    assert response.url == reverse("members:onboarding")
    assert b"Complete your profile" in client.get(response.url).content
    assert client.get(reverse("home")).url == reverse("members:onboarding") + "?next=%2F"

    response = client.post(
        reverse("members:onboarding"),
        {
            "full_name": "  Hnin   Wai  ",
            "country": "MM",
            "organization": "Ministry of Health",
            "position_level": "middle",
            "gender": "female",
            "city_region": "Mandalay",
            "interests": "public health, digital government",
            "time_zone": "Asia/Yangon",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Welcome, Hnin Wai" in response.content
    assert b"My communities" in response.content
    assert b"Upcoming events" in response.content
    assert b"New knowledge" in response.content

    member.refresh_from_db()
    assert member.full_name == "Hnin Wai"
    assert member.has_completed_profile
    assert sorted(member.interests.names()) == ["digital government", "public health"]
    assert set(Activity.objects.filter(member=member).values_list("kind", flat=True)) == {"login", "profile_completed"}


def test_it_does_not_let_an_unverified_member_sign_in(client, mailoutbox, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.member@ministry.example.gov", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_member_without_a_profile_on_onboarding(client, member):
    member.profile_completed_at = None
    member.save()
    client.force_login(member)
    response = client.get(reverse("members:directory"))
    assert response.status_code == 302
    assert response.url == reverse("members:onboarding") + "?next=%2Fmembers%2F"
    # Account pages (logout, email) stay reachable.
    assert client.get(reverse("account_email")).status_code == 200


def test_it_returns_to_the_page_asked_for_after_onboarding(client, member):
    member.profile_completed_at = None
    member.save()
    client.force_login(member)
    response = client.post(
        reverse("members:onboarding") + "?next=/members/",
        {
            "full_name": "A Member",
            "country": "KZ",
            "organization": "Agency",
            "position_level": "staff",
            "gender": "male",
            "next": "/members/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/members/"


def test_it_ignores_an_offsite_next_after_onboarding(client, member):
    member.profile_completed_at = None
    member.save()
    client.force_login(member)
    response = client.post(
        reverse("members:onboarding"),
        {
            "full_name": "A Member",
            "country": "KZ",
            "organization": "Agency",
            "position_level": "staff",
            "gender": "male",
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("home")


def test_it_rejects_a_second_account_with_the_same_email_in_other_case(
    client, member, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks, email=member.email.upper())
    # allauth prevents enumeration: it behaves as if signup worked, but no second account exists.
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert response.status_code in (200, 302)


def test_the_confirmation_email_names_the_platform(client, mailoutbox, django_capture_on_commit_callbacks, settings):
    """allauth's templates read `current_site`, which the site framework would give: without it they said
    "Hello from !" and "register an account on ." — a message that looks like phishing."""
    settings.SITE_NAME, settings.SITE_URL = "ASEAN Civil Service CoP", "https://cop.example.org"

    _sign_up(client, django_capture_on_commit_callbacks)

    body = mailoutbox[0].body
    assert "Hello from ASEAN Civil Service CoP!" in body
    assert "register an account on cop.example.org." in body


def test_signing_up_in_a_language_makes_it_the_members_choice(client, django_capture_on_commit_callbacks, settings):
    """Digests and reminders go out in the member's language: without a choice they came in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"

    _sign_up(client, django_capture_on_commit_callbacks)

    assert User.objects.get(email="new.member@ministry.example.gov").language == "my"


_ONBOARDING = {
    "full_name": "Hnin Wai", "country": "MM", "organization": "Ministry of Health", "position_level": "middle",
    "gender": "female", "time_zone": "Asia/Yangon",
}  # fmt: skip


def test_onboarding_sent_twice_at_once_completes_the_profile_once_with_one_handle():
    """A double click on "Save": both requests read the member before either saved, each found the profile not yet
    completed and no handle, and so recorded the completion twice (the indicators count it) and gave the member a
    second handle, hnin-wai-2, in place of the first."""
    from members.forms import ProfileForm
    from members.services import member_profile_update
    from tests.factories import MemberFactory

    member = MemberFactory(full_name="", handle=None, profile_completed_at=None)
    # Both requests' copies of the member, read at their start.
    first, second = (User.objects.get(pk=member.pk) for _ in range(2))

    for copy in (first, second):
        form = ProfileForm(_ONBOARDING, instance=copy)
        assert form.is_valid(), form.errors
        member_profile_update(member=copy, form=form)

    member.refresh_from_db()
    assert member.handle == "hnin-wai"
    assert Activity.objects.filter(member=member, kind=Activity.Kind.PROFILE_COMPLETED).count() == 1
