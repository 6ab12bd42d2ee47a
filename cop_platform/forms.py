"""Form fields the apps share, each closing a gap in the library field it extends (found by fuzzing every form,
tests/platform/test_fuzz_forms.py), and the pieces the apps' filter sets share (countries, pair choices)."""

import re

import django_filters
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import ngettext_lazy
from django_countries import countries
from taggit import forms as taggit_forms
from taggit.models import Tag

from cop_platform.form_renderer import CountrySelect

# Spaces and the invisible format characters (zero-width space, joiners, word joiner, byte order mark) at a
# text's ends. Burmese separates words with U+200B, so inside a text they stay; a text made only of them looked
# empty and passed for a name, a title, a post or a required answer.
INVISIBLE_ENDS = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")


def invisible_ends_stripped(value: str) -> str:
    return INVISIBLE_ENDS.sub("", value)


def strip_invisible_ends_in_every_char_field() -> None:
    """Every form's CharField that strips spaces (Django's default, the admin's too) strips these as well, so
    "\u200b" is an empty value: the field's own "required" message, or nothing stored. Fields that keep spaces
    (passwords: `strip=False`) keep everything. Called once, from the platform's AppConfig.ready."""
    library_to_python = forms.CharField.to_python
    if getattr(library_to_python, "strips_invisible_ends", False):
        return

    def to_python(self, value):
        value = library_to_python(self, value)
        if self.strip and isinstance(value, str) and value:
            value = invisible_ends_stripped(value)
            if value in self.empty_values:
                return self.empty_value
        return value

    to_python.strips_invisible_ends = True
    forms.CharField.to_python = to_python


def small_int(value: str) -> int | None:
    """An id from a query, form or address value: plain ASCII digits that fit a database integer, else None
    ("²" passes str.isdigit() and 5,000 digits pass int()'s guard only to fail later, in the query)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def is_key(field: models.Field, value) -> bool:
    """Whether `value` can be compared with `field` in a query (one that cannot fails it: ValueError, overflow)."""
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField included
        return small_int(str(value)) is not None
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


def country_q(field: str, code: str) -> models.Q:
    """Match one ISO code in a django-countries multiple field (stored as 'KH,MM,TH'): whole codes only."""
    return (
        models.Q(**{field: code}) | models.Q(**{f"{field}__startswith": f"{code},"})
        | models.Q(**{f"{field}__endswith": f",{code}"}) | models.Q(**{f"{field}__contains": f",{code},"})
    )  # fmt: skip


def country_choices() -> list:
    """Every country as (code, name), sorted by name in the active language: the `choices` of a country filter.

    Passed as a callable, not as django-countries' `countries` itself: a form deep-copies its fields, with their
    choices, for every request, so each copy of `countries` started with an empty cache and translated and sorted
    250 names again (about 3 ms a filter form). The module-level `countries` keeps its per-language cache."""
    return list(countries)


def country_filter(*, label, empty_label, method=None) -> django_filters.ChoiceFilter:
    """A filter by one country, written by a CountrySelect (its 250 options written once per language): every
    country, after `empty_label`. Only `method` may be given besides: CountrySelect keeps the options it wrote
    under the language and `empty_label`, so nothing else may change them."""
    return django_filters.ChoiceFilter(
        label=label, choices=country_choices, empty_label=empty_label, method=method,
        widget=CountrySelect(empty_label=empty_label),
    )  # fmt: skip


def pair_choice_filter(*, label, field_name: str, empty_label) -> django_filters.ChoiceFilter:
    """A filter by a row's text key (a community's slug, a language's code) whose choices are (key, name) pairs,
    set per request in the filter set's __init__ (django-filter copies a filter set's filters for each instance):
    none until then. Pairs rather than a ModelChoiceFilter's rows: a form builds, validates and writes its
    choices without a model instance or a queryset iterator per option (a library page had about 80).
    null_value=None: a ChoiceFilter otherwise reads the value "null" as "none", and "null" may be a key."""
    return django_filters.ChoiceFilter(
        label=label, field_name=field_name, choices=[], null_value=None, empty_label=empty_label
    )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a value that is no key before its query by all the values sent (on SQLite, the
    embedded default, `pk__in` with an id too big for an integer column raises OverflowError: a 500). The site's
    forms and every admin form use it."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        column = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        for item in value if isinstance(value, (list, tuple)) else ():
            if not is_key(column, item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


def choices_in_reading_order(field) -> None:
    """`field`'s choices sorted by their labels as the reader reads them: names translated in Python (a language's,
    members.models.language_name) cannot be ordered by the query, which sorted them by their English names
    ("Арабский, Армянский, Азербайджанский, … Английский"). A blank choice stays first. One query, as rendering
    would make; validation still asks the field's queryset."""
    choices = list(field.choices)
    blank = [choice for choice in choices if choice[0] == ""]
    field.choices = blank + sorted((c for c in choices if c[0] != ""), key=lambda choice: str(choice[1]).casefold())


# 90, not the column's 100: a new tag whose slug is taken already (another case, punctuation) gets "_1"… added to
# it, and a slug has 100 characters at most (PostgreSQL would raise DataError, a 500; SQLite would store it whole).
TAG_MAX_LENGTH = Tag._meta.get_field("slug").max_length - 10


def new_tags_too_long(names) -> list[str]:
    """The names longer than TAG_MAX_LENGTH that no stored tag has.

    A stored tag keeps its slug, however long its name (one stored before the limit, or up to the column's 100 on
    PostgreSQL), so naming it again is safe: refusing it would block every save of the object that carries it.
    taggit matches stored tags by exact name (TAGGIT_CASE_INSENSITIVE is off), and so does this.
    """
    too_long = {name for name in names if len(name) > TAG_MAX_LENGTH}
    if not too_long:
        return []
    stored = set(Tag.objects.filter(name__in=too_long).values_list("name", flat=True))
    return sorted(too_long - stored)


class TagField(taggit_forms.TagField):
    """taggit's field, refusing a tag longer than TAG_MAX_LENGTH."""

    def clean(self, value):
        tags = super().clean(value)
        too_long = new_tags_too_long(tags)
        if too_long:
            raise forms.ValidationError(
                ngettext_lazy(
                    "Each tag can have at most %(limit)d characters; this one has %(length)d.",
                    "Each tag can have at most %(limit)d characters; these have %(length)d or more.",
                    len(too_long),
                ),
                code="tag_too_long",
                params={"limit": TAG_MAX_LENGTH, "length": min(len(tag) for tag in too_long)},
            )
        return tags


class Textarea(forms.Textarea):
    """The textarea of every form on the site: line breaks read as the browser counted them. A browser sends
    them as CRLF (the HTML form encoding) but counts each as one character against `maxlength`: read as two, a
    text that fitted the browser was refused by the same limit here."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value


class AdminTextarea(Textarea, admin_widgets.AdminTextareaWidget):
    """The admin's textarea (its look), with line breaks read as the browser counted them."""


# `formfield_overrides` of every ModelAdmin editing a text column (a TextField's default admin widget).
ADMIN_TEXT_FIELDS = {models.TextField: {"widget": AdminTextarea}}
