"""Migration indicators 0005 brings surveys saved before they opened and closed on the minute to the minute."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps

from indicators.models import Survey

pytestmark = pytest.mark.django_db


# Whatever the site's zone: TruncMinute without one truncated in it and moved every survey by its offset.
@pytest.mark.parametrize("zone", ["UTC", "Asia/Yangon", "America/New_York"])
def test_surveys_stored_with_seconds_open_and_close_on_the_minute(settings, zone):
    settings.TIME_ZONE = zone
    survey = Survey.objects.create(
        title="Pulse", opens_at=datetime(2027, 3, 1, 9, tzinfo=UTC), closes_at=datetime(2027, 3, 10, 23, 59, tzinfo=UTC)
    )
    Survey.objects.filter(pk=survey.pk).update(  # as stored before Survey.save kept them to the minute
        opens_at=datetime(2027, 3, 1, 9, 0, 12, 345, tzinfo=UTC),
        closes_at=datetime(2027, 3, 10, 23, 59, 40, tzinfo=UTC),
    )

    import_module("indicators.migrations.0005_surveys_on_the_minute").to_the_minute(apps, None)

    survey.refresh_from_db()
    assert (survey.opens_at, survey.closes_at) == (
        datetime(2027, 3, 1, 9, tzinfo=UTC),
        datetime(2027, 3, 10, 23, 59, tzinfo=UTC),
    )
