"""The list templates' filters (cop_platform/templatetags/choices.py): what Django's get_FOO_display and
django-countries' names give, translated at each request."""

import pytest
from django.template import Context, Template
from django.utils import translation

from events.models import Event
from experts.models import Expert


def _render(source: str, **context) -> str:
    return Template("{% load choices %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "ru", "my"])
def test_display_is_get_display_in_the_active_language(language):
    event = Event(kind=Event.Kind.WEBINAR)
    with translation.override(language):
        assert _render('{{ event|display:"kind" }}', event=event) == event.get_kind_display()


def test_display_shows_a_value_that_is_not_a_choice_as_it_is():
    assert _render('{{ event|display:"kind" }}', event=Event(kind="retired-kind")) == "retired-kind"


def test_country_names_follow_the_language():
    expert = Expert(countries=["MM", "KH"])
    with translation.override("ru"):
        assert (
            _render("{{ expert.countries|country_names }}", expert=expert) == "Камбоджа, Мьянма"
        )  # as the field keeps them (by code)
    assert _render("{{ expert.countries|country_names }}", expert=expert) == "Cambodia, Myanmar"
