from datetime import date

from django.core.management.base import BaseCommand, CommandError

from indicators.compute import freeze_month, previous_month


class Command(BaseCommand):
    help = "Compute and freeze one month's indicators (default: the previous month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--recompute", action="store_true", help="Replace a month that was already frozen.")

    def handle(self, *args, month, recompute, **options):
        if month:
            try:
                year, number = (int(part) for part in month.split("-"))
                target = date(year, number, 1)
            except ValueError:
                raise CommandError("--month must look like 2026-10.") from None
        else:
            target = previous_month()
        snapshot, computed = freeze_month(target, recompute=recompute)
        if computed:
            self.stdout.write(self.style.SUCCESS(f"{target:%Y-%m}: computed at {snapshot.computed_at:%Y-%m-%d %H:%M}."))
        else:
            self.stdout.write(
                f"{target:%Y-%m} was frozen at {snapshot.computed_at:%Y-%m-%d %H:%M}; use --recompute to replace it."
            )
