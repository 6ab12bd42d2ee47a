"""The indicators' admin pages name every field they show in the reader's language: who updated a narrative,
entered a figure or asked for a report, and the columns of a snapshot's figures."""

import pytest

from indicators.models import IndicatorValue, ManualFigure, MonthlyNarrative, ProgressReport, Survey
from tests.support.marked_translations import assert_named_for_translators, marked, marked_translations

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
    assert_named_for_translators(model, field, name, monkeypatch)


def test_a_snapshots_figures_are_headed_in_the_readers_language(monkeypatch):
    # The heading of the figures listed under a snapshot in the admin.
    marked_translations(monkeypatch)

    assert str(IndicatorValue._meta.verbose_name_plural) == marked("indicator values")
