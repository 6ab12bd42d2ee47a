"""A NUL character fails any PostgreSQL query that meets it (SQLite answers): a forged request's is left out or
refused before a query can meet it (cop_platform.security.NulCharacterGuard). Runs on both databases in CI."""

import pytest
from django.urls import reverse

from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "read_as"),
    [
        ("/admin/events/event/?status=draft%00", {"status": "draft"}),
        ("/admin/members/user/?country=M%00M&q%00=x", {"country": "MM", "q": "x"}),
        (
            "/admin/autocomplete/?term=a%00b&app_label=events&model_name=event&field_name=speaker_members",
            {"term": "ab", "app_label": "events", "model_name": "event", "field_name": "speaker_members"},
        ),
        ("/communities/?q=budget%00", {"q": "budget"}),
    ],
)
def test_a_query_parameter_is_read_without_its_nul_characters(client, url, read_as):
    client.force_login(CoordinatorFactory())

    response = client.get(url)

    assert response.status_code == 200
    assert response.wsgi_request.GET.dict() == read_as


def test_an_address_with_a_nul_character_is_a_bad_request(client):
    response = client.get("/members/me/privacy/export/a%00b/")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_a_session_cookie_with_a_nul_character_is_ignored(client, member):
    client.force_login(member)
    client.cookies["sessionid"] = "\\000" + "a" * 31  # as sent: Django's cookie parser unquotes it to a NUL

    response = client.get(reverse("communities:list"))

    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous  # as if no cookie had come


def test_a_form_with_a_nul_character_is_refused_by_the_form(client, member):
    """POSTed fields are the forms' to refuse, with a message next to the field (not a bare 400)."""
    client.force_login(member)

    response = client.post(reverse("members:profile_edit"), {"full_name": "Thida\x00 Aung"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in str(response.context["form"].errors["full_name"])
