"""{{ when|weekday_in:"planned_for" }}: the weekday as it reads in its sentence ("It was planned for Wednesday …",
"When: Wednesday, …").

`|date:"l"` gives a weekday's name as it stands alone, which Russian writes with a capital ("Среда") and in the
nominative, where "It was planned for …" needs "планировалось на среду" and "When: …" a lower case "среда". Each
name here has its own translation for each place."""

from django import template
from django.utils import timezone
from django.utils.translation import pgettext_lazy

register = template.Library()

# Monday first, as datetime.weekday() counts. makemessages reads each (context, name) pair written out.
WEEKDAYS = {
    "planned_for": [
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Monday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Tuesday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Wednesday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Thursday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Friday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Saturday"),
        pgettext_lazy("weekday, as in 'It was planned for Wednesday …'", "Sunday"),
    ],
    "when": [
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Monday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Tuesday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Wednesday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Thursday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Friday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Saturday"),
        pgettext_lazy("weekday, as in 'When: Wednesday, 1 December …'", "Sunday"),
    ],
}


@register.filter
def weekday_in(value, place: str) -> str:
    """The weekday of `value` in the current time zone (as `|date` reckons it), for `place` in WEEKDAYS."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(WEEKDAYS[place][value.weekday()])
