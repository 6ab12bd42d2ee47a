import re

import pytest
from django.urls import reverse

from members.models import Language
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_it_shows_a_members_public_profile(member_client):
    other = MemberFactory(full_name="Kyaw Zaw", organization="Ministry of Education")
    other.languages.add(Language.objects.get(code="my"))
    other.interests.add("teacher training")
    response = member_client.get(reverse("members:detail", args=[other.pk]))
    content = response.content.decode()
    assert "Kyaw Zaw" in content
    assert "Burmese" in content
    assert "teacher training" in content
    assert other.email in content


def test_it_hides_an_email_the_member_chose_to_hide(member_client):
    other = MemberFactory(hide_email=True)
    response = member_client.get(reverse("members:detail", args=[other.pk]))
    assert other.email not in response.content.decode()
    assert "Not shown" in response.content.decode()


def test_coordinators_and_the_member_still_see_a_hidden_email(client, coordinator):
    other = MemberFactory(hide_email=True)
    client.force_login(coordinator)
    assert other.email in client.get(reverse("members:detail", args=[other.pk])).content.decode()
    client.force_login(other)
    assert other.email in client.get(reverse("members:detail", args=[other.pk])).content.decode()


def test_it_returns_404_for_unknown_inactive_or_unfinished_profiles(member_client):
    inactive = MemberFactory(is_active=False)
    unfinished = MemberFactory(profile_completed_at=None)
    for pk in (inactive.pk, unfinished.pk, 999_999):
        assert member_client.get(reverse("members:detail", args=[pk])).status_code == 404


def test_it_is_only_for_signed_in_members(client, member):
    response = client.get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("extra_languages", [0, 5])
def test_it_uses_a_constant_number_of_queries(member_client, django_assert_num_queries, extra_languages):
    other = MemberFactory()
    other.languages.add(*Language.objects.all()[: extra_languages + 1])
    other.interests.add(*[f"topic {n}" for n in range(extra_languages + 1)])
    # session, user, member (+ local community), languages, interests, unread notifications
    with django_assert_num_queries(6):
        assert member_client.get(reverse("members:detail", args=[other.pk])).status_code == 200


def test_a_profile_and_the_language_filters_name_languages_in_the_readers_language(member_client):
    """Profiles and the language filters of the schedule, the library and the directory showed the stored English
    names ("English, Uzbek") on Russian pages, sorted in English."""
    from django.conf import settings

    other = MemberFactory(full_name="Kyaw Zaw")
    other.languages.add(*Language.objects.filter(code__in=["en", "uz"]))
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    profile = member_client.get(reverse("members:detail", args=[other.pk])).content.decode()
    schedule = member_client.get(reverse("events:schedule")).content.decode()

    assert "Английский, Узбекский" in profile
    options = re.findall(
        r'<option value="([a-z]+)">([^<]+)</option>', schedule.split('name="language"')[1].split("</select>")[0]
    )
    names = [name for _code, name in options]
    assert ("uz", "Узбекский") in options and ("en", "Английский") in options
    assert names == sorted(names, key=str.casefold)
