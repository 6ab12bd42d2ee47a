"""The names of the countries our communities work in, for our own catalogs.

django-countries has no Burmese catalog, so the country pickers, filters and cards named every country in
English to a Burmese reader. Listing the names here puts them in locale/*/django.po, and a project catalog
(LOCALE_PATHS) takes precedence over django-countries' own (its Russian names are repeated as they are). The
msgids are django-countries' names (common names where it has them: "Laos", "Vietnam"). Nothing imports this
module; makemessages reads it. Myanmar is settings.COUNTRIES_OVERRIDE's."""

from django.utils.translation import gettext_noop

COUNTRY_NAMES = [
    # ASEAN and Timor-Leste
    gettext_noop("Brunei"),
    gettext_noop("Cambodia"),
    gettext_noop("Indonesia"),
    gettext_noop("Laos"),
    gettext_noop("Malaysia"),
    gettext_noop("Philippines"),
    gettext_noop("Singapore"),
    gettext_noop("Thailand"),
    gettext_noop("Timor-Leste"),
    gettext_noop("Vietnam"),
    # Central Asia and the Caucasus (the Astana Civil Service Hub's region)
    gettext_noop("Armenia"),
    gettext_noop("Azerbaijan"),
    gettext_noop("Georgia"),
    gettext_noop("Kazakhstan"),
    gettext_noop("Kyrgyzstan"),
    gettext_noop("Mongolia"),
    gettext_noop("Tajikistan"),
    gettext_noop("Turkmenistan"),
    gettext_noop("Uzbekistan"),
    # Neighbours and partners
    gettext_noop("Afghanistan"),
    gettext_noop("Bangladesh"),
    gettext_noop("Bhutan"),
    gettext_noop("China"),
    gettext_noop("India"),
    gettext_noop("Japan"),
    gettext_noop("Nepal"),
    gettext_noop("Pakistan"),
    gettext_noop("Russia"),
    gettext_noop("Sri Lanka"),
]
