"""Month and weekday names and the words of `timesince` for our own catalogs.

Django's Burmese catalog has no month names (and of the weekdays only Monday), so `{{ date|date:"DATE_FORMAT" }}` would
print "March" inside a Burmese date (and `|date:"M"` "Mar"). Listing them here puts them in
locale/*/django.po, and a project catalog (LOCALE_PATHS) takes precedence over Django's, so the
translators' names are used. Nothing imports this module; makemessages reads it."""

from django.utils.translation import gettext_noop, ngettext_lazy

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

# Weekdays (`|date:"l"`, `|date:"D"`): Django's Burmese catalog names Monday only, so an event's date read
# "Friday 2025၊ နိုဝင်ဘာ 14" to a Burmese reader.
WEEKDAY_NAMES = [
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]
WEEKDAY_ABBREVIATIONS = [
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
]

# How long ago (`|timesince`: thread lists, notifications), which Django's Burmese catalog leaves in English
# ("2 weeks, 5 days"). ngettext_lazy only so that makemessages takes the plurals; nothing evaluates them.
TIME_SINCE = [
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
]
