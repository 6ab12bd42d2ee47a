"""{{ when|weekday_planned_for }}: the weekday as it reads in "It was planned for Wednesday …".

`|date:"l"` gives a weekday's name as it stands alone, which Russian writes with a capital ("Среда") and in
the nominative, where the sentence needs "планировалось на среду". Each name here has its own translation
for that place in the sentence."""

from django import template
from django.utils import timezone
from django.utils.translation import pgettext_lazy

register = template.Library()

# Monday first, as datetime.weekday() counts.
WEEKDAYS_PLANNED_FOR = [
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Monday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Tuesday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Wednesday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Thursday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Friday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Saturday"),
    pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Sunday"),
]


@register.filter
def weekday_planned_for(value) -> str:
    """The weekday of `value` in the current time zone, as `|date` would reckon it."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(WEEKDAYS_PLANNED_FOR[value.weekday()])
