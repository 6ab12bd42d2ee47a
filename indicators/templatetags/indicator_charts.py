from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..charts import bar_chart, format_value, line_chart
from ..registry import FIGURES_IN_UNIT

register = template.Library()


@register.filter
def figure(value, unit=""):
    """An indicator's value as text: 1,234 / 4.25 / 87.5% / — when there is no figure."""
    return format_value(value, unit)


@register.filter
def figure_in_unit(value, unit=""):
    """The value, emphasised, in its unit's words in the reader's language: "<strong>40</strong> members" (the
    translation places the number: Burmese writes the unit first). A percentage or no figure is the number alone."""
    number = format_html('<strong class="figure">{}</strong>', format_value(value, unit))
    words = FIGURES_IN_UNIT.get(unit)
    if value is None or words is None:
        return number
    # A stand-in for the number while the words are escaped: the number is markup.
    return mark_safe(escape(words % {"figure": "\x00", "count": plural_count(value)}).replace("\x00", number))


def plural_count(value) -> int:
    """The number that chooses a unit's plural form: the value when it is whole. A decimal takes the form of 2,
    which is what it takes in the site's languages: English's plural ("1.5 hours"), Russian's genitive singular
    ("1,5 часа"), Burmese's one form. (gettext's plural formulas are for whole numbers.)"""
    return int(value) if float(value).is_integer() else 2


@register.filter
def change(value, unit=""):
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    if unit == "%":
        # Translators: a change in percentage points, e.g. "+2.5 pts".
        return gettext("%(sign)s%(value)s pts") % {"sign": sign, "value": format_value(abs(value))}
    return f"{sign}{format_value(abs(value), unit)}"


@register.simple_tag
def trend_chart(item):
    title = gettext("%(indicator)s, last 12 months") % {"indicator": item.indicator.name}
    return line_chart(item.trend, title=title, unit=item.indicator.unit)


@register.simple_tag
def breakdown_chart(item, breakdown, compact=False):
    rows = breakdown.compact_rows if compact else breakdown.rows
    return bar_chart(
        [(label, value) for _key, label, value in rows],
        title=gettext("%(indicator)s by %(dimension)s")
        % {"indicator": item.indicator.name, "dimension": str(breakdown.name).lower()},
        unit=item.indicator.unit,
    )
