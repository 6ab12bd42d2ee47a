import pytest
from django.conf import settings
from django.urls import reverse

from members.models import Language
from tests.factories import LocalCommunityFactory

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Aigerim Bekova",
    "country": "KZ",
    "organization": "Agency for Civil Service Affairs",
    "position_level": "senior",
    "gender": "female",
    "city_region": "Astana",
}


def test_it_saves_a_valid_profile(member_client, member):
    local = LocalCommunityFactory(country="KZ", name="Turkistan Region")
    english = Language.objects.get(code="en")
    data = {
        **VALID,
        "languages": [english.pk],
        "local_community": local.pk,
        "hide_email": "on",
        "interests": "HR management",
    }
    response = member_client.post(reverse("members:profile_edit"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:detail", args=[member.pk])
    assert b"Your profile was saved." in response.content
    member.refresh_from_db()
    assert member.country.code == "KZ"
    assert member.local_community == local
    assert list(member.languages.all()) == [english]
    assert member.hide_email is True


def test_it_explains_an_unknown_country_code_and_keeps_the_input(member_client, member):
    response = member_client.post(reverse("members:profile_edit"), {**VALID, "country": "XX"})
    assert response.status_code == 200
    assert "“XX” is not a country code we know" in response.content.decode()
    assert b"Your profile was not saved" in response.content
    # What the member typed is still in the form.
    assert b'value="Agency for Civil Service Affairs"' in response.content
    member.refresh_from_db()
    assert member.country.code == "MM"


@pytest.mark.parametrize("missing", ["full_name", "country", "organization", "position_level", "gender"])
def test_it_requires_the_fields_indicators_use(member_client, member, missing):
    data = {**VALID, missing: ""}
    response = member_client.post(reverse("members:profile_edit"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[missing] == ["This field is required."]
    assert b"This field is required." in response.content
    member.refresh_from_db()
    assert member.full_name != "Aigerim Bekova"


def test_it_rejects_a_one_letter_name(member_client):
    response = member_client.post(reverse("members:profile_edit"), {**VALID, "full_name": " x "})
    assert "Enter your full name" in response.content.decode()


def test_it_lists_asean_and_central_asia_first(member_client):
    response = member_client.get(reverse("members:profile_edit"))
    blank, (region_label, region), (rest_label, rest) = response.context["form"].fields["country"].choices
    assert blank[0] == ""
    assert region_label == "ASEAN and Central Asia"
    codes = [code for code, _ in region]
    assert set(codes) == {
        "BN",
        "KH",
        "ID",
        "LA",
        "MY",
        "MM",
        "PH",
        "SG",
        "TH",
        "TL",
        "VN",
        "KZ",
        "KG",
        "TJ",
        "TM",
        "UZ",
    }
    assert [name for _, name in region] == sorted(name for _, name in region)
    assert "FR" in [code for code, _ in rest]  # any country can still be chosen
    assert '<optgroup label="ASEAN and Central Asia">' in response.content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("members:profile_edit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_time_zone_list_starts_with_the_regions_cities_and_their_offsets(member_client, member):
    """About 600 raw IANA names, alphabetical, put Yangon between Yakutsk and Yekaterinburg."""
    page = member_client.get(reverse("members:profile_edit")).content.decode()
    region = page.index('<optgroup label="ASEAN and Central Asia">')
    assert region < page.index('value="Asia/Yangon">Yangon (UTC+06:30)</option>') < page.index("All time zones")
    assert region < page.index('value="Asia/Almaty">Almaty (UTC+05:00)</option>')

    member_client.post(reverse("members:profile_edit"), {**VALID, "time_zone": "Asia/Yangon"})
    member.refresh_from_db()
    assert member.time_zone == "Asia/Yangon"
    member_client.post(reverse("members:profile_edit"), {**VALID, "time_zone": "Europe/Paris"})  # any zone still
    member.refresh_from_db()
    assert member.time_zone == "Europe/Paris"


def test_the_regions_cities_are_named_in_the_readers_language(member_client):
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    page = member_client.get(reverse("members:profile_edit")).content.decode()
    assert 'value="Asia/Yangon">ရန်ကုန် (UTC+06:30)</option>' in page
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = member_client.get(reverse("members:profile_edit")).content.decode()
    assert 'value="Asia/Almaty">Алматы (UTC+05:00)</option>' in page
