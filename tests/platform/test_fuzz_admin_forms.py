"""Fuzzing the admin (issue #10): Hypothesis sends every add form the admin registers, with each inline, random
and hostile values: never a 500 (cop_platform.admin_site guards them all). The site's own forms are fuzzed in
test_fuzz_forms.py; this walks the registry, so an admin added later is fuzzed too."""

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import MemberFactory

from .fuzz_support import ExceptionRecorder, assert_no_server_error, example, fuzz_settings, hostile_scalar, long_text

pytestmark = pytest.mark.django_db

EXAMPLES = 15  # per admin: twenty admins add, so a few hundred posts in all

# Values no admin form should meet with a 500: hostile text, numbers and dates past what columns and datetime
# hold, tags past the tag column, several values for one field.
WILD = st.one_of(
    hostile_scalar(),
    st.sampled_from(["99999999999999999999", "-1", "0001-01-01", "9999-12-31", "23:59:59", "on", "abc"]),
    long_text(101, 5_000),
    st.lists(hostile_scalar(20), max_size=3),
)


def _add_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        try:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        except NoReverseMatch:
            continue
    return sorted(urls)


def _keys(form, prefix: str = "") -> dict[str, object]:
    """Each key the form reads, with the value the page rendered (for a split date and time, its parts)."""
    keys = {}
    for bound in form:
        name = f"{prefix}{bound.name}" if prefix else bound.html_name
        if isinstance(bound.field.widget, MultiWidget):
            for suffix in bound.field.widget.widgets_names:
                keys[f"{name}{suffix}"] = ""
        else:
            value = bound.value()
            keys[name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else ("" if value is None else str(value))
            )
    return keys


@pytest.mark.parametrize("url", _add_urls())
def test_fuzz_every_admin_add_form(client, settings, url):
    settings.ACCOUNT_RATE_LIMITS = False
    client.raise_request_exception = False
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    page = client.get(url)
    if page.status_code != 200:
        pytest.skip(f"{url} adds nothing ({page.status_code})")
    keys = _keys(page.context["adminform"].form)
    inlines = []
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        inlines.append((formset.prefix, _keys(formset.empty_form, prefix=f"{formset.prefix}-0-")))

    @fuzz_settings(EXAMPLES)
    @given(
        wild=st.dictionaries(st.sampled_from(sorted(keys)), WILD, min_size=1) if keys else st.just({}),
        inline_rows=st.lists(st.booleans(), min_size=len(inlines), max_size=len(inlines)),
        inline_values=st.dictionaries(st.text(max_size=3), WILD),
        data=st.data(),
    )
    def check(wild, inline_rows, inline_values, data):
        sent = {**keys, **wild}
        for (prefix, fields), with_a_row in zip(inlines, inline_rows, strict=True):
            sent.update({f"{prefix}-TOTAL_FORMS": str(int(with_a_row)), f"{prefix}-INITIAL_FORMS": "0"})
            if with_a_row and fields:
                sent.update(fields)
                sent.update(data.draw(st.dictionaries(st.sampled_from(sorted(fields)), WILD, max_size=3)))
        with example(), ExceptionRecorder() as recorder:
            response = client.post(url, sent)
        assert_no_server_error(response, recorder, sent)
        if response.status_code == 200:
            assert "errornote" in response.content.decode(), f"{url}: not saved, and no error shown for {sent!r}"

    check()
