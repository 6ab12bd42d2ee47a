"""Events saved before their times were kept to the minute (Event.save) still held seconds: shown as starting at
10:00, one took registrations until 10:00:40, and a page kept for the minute offered "Register" after it closed.

An event whose start and end fell within the same minute would end as it starts once both lose their seconds (the
database refuses that: event_ends_after_start): its end goes to the next minute, the shortest event there can be.
The attendance recorded in the activity record is dated at its event's start (events.services): it loses its seconds
too, so that a correction of the attendance finds it and does not record it twice.

Truncated in UTC: without a zone, TruncMinute truncates in settings.TIME_ZONE and gives a local time with no zone,
which the column then reads as UTC (every event moved by the zone's offset). Every zone's offset is whole minutes,
so the minute is the same in all of them."""

from datetime import UTC, timedelta

from django.db import migrations, models
from django.db.models.functions import TruncMinute


def minute_of(field: str) -> TruncMinute:
    return TruncMinute(field, tzinfo=UTC)


NEXT_MINUTE = models.ExpressionWrapper(minute_of("starts_at") + timedelta(minutes=1), output_field=models.DateTimeField())


def to_the_minute(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Activity = apps.get_model("members", "Activity")
    # First the end of an event within one minute: ending after its start both before and after the rounding below.
    Event.objects.filter(ends_at__lt=NEXT_MINUTE).update(ends_at=NEXT_MINUTE)
    Event.objects.update(
        starts_at=minute_of("starts_at"),
        ends_at=minute_of("ends_at"),
        registration_deadline=minute_of("registration_deadline"),
    )
    Activity.objects.filter(kind="event_attendance").update(occurred_at=minute_of("occurred_at"))


class Migration(migrations.Migration):
    dependencies = [("events", "0004_event_calendar_sequence"), ("members", "0013_forgotten_handles")]

    operations = [migrations.RunPython(to_the_minute, migrations.RunPython.noop)]
