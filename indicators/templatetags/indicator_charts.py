from django import template

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
    return f"{sign}{format_value(abs(value), unit if unit != '%' else '')}{' pts' if unit == '%' else ''}"


@register.simple_tag
def trend_chart(item):
    return line_chart(item.trend, title=f"{item.indicator.name}, last 12 months", unit=item.indicator.unit)


@register.simple_tag
def breakdown_chart(item, breakdown, compact=False):
    rows = breakdown.compact_rows if compact else breakdown.rows
    return bar_chart(
        [(label, value) for _key, label, value in rows],
        title=f"{item.indicator.name} by {breakdown.name.lower()}",
        unit=item.indicator.unit,
    )
