from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from cop_platform import forms as shared_fields

from .models import Language, LocalCommunity, User


def grouped_country_choices() -> list:
    """ASEAN and Central Asia in their own group at the top; every country after them."""
    first = set(settings.COUNTRIES_FIRST)
    region = sorted(((code, name) for code, name in countries if code in first), key=lambda c: c[1])
    return [
        ("", _("Choose your country")),
        (_("ASEAN and Central Asia"), region),
        (_("All countries"), [(code, name) for code, name in countries if code not in first]),
    ]


# The time zones of COUNTRIES_FIRST (the IANA database's zone.tab, which names each country's zones, as of
# 2026), by the city that names each, in the reader's language: the network's members pick from about 25 zones
# rather than 600 (the list of every zone, by its IANA name, follows them).
REGION_TIME_ZONES = {
    "Asia/Brunei": _("Bandar Seri Begawan"),
    "Asia/Phnom_Penh": _("Phnom Penh"),
    "Asia/Jakarta": _("Jakarta"),
    "Asia/Pontianak": _("Pontianak"),
    "Asia/Makassar": _("Makassar"),
    "Asia/Jayapura": _("Jayapura"),
    "Asia/Vientiane": _("Vientiane"),
    "Asia/Kuala_Lumpur": _("Kuala Lumpur"),
    "Asia/Kuching": _("Kuching"),
    "Asia/Yangon": _("Yangon"),
    "Asia/Manila": _("Manila"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Bangkok": _("Bangkok"),
    "Asia/Dili": _("Dili"),
    "Asia/Ho_Chi_Minh": _("Ho Chi Minh City"),
    "Asia/Almaty": _("Almaty"),
    "Asia/Qostanay": _("Kostanay"),
    "Asia/Aqtobe": _("Aktobe"),
    "Asia/Aqtau": _("Aktau"),
    "Asia/Atyrau": _("Atyrau"),
    "Asia/Oral": _("Oral"),
    "Asia/Qyzylorda": _("Kyzylorda"),
    "Asia/Bishkek": _("Bishkek"),
    "Asia/Dushanbe": _("Dushanbe"),
    "Asia/Ashgabat": _("Ashgabat"),
    "Asia/Tashkent": _("Tashkent"),
    "Asia/Samarkand": _("Samarkand"),
}


def _with_offset(zone: str, now: datetime) -> str:
    """ "Asia/Yangon" → "Yangon (UTC+06:30)": the city a member knows, in their language, and the offset they
    can check."""
    offset = now.astimezone(ZoneInfo(zone)).strftime("%z")
    return f"{REGION_TIME_ZONES[zone]} (UTC{offset[:3]}:{offset[3:]})"


def grouped_time_zone_choices() -> list:
    """The region's time zones, by offset, in their own group at the top; every zone after them."""
    now = datetime.now(UTC)
    region = sorted(REGION_TIME_ZONES, key=lambda zone: (now.astimezone(ZoneInfo(zone)).utcoffset(), zone))
    return [
        ("", _("Use the site's time zone")),
        (_("ASEAN and Central Asia"), [(zone, _with_offset(zone, now)) for zone in region]),
        (_("All time zones"), [choice for choice in User._meta.get_field("time_zone").choices if choice[0]]),
    ]


REQUIRED_PROFILE_FIELDS = ("full_name", "country", "organization", "position_level", "gender")


class ProfileForm(forms.ModelForm):
    """Onboarding and later edits. The indicators are split by these fields, so the five that feed
    them are required; the rest help members find each other."""

    class Meta:
        model = User
        fields = [
            "full_name", "country", "organization", "position_level", "gender", "city_region",
            "local_community", "languages", "interests", "language", "time_zone", "hide_email",
        ]  # fmt: skip
        field_classes = {"languages": shared_fields.ModelMultipleChoiceField, "interests": shared_fields.TagField}
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
            "city_region": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REQUIRED_PROFILE_FIELDS:
            self.fields[name].required = True
        self.fields["position_level"].choices = [("", _("Choose your level"))] + list(User.PositionLevel.choices)
        self.fields["gender"].choices = [("", _("Choose one"))] + list(User.Gender.choices)
        self.fields["gender"].help_text = _("Used only for anonymous statistics on who the network reaches.")
        self.fields["languages"].queryset = Language.objects.all()
        shared_fields.choices_in_reading_order(self.fields["languages"])
        self.fields["local_community"].queryset = LocalCommunity.objects.order_by("country", "name")
        self.fields["local_community"].empty_label = _("None")
        self.fields["local_community"].help_text = _("The local community you work in, if it is in the network.")
        self.fields["language"].choices = [("", _("The language my browser asks for"))] + list(settings.LANGUAGES)
        self.fields["time_zone"].choices = grouped_time_zone_choices()
        self.fields["country"].choices = grouped_country_choices()
        # The browser fills the country in as it does an address form's (WCAG 1.3.5, input purpose); the options
        # are the countries' names in the page's language, which it matches its own saved name against.
        self.fields["country"].widget.attrs["autocomplete"] = "country-name"
        self.fields["country"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a country code we know. Choose your country from the list."
        )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your full name as colleagues know it."))
        return name

    def clean_organization(self):
        return " ".join(self.cleaned_data["organization"].split())


class AccountDeleteForm(forms.Form):
    """Deleting an account cannot be undone: the member proves it is them and types the word on purpose."""

    # The word in the page's language, so that a reader of Russian or Burmese types it on their own keyboard
    # (a phone's Burmese keyboard has no Latin capitals); the English word is taken in every language.
    CONFIRMATION_WORD = "DELETE"
    confirmation_word = pgettext_lazy("the word a member types to confirm deleting their account", "DELETE")

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(
        max_length=20,
        help_text=_("Exactly as shown."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, member: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["confirmation"].label = _("Type %(word)s to confirm") % {"word": self.confirmation_word}

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password

    def clean_confirmation(self):
        word = self.cleaned_data["confirmation"].strip()
        if word not in (self.CONFIRMATION_WORD, str(self.confirmation_word)):
            raise forms.ValidationError(
                _("Type %(word)s, exactly as shown, to confirm.") % {"word": self.confirmation_word}
            )
        return word
