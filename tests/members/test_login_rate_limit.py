import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_email_and_password(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_it_blocks_login_after_five_failures_for_one_account(client, member):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert b"not correct" in response.content or b"incorrect" in response.content
    # Sixth attempt, even with the right password, is refused until the window passes.
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_answers_429_when_one_address_floods_the_login_form(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_still_lets_another_account_sign_in(client, member):
    from tests.factories import MemberFactory

    other = MemberFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
