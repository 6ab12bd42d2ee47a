"""A textarea's line breaks count as one character, as the browser counted them against `maxlength`.

Browsers send a textarea's line breaks as CRLF (the HTML form encoding) but let a member type up to
`maxlength` counting each break once: read as two characters, a text that fitted the browser was refused."""

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from communities.models import MAX_POST_LENGTH, Post
from cop_platform import forms as shared_fields
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import CoordinatorFactory


def _form_modules() -> list[str]:
    """Every project app's forms module (the survey form's fields are added per survey: tested below)."""
    from django.apps import apps
    from django.conf import settings

    return [
        f"{config.name}.forms"
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR) and (Path(config.path) / "forms.py").is_file()
    ]


def _lines_of(total: int) -> str:
    """A text of exactly `total` characters as the browser counts them, half of them line breaks, sent as CRLF."""
    return "\r\n".join(["x"] * (total // 2)) + "x" * (total % 2 + 1)


def test_the_helper_makes_a_text_the_browser_counts_as_exactly_the_limit():
    text = _lines_of(MAX_POST_LENGTH)
    assert len(text.replace("\r\n", "\n")) == MAX_POST_LENGTH and len(text) > MAX_POST_LENGTH


@pytest.fixture
def replying(db, client):
    """A signed-in member's thread to reply in: (the reply URL, the thread, the member)."""
    community = CommunityFactory()
    member = member_of(community)
    thread = ThreadFactory(community=community)
    client.force_login(member)
    return reverse("communities:reply", args=[community.slug, thread.pk]), thread, member


def test_a_reply_as_long_as_the_browser_allows_is_posted_with_one_character_line_breaks(client, replying):
    url, thread, member = replying
    body = _lines_of(MAX_POST_LENGTH)
    response = client.post(url, {"body": body})

    assert response.status_code == 302
    reply = Post.objects.get(thread=thread, author=member)
    assert reply.body == body.replace("\r\n", "\n") and "\r" not in reply.body
    # One character more than the browser allows is still refused, with the limit named.
    too_long = _lines_of(MAX_POST_LENGTH + 1)
    response = client.post(url, {"body": too_long})
    assert response.status_code == 400 and f"at most {MAX_POST_LENGTH} characters" in response.content.decode()


def test_a_lone_carriage_return_is_a_line_break_too(client, replying):
    url, thread, member = replying
    client.post(url, {"body": "First\rSecond"})

    assert Post.objects.get(thread=thread, author=member).body == "First\nSecond"


@pytest.mark.django_db
def test_a_news_item_as_long_as_the_browser_allows_is_saved_in_the_admin(client):
    from digests.models import NewsItem

    client.force_login(CoordinatorFactory())
    text = _lines_of(1000)

    response = client.post(
        reverse("admin:digests_newsitem_add"),
        {"title": "Call for papers", "text": text, "starts_at_0": "2026-11-01", "starts_at_1": "09:00",
         "expires_at_0": "2026-12-01", "expires_at_1": "09:00", "created_at_0": "2026-11-01",
         "created_at_1": "09:00"},
    )  # fmt: skip

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert NewsItem.objects.get().text == text.replace("\r\n", "\n")


def _site_form_classes():
    # An admin's form gets its text columns' widgets from the admin (tested below).
    admin_forms = {model_admin.form for model_admin in admin.site._registry.values()}
    for module_name in _form_modules():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module_name
                and value not in admin_forms
            ):
                yield value


def test_every_textarea_of_the_sites_forms_reads_line_breaks_as_one_character():
    textareas = {
        f"{form.__module__}.{form.__name__}.{name}": field.widget
        for form in _site_form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field.widget, forms.Textarea)
    }
    plain = [name for name, widget in textareas.items() if not isinstance(widget, shared_fields.Textarea)]
    assert {"communities.forms", "events.forms", "experts.forms", "knowledge.forms"} <= set(_form_modules())
    assert len(textareas) >= 9  # the guard sees the forms it guards
    assert plain == [], f"use cop_platform.forms.Textarea for {plain}"


@pytest.mark.django_db
def test_a_survey_text_answer_reads_line_breaks_as_one_character():
    from indicators.models import Survey, SurveyQuestion
    from indicators.surveys import SurveyForm

    now = timezone.now()
    survey = Survey.objects.create(title="Satisfaction", opens_at=now, closes_at=now + timedelta(days=7))
    question = SurveyQuestion(survey=survey, text="What else?", kind=SurveyQuestion.Kind.TEXT)

    form = SurveyForm(survey=survey, questions=[question])

    assert [type(field.widget) for field in form.fields.values()] == [shared_fields.Textarea]


def test_every_admin_text_column_reads_line_breaks_as_one_character(rf):
    """Every ModelAdmin and inline that edits a text column uses the admin's textarea that counts a line break
    once (cop_platform.forms.ADMIN_TEXT_FIELDS)."""
    request = rf.get("/")
    missing = []
    for model, model_admin in admin.site._registry.items():
        for owner, checked in [(model, model_admin)] + [
            (inline.model, inline(model, admin.site)) for inline in model_admin.inlines
        ]:
            for column in owner._meta.get_fields():
                if (
                    isinstance(column, models.TextField)
                    and column.editable
                    and column.name not in checked.readonly_fields
                ):
                    form_field = checked.formfield_for_dbfield(column, request=request)
                    if not isinstance(form_field.widget, shared_fields.AdminTextarea):
                        missing.append(f"{type(checked).__name__}.{column.name}")
    assert missing == [], f"add formfield_overrides = ADMIN_TEXT_FIELDS to {missing}"
