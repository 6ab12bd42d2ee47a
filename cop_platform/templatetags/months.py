"""{{ month|month_in_sentence }}: a month and its year as they read inside a sentence ("The progress report for
October 2026 is ready").

`|date:"YEAR_MONTH_FORMAT"` gives the month's name as it stands alone (a heading, the month picker), which Russian
writes with a capital ("Октябрь 2026 г."); inside a sentence it is lower case ("за октябрь 2026 г."). Each name
here has its own translation for that place; the language's YEAR_MONTH_FORMAT still orders it with the year."""

from django import template
from django.utils.formats import date_format, get_format
from django.utils.translation import pgettext_lazy

register = template.Library()

# makemessages reads each (context, name) pair written out.
MONTHS = [
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "January"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "February"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "March"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "April"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "May"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "June"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "July"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "August"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "September"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "October"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "November"),
    pgettext_lazy("month, as in 'The progress report for October 2026 is ready'", "December"),
]


@register.filter
def month_in_sentence(value) -> str:
    """`value` (a date) as YEAR_MONTH_FORMAT writes it, with this place's name of the month for its "F"."""
    if not value:
        return ""
    name = "".join(f"\\{character}" for character in str(MONTHS[value.month - 1]))  # taken as it is, not as format
    return date_format(value, get_format("YEAR_MONTH_FORMAT").replace("F", name))
