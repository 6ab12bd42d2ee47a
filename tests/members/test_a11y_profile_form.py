"""The profile form, at onboarding and when edited later, tells the browser what each personal field is (WCAG 1.3.5,
input purpose), so it can fill them in from what the member saved before: the country select said nothing."""

import re

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "full_name": "name",
    "organization": "organization",
    "city_region": "address-level2",
    "country": "country-name",
}


def _autocomplete(html: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|select)[^>]* name="{name}"[^>]*>', html).group(0)
    found = re.search(r'autocomplete="([^"]+)"', tag)
    return found.group(1) if found else None


@pytest.mark.parametrize("page", ["members:onboarding", "members:profile_edit"])
def test_the_personal_fields_say_what_they_hold(client, page):
    member = MemberFactory(profile_completed_at=None) if page == "members:onboarding" else MemberFactory()
    client.force_login(member)

    html = client.get(reverse(page)).content.decode()

    assert {name: _autocomplete(html, name) for name in EXPECTED} == EXPECTED
