"""Surveys saved before they opened and closed on the minute (Survey.save) still held seconds: shown as open until
06:29, one took answers until 06:29:40 until it was saved again.

Truncated in UTC: without a zone, TruncMinute truncates in settings.TIME_ZONE and gives a local time with no zone,
which the column then reads as UTC (every survey moved by the zone's offset). Every zone's offset is whole minutes,
so the minute is the same in all of them."""

from datetime import UTC

from django.db import migrations
from django.db.models.functions import TruncMinute


def to_the_minute(apps, schema_editor):
    Survey = apps.get_model("indicators", "Survey")
    Survey.objects.update(opens_at=TruncMinute("opens_at", tzinfo=UTC), closes_at=TruncMinute("closes_at", tzinfo=UTC))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_report_per_language_and_quote_consent")]

    operations = [migrations.RunPython(to_the_minute, migrations.RunPython.noop)]
