import re

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.urls import reverse
from django.utils import translation

from members.models import OTHER_LANGUAGE_NAMES, Language
from tests.factories import LocalCommunityFactory
from tests.support.marked_translations import marked, marked_translations

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


def test_the_languages_a_member_works_in_are_named_in_the_readers_language(member_client):
    """The languages were stored English names whatever the page's language ("English, Uzbek" in Russian)."""
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = member_client.get(reverse("members:profile_edit")).content.decode()

    uzbek = Language.objects.get(code="uz").pk
    assert re.search(rf'<input [^>]*value="{uzbek}"[^>]*><span>Узбекский</span>', page)
    assert "<span>Uzbek</span>" not in page


def test_the_languages_a_member_works_in_are_listed_in_the_readers_alphabetical_order(member_client):
    """Sorted by their English names, the Russian list read "Арабский, Армянский, Азербайджанский, … Английский"."""
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = member_client.get(reverse("members:profile_edit")).content.decode()

    names = re.findall(r'<input [^>]*name="languages"[^>]*><span>([^<]+)</span>', page)
    assert len(names) == Language.objects.count() > 10
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [("ru", "ru", "Русский"), ("uz", "ru", "Узбекский"), ("en", "ru", "Английский"), ("uz", "en", "Uzbek")],
)
def test_a_language_is_named_in_the_active_language(code, language, expected):
    with translation.override(language):
        assert str(Language.objects.get(code=code)) == expected


def test_languages_django_does_not_name_go_through_our_catalogs(monkeypatch):
    marked_translations(monkeypatch)

    assert [str(Language.objects.get(code=code)) for code in ("shn", "kac", "zh")] == [
        marked("Shan"), marked("Kachin"), marked("Chinese"),
    ]  # fmt: skip


@pytest.mark.parametrize(("code", "name"), [("en", "English (international)"), ("rki", "Rakhine")])
def test_a_name_the_coordinator_wrote_or_a_language_no_catalog_knows_is_shown_as_written(code, name):
    language = Language(code=code, name=name)
    with translation.override("ru"):
        assert str(language) == name


def test_every_language_the_platform_offers_has_a_name_to_translate():
    for language in Language.objects.all():
        assert language.code in LANG_INFO or language.code in OTHER_LANGUAGE_NAMES, language.code
        assert str(language) == language.name  # in English, the stored name is the catalogs' msgid
