"""Month names for our own catalogs.

Django's Burmese catalog has weekday names but no month names, so `{{ date|date:"DATE_FORMAT" }}` would
print "March" inside a Burmese date (and `|date:"M"` "Mar"). Listing them here puts them in
locale/*/django.po, and a project catalog (LOCALE_PATHS) takes precedence over Django's, so the
translators' names are used. Nothing imports this module; makemessages reads it."""

from django.utils.translation import gettext_noop

MONTH_NAMES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]

# The abbreviations behind `|date:"M"` (charts, tables): Django capitalises them after translating.
MONTH_ABBREVIATIONS = [
    # Translators: three-letter abbreviation of January, as in charts ("jan" → "Jan 2026"); same below.
    gettext_noop("jan"),
    gettext_noop("feb"),
    gettext_noop("mar"),
    gettext_noop("apr"),
    gettext_noop("may"),
    gettext_noop("jun"),
    gettext_noop("jul"),
    gettext_noop("aug"),
    gettext_noop("sep"),
    gettext_noop("oct"),
    gettext_noop("nov"),
    gettext_noop("dec"),
]
