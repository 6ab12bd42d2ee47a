"""An address longer than the 254 characters its column holds gets the form's message, not a server error (found
by the fuzzing: Django's EmailField takes up to 320 characters)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "a" * 250 + "@example.org"  # 262 characters, a valid address
LONGEST = "a" * 242 + "@example.org"  # 254


def test_adding_an_address_too_long_to_store_says_so(client):
    member = MemberFactory()
    client.force_login(member)

    response = client.post(reverse("account_email"), {"email": TOO_LONG, "action_add": ""})

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not EmailAddress.objects.filter(email=TOO_LONG).exists()

    client.post(reverse("account_email"), {"email": LONGEST, "action_add": ""})
    assert EmailAddress.objects.filter(user=member, email=LONGEST).exists()


def test_signing_up_with_an_address_too_long_to_store_says_so(client):
    response = client.post(
        reverse("account_signup"),
        {"email": TOO_LONG, "password1": "a long pass phrase 9", "password2": "a long pass phrase 9"},
    )

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not User.objects.filter(email=TOO_LONG).exists()
