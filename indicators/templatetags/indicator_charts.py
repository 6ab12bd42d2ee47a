from django import template
from django.utils.translation import gettext

from ..charts import bar_chart, format_value, line_chart

register = template.Library()


@register.filter
def figure(value, unit=""):
    """An indicator's value as text: 1,234 / 4.25 / 87.5% / — when there is no figure."""
    return format_value(value, unit)


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
