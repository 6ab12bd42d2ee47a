"""<select> is written in Python (cop_platform/form_renderer.py): the same HTML as Django's own templates, and
the shared country filter choices keep django-countries' per-language cache."""

import re
from datetime import UTC, datetime
from unittest import mock

import django_filters
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django_countries import countries

from cop_platform.form_renderer import CountrySelect, FilterForm, QuickSelect, Renderer
from cop_platform.forms import country_choices, country_filter
from cop_platform.templatetags.choices import country_name
from members.models import Language, User


def _django_html(widget: forms.Widget, name: str, value, attrs=None) -> str:
    """The widget as Django's built-in templates write it, blank lines left out."""
    html = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    return re.sub(r"\n\s*\n", "\n", html)


def _ours(widget: forms.Widget, name: str, value, attrs=None) -> str:
    return widget.render(name, value, attrs=attrs, renderer=Renderer())


CASES = [
    ("a plain list, one selected", forms.Select(choices=[("", "Any"), ("a", "Apple"), ("b", "Banana")]), "b", None),
    ("nothing selected", forms.Select(choices=[("x", "X"), ("y", "Y")]), None, {"id": "id_fruit"}),
    (
        "groups",
        forms.Select(choices=[("", "Choose"), ("Region", [("MM", "Myanmar"), ("KH", "Cambodia")]), ("ZZ", "Other")]),
        "KH",
        None,
    ),
    (
        "several selected",
        forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]),
        ["1", "3"],
        {"required": True, "disabled": False, "aria-describedby": "id_n_helptext"},
    ),
    (
        "labels and values that need escaping",
        forms.Select(choices=[('"><script>', '<b>bold & "quoted"</b>'), ("safe", mark_safe("<em>kept</em>"))]),
        '"><script>',
        {"data-x": "a&b"},
    ),
    ("lazy labels and numbers", forms.Select(choices=[(2024, 2024), ("t", gettext_lazy("Any type"))]), 2024, None),
    (
        "safe attribute values and values, a date-time label",
        forms.Select(choices=[(mark_safe("a&amp;b"), datetime(2026, 11, 23, 6, 30, tzinfo=UTC))]),
        None,
        {"data-x": mark_safe("a&amp;b"), "title": "a&b"},
    ),
]


@pytest.mark.parametrize(("case", "widget", "value", "attrs"), CASES, ids=[case[0] for case in CASES])
def test_a_select_is_written_as_djangos_templates_write_it(case, widget, value, attrs):
    with timezone.override("Asia/Yangon"):  # a date-time label is shown in the current time zone
        assert _ours(widget, "field", value, attrs) == _django_html(widget, "field", value, attrs)


@pytest.mark.parametrize(
    ("case", "widget", "value", "attrs"),
    [case for case in CASES if type(case[1]) is forms.Select],
    ids=[case[0] for case in CASES if type(case[1]) is forms.Select],
)
def test_a_quick_select_writes_the_same_html(case, widget, value, attrs):
    quick = QuickSelect(choices=widget.choices)

    with timezone.override("Asia/Yangon"):
        assert quick.render("field", value, attrs) == _django_html(widget, "field", value, attrs)


def test_a_filter_form_renders_its_plain_selects_quickly_and_keeps_their_choices():
    class Form(FilterForm):
        fruit = forms.ChoiceField(choices=[("a", "Apple"), ("b", "Banana")], required=False)
        many = forms.MultipleChoiceField(choices=[("x", "X")], required=False)

    form = Form({"fruit": "b"})

    assert type(form.fields["fruit"].widget) is QuickSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple  # left as Django's
    assert '<option value="b" selected>Banana</option>' in str(form["fruit"])
    assert form.is_valid() and form.cleaned_data["fruit"] == "b"
    form.fields["fruit"].choices = [("c", "Cherry")]  # a later change of choices reaches the widget
    assert "Cherry" in str(form["fruit"])


@pytest.mark.django_db
def test_a_model_choice_select_is_written_as_djangos_templates_write_it():
    Language.objects.get_or_create(code="my", defaults={"name": "Burmese"})
    field = forms.ModelChoiceField(queryset=Language.objects.order_by("name"), to_field_name="code")

    assert _ours(field.widget, "language", "my") == _django_html(field.widget, "language", "my")
    assert 'value="my" selected>Burmese</option>' in _ours(field.widget, "language", "my")
    quick = QuickSelect(choices=field.choices)
    assert quick.render("language", "my") == _django_html(field.widget, "language", "my")


def test_other_widgets_still_render_through_the_project_templates():
    html = forms.CheckboxSelectMultiple(choices=[("a", "A")]).render("x", ["a"], renderer=Renderer())

    assert 'type="checkbox"' in html and "checked" in html


def test_the_country_choices_are_translated_and_sorted_once_per_language():
    with translation.override("ru"):
        first = country_choices()
        with mock.patch.object(countries, "translate_pair", wraps=countries.translate_pair) as translate:
            for _ in range(3):  # three filter forms: each deep-copies its fields
                assert country_choices() == first
        assert translate.call_count == 0
    assert dict(first)["MM"] == "Мьянма"  # not django-countries' genitive "Мьянмы" (COUNTRIES_OVERRIDE)
    assert dict(first)["KH"] == "Камбоджа"
    with translation.override("en"):
        assert dict(country_choices())["MM"] == "Myanmar"


@pytest.fixture
def no_country_options_kept(monkeypatch):
    """CountrySelect's options as a new process has them: none (other tests' pages keep some)."""
    monkeypatch.setattr(CountrySelect, "_options", {})


def _country_filter_form(params):
    class CountryFilters(django_filters.FilterSet):
        country = country_filter(label="Country", empty_label=gettext_lazy("Any country"))
        home = country_filter(label="Home", empty_label="All countries")

        class Meta:
            model = User
            form = FilterForm
            fields: list = []

    return CountryFilters(params, queryset=User.objects.none()).form


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("value", [None, "", "MM", "ZW", "AF", "XX", '"><b>', ["MM", "KH"], ["", "MM"], ["ZW", "KH"]])
def test_a_country_select_writes_what_a_quick_select_writes(no_country_options_kept, language, value):
    with translation.override(language):
        form = _country_filter_form({"country": value} if value is not None else {})
        field = form.fields["country"]
        quick = QuickSelect(choices=field.choices, attrs=field.widget.attrs)

        for _ in range(2):  # written, then from the options kept
            assert type(field.widget) is CountrySelect
            assert field.widget.render("country", value, {"id": "id_country"}) == quick.render(
                "country", value, {"id": "id_country"}
            )


def test_a_country_select_keeps_its_options_per_language_and_empty_label(no_country_options_kept):
    with translation.override("ru"):
        ru = str(_country_filter_form({"country": "KH"})["country"])
    with translation.override("en"):
        form = _country_filter_form({"country": "KH", "home": "TH"})
        en, home = str(form["country"]), str(form["home"])

    assert '<option value="KH" selected>Камбоджа</option>' in ru and "Cambodia" not in ru
    assert '<option value="KH" selected>Cambodia</option>' in en and en.count(" selected") == 1
    assert '<option value="">Any country</option>' in en
    assert '<option value="">All countries</option>' in home and "Any country" not in home
    assert '<option value="TH" selected>Thailand</option>' in home and home.count(" selected") == 1
    assert form.is_valid() and form.cleaned_data["country"] == "KH"


def test_a_country_name_is_read_from_the_list_of_the_active_language():
    with translation.override("ru"):
        assert country_name("MM") == "Мьянма"
    with translation.override("en"):
        assert country_name("MM") == "Myanmar"
        assert country_name("") == country_name("XX") == ""
