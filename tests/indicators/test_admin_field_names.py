"""The indicators' admin pages name every field they show in the reader's language: who updated a narrative,
entered a figure or asked for a report, and the columns of a snapshot's figures."""

import pytest
from django.utils.functional import Promise

from indicators.models import IndicatorValue, ManualFigure, MonthlyNarrative, ProgressReport, Survey
from tests.support.marked_translations import marked, marked_translations

FIELDS = [
    (MonthlyNarrative, "updated_by", "updated by"),
    (ManualFigure, "entered_by", "entered by"),
    (ProgressReport, "requested_by", "requested by"),
    (Survey, "created_by", "created by"),
    (IndicatorValue, "snapshot", "monthly snapshot"),
    (IndicatorValue, "code", "indicator"),
    (IndicatorValue, "dimension", "breakdown"),
    (IndicatorValue, "key", "group"),
    (IndicatorValue, "value", "value"),
]


@pytest.mark.parametrize(("model", "field", "name"), FIELDS)
def test_each_field_the_admin_shows_has_a_translatable_name(model, field, name, monkeypatch):
    verbose_name = model._meta.get_field(field).verbose_name
    marked_translations(monkeypatch)

    assert isinstance(verbose_name, Promise)
    assert str(verbose_name) == marked(name)


def test_a_snapshots_figures_are_headed_in_the_readers_language(monkeypatch):
    # The heading of the figures listed under a snapshot in the admin.
    marked_translations(monkeypatch)

    assert str(IndicatorValue._meta.verbose_name_plural) == marked("indicator values")
