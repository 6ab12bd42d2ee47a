"""{% form_field %} (cop_platform/templatetags/form_fields.py) writes what includes/form_field.html writes."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

from cop_platform.form_renderer import FilterForm


class Everything(forms.Form):
    name = forms.CharField(label="Name <yours>", help_text=mark_safe("As on your <em>ID</em>"))
    note = forms.CharField(label="Note", required=False, max_length=3)
    country = forms.ChoiceField(label="Country", choices=[("", "Any"), ("MM", "Myanmar")], required=False)
    ok = forms.BooleanField(label="I agree", required=False, help_text="Tick it")
    langs = forms.MultipleChoiceField(
        label="Languages", choices=[("en", "English"), ("my", "Burmese")], widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_note(self):
        raise forms.ValidationError(['Not "this" & not that', "Another <problem>"])


class Filters(FilterForm, Everything):
    pass


def _normalized(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _both(field) -> tuple[str, str]:
    context = Context({"field": field})
    include = Template('{% include "includes/form_field.html" with field=field %}').render(context)
    tag = Template("{% load form_fields %}{% form_field field %}").render(context)
    return _normalized(include), _normalized(tag)


@pytest.mark.parametrize("form_class", [Everything, Filters])
@pytest.mark.parametrize(
    "data", [None, {"name": "", "note": "long", "country": "XX", "secret": "s"}, {"name": "Aung", "ok": "on"}]
)
@pytest.mark.parametrize("name", ["name", "note", "country", "ok", "langs", "secret"])
def test_the_tag_writes_what_the_include_writes(form_class, data, name):
    form = form_class(data)
    include, tag = _both(form[name])

    assert tag == include
    assert tag  # something was written


def test_errors_help_and_labels_are_escaped_once():
    form = Everything({"name": "", "note": "x"})

    _include, html = _both(form["note"])
    assert "Not &quot;this&quot; &amp; not that Another &lt;problem&gt;" in html
    assert 'id="id_note_error"' in html and "has-error" in html
    _include, html = _both(form["name"])
    assert "Name &lt;yours&gt;" in html and "As on your <em>ID</em>" in html


def test_a_field_the_form_does_not_have_writes_nothing():
    form = Everything()

    html = Template("{% load form_fields %}[{% form_field form.no_such_field %}]").render(Context({"form": form}))

    assert html == "[]"


def test_the_error_summary_takes_the_focus_and_links_each_field_to_its_error():
    """After a failed submit the focus stayed on the page's top, far from the errors (a reply's, below every post),
    and the summary named no field."""
    form = Everything({"name": "", "note": "ab", "langs": ["xx"]})
    assert not form.is_valid()

    html = Template('{% include "includes/form_errors.html" with form=form %}').render(Context({"form": form}))

    assert re.search(r'<div class="form-errors" role="alert" tabindex="-1" autofocus>', html)
    assert '<li><a href="#id_name">Name &lt;yours&gt;</a>: This field is required.</li>' in html
    assert '<a href="#id_note">Note</a>: Not &quot;this&quot; &amp; not that Another &lt;problem&gt;' in html
    assert '<a href="#id_langs">Languages</a>' in html  # the group: a list of boxes has no one control to label
