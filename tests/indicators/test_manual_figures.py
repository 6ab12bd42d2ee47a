"""Manually reported figures: entered per month and country with a required source, added up into the
`offline_participants` indicator (with a "not stated" bucket) when the month is computed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.compute import compute_values, freeze_month
from indicators.models import IndicatorValue, ManualFigure
from indicators.registry import BY_CODE, MANUAL_CHOICES, NOT_STATED

from .conftest import OCT

pytestmark = pytest.mark.django_db


def figure(country="MM", value=40, month=OCT, source="Attendance sheets"):
    return ManualFigure.objects.create(
        month=month, code="offline_participants", country=country, value=value, source_note=source
    )


def test_the_indicator_is_registered_as_a_manual_figure_by_country():
    indicator = BY_CODE["offline_participants"]
    assert indicator.source == "manual" and indicator.dimensions == ("country",) and indicator.unit == "people"
    assert MANUAL_CHOICES == [("offline_participants", "Participants in offline activities")]


def test_figures_add_up_by_country_with_a_not_stated_bucket(db):
    figure("MM", 40)
    figure("KH", Decimal("7.5"))
    figure("", 15, source="Partner estimate")
    figure("MM", 999, month=date(2026, 9, 1))  # another month

    values = compute_values(OCT)["offline_participants"]

    assert values == {"total": {"total": 62.5}, "country": {"MM": 40.0, "KH": 7.5, NOT_STATED: 15.0}}
    assert sum(values["country"].values()) == values["total"]["total"]


def test_a_month_without_figures_has_no_figure_rather_than_zero(db):
    assert compute_values(OCT)["offline_participants"] == {"total": {"total": None}, "country": {}}


def test_a_figure_is_stored_for_the_first_day_of_its_month_once_per_country(db):
    stored = figure(month=date(2026, 10, 17))
    assert stored.month == OCT

    with pytest.raises(IntegrityError), transaction.atomic():
        figure(month=date(2026, 10, 30), value=1)


@pytest.mark.parametrize(
    "changes, field",
    [({"source_note": ""}, "source_note"), ({"value": Decimal("-1")}, "value"), ({"code": "members"}, "code")],
)
def test_a_figure_needs_a_source_a_positive_value_and_a_manual_indicator(db, changes, field):
    candidate = ManualFigure(month=OCT, code="offline_participants", country="MM", value=10, source_note="Sheets")
    for name, value in changes.items():
        setattr(candidate, name, value)

    with pytest.raises(ValidationError) as error:
        candidate.full_clean()

    assert set(error.value.message_dict) == {field}


def test_a_figure_changed_after_freezing_counts_only_once_recomputed(db):
    stored = figure("MM", 40)
    freeze_month(OCT)
    stored.value = 55
    stored.save()

    def frozen_total():
        return IndicatorValue.objects.get(snapshot__month=OCT, code="offline_participants", dimension="total").value

    assert frozen_total() == 40
    freeze_month(OCT, recompute=True)
    assert frozen_total() == 55


def test_a_coordinator_enters_a_figure_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    data = {"month": "2026-10-20", "code": "offline_participants", "country": "KZ", "value": "120",
            "source_note": ""}  # fmt: skip

    response = client.post(reverse("admin:indicators_manualfigure_add"), data)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not ManualFigure.objects.exists()

    data["source_note"] = "Workshop sign-in sheets, Almaty"
    assert client.post(reverse("admin:indicators_manualfigure_add"), data).status_code == 302
    stored = ManualFigure.objects.get()
    assert (stored.month, stored.country.code, stored.value, stored.entered_by) == (OCT, "KZ", 120, coordinator)


def test_a_second_figure_for_a_month_and_country_is_refused_by_the_admin_form(client, coordinator):
    figure("KZ", 3, source="First count")
    client.force_login(coordinator)
    data = {"month": "2026-10-20", "code": "offline_participants", "country": "KZ", "value": "5",
            "source_note": "Second count"}  # fmt: skip

    response = client.post(reverse("admin:indicators_manualfigure_add"), data)

    assert response.status_code == 200  # a form error, not a server error
    assert "already exists" in response.content.decode()
    assert ManualFigure.objects.get().source_note == "First count"
