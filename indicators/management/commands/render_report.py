import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.compute import freeze_month
from indicators.converters import parse_month
from indicators.models import MonthlySnapshot
from indicators.report import render_report


class Command(BaseCommand):
    help = (
        "Render a month's PDF progress report to a file, from its frozen figures (the month is frozen first if it "
        "never was). Does not store it on the site or email anyone: use the dashboard's Generate button for that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
        parser.add_argument("--output", required=True, help="Where to write the PDF, e.g. report.pdf")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"The report's language (default: {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, month, output, language, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError(f"--month must look like 2026-10, not {month!r}.")
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(f"The folder {target.parent} does not exist.")
        if not MonthlySnapshot.objects.filter(month=first).exists():
            freeze_month(first)
            self.stdout.write(f"{month}: not frozen yet; computed and frozen now.")
        started = time.perf_counter()
        rendered = render_report(first, language=language)
        target.write_bytes(rendered.pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {target} ({rendered.pages} pages, {len(rendered.pdf) // 1024} KB) in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
