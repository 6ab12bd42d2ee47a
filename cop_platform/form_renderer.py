"""The project's form renderer: Django's TemplatesSetting (widgets render through the project's templates, so
templates/admin/widgets/ can fix the admin's markup), with one exception written in Python: <select>.

A filter form's country and language lists hold about 450 options between them, and the template engine spends
about a millisecond per 40 options resolving variables and attributes: a third of a library page's time went to
its <select>s. Writing the same HTML with str.join takes a hundredth of that. The output is what Django's
django/forms/widgets/select.html (with option.html and attrs.html) writes, less the blank lines after options.
"""

import html
from typing import ClassVar

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _escaped(value) -> str:
    """str(value) escaped unless it is safe: conditional_escape without its lazy wrapper, which costs more than
    the escaping on a 250-country list (500 calls)."""
    text = str(value)
    return text if isinstance(text, SafeData) else html.escape(text)


def _attributes(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: False left out, True as a bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        # As attrs.html: {{ name }} and `value|stringformat:'s'` (which keeps a safe string safe) escaped.
        name = _escaped(name)
        parts.append(f" {name}" if value is True else f' {name}="{_escaped(value)}"')
    return "".join(parts)


def _text(value) -> str:
    """`value` as {{ value }} writes it: in the current time zone, localized, escaped unless safe."""
    if isinstance(value, str | Promise):
        return _escaped(value)
    return conditional_escape(localize(template_localtime(value)))


def _option(value, label, selected: bool) -> str:
    # The value as `stringformat:'s'` writes it (never localized); the label as {{ }} writes it.
    return f'\n  <option value="{_escaped(value)}"{" selected" if selected else ""}>{_text(label)}</option>'


def render_select(widget: dict) -> str:
    """The HTML of a Select or SelectMultiple from its template context (`widget`, as get_context builds it)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_escaped(option["value"])}"{_attributes(option["attrs"])}>'
                f"{_text(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above was escaped unless safe


class QuickSelect(forms.Select):
    """A Select written straight from its choices: the same HTML, without the per-option dictionaries that
    Django builds first (get_context, optgroups), which cost as much again as writing them. Filter forms use
    it (FilterForm below); choices with groups go Django's way."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = self.format_value(value)
        parts = [f'<select name="{conditional_escape(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else option_value
            is_selected = not has_selected and str(option_value) in selected
            has_selected |= is_selected
            parts.append(_option(option_value, option_label, is_selected))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - _attributes and _option escape every value


class CountrySelect(QuickSelect):
    """A QuickSelect for the list of every country (cop_platform.forms.country_filter), whose options are the
    same on every page but for the one selected: they are written once per language and empty label (the
    filter's "Any country"), and the selected one is marked in a copy. Writing 250 options took about a
    millisecond of every page with a country filter (four of the main pages)."""

    # One entry per language and filter's empty label (six today). The key holds all that varies: the choices
    # are every country, as django-countries lists them under the project's settings, after the empty label.
    _options: ClassVar[dict[tuple[str, str], str]] = {}

    def __init__(self, attrs=None, *, empty_label):
        super().__init__(attrs)
        self.empty_label = empty_label

    def render(self, name, value, attrs=None, renderer=None):
        key = (get_language(), str(self.empty_label))
        options = self._options.get(key)
        if options is None:  # the choices are read only here: iterating them costs as much as writing them
            options = "".join(_option("" if v is None else v, label, False) for v, label in self.choices)
            self._options[key] = options
        # As QuickSelect: the first option whose value is selected is marked. ("" is the value of the empty label,
        # first, and of the separator after the countries listed first; the codes are unique.)
        unmarked = [f'<option value="{_escaped(selected)}">' for selected in self.format_value(value)]
        found = [(options.find(option), option) for option in unmarked if option in options]
        if found:
            at, option = min(found)
            options = f"{options[:at]}{option[:-1]} selected>{options[at + len(option) :]}"
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        # As QuickSelect: _attributes and _option escape every value.
        return mark_safe(f'<select name="{conditional_escape(name)}"{attributes}>{options}\n</select>')  # noqa: S308


class FilterForm(forms.Form):
    """The form of the project's filter sets (their Meta.form): each plain Select becomes a QuickSelect (a
    library page's filters have about 350 options)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                quick = QuickSelect(attrs=field.widget.attrs)
                quick.is_required = field.widget.is_required
                field.widget = quick
                field.widget.choices = field.choices


class Renderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return super().render(template_name, context, request)
