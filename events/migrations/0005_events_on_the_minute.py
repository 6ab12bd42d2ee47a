"""Events saved before their times were kept to the minute (Event.save) still held seconds: shown as starting at
10:00, one took registrations until 10:00:40, and a page kept for the minute offered "Register" after it closed.

An event whose start and end fell within the same minute would end as it starts once both lose their seconds (the
database refuses that: event_ends_after_start): its end goes to the next minute, the shortest event there can be."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models.functions import TruncMinute

NEXT_MINUTE = models.ExpressionWrapper(
    TruncMinute("starts_at") + timedelta(minutes=1), output_field=models.DateTimeField()
)


def to_the_minute(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    # First the end of an event within one minute: ending after its start both before and after the rounding below.
    Event.objects.filter(ends_at__lt=NEXT_MINUTE).update(ends_at=NEXT_MINUTE)
    Event.objects.update(
        starts_at=TruncMinute("starts_at"),
        ends_at=TruncMinute("ends_at"),
        registration_deadline=TruncMinute("registration_deadline"),
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0004_event_calendar_sequence")]

    operations = [migrations.RunPython(to_the_minute, migrations.RunPython.noop)]
