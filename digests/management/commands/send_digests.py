from django.core.management.base import BaseCommand, CommandError

from digests import services
from members.models import User


class Command(BaseCommand):
    help = (
        "Plan and send due email digests now, in this process (for operators and cron; Celery beat does the same "
        "hourly). Each member gets at most one digest per period, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send and record nothing.")
        parser.add_argument("--member", default="", help="Only this member (email address).")
        parser.add_argument("--now", action="store_true", help="Treat every subscribed member as due now.")

    def handle(self, *args, dry_run, member, now, **options):
        if member and not User.objects.filter(email__iexact=member).exists():
            raise CommandError(f"No member has the email address {member}.")
        if dry_run:
            from django.db import transaction

            with transaction.atomic():
                round_, ids = services.plan(everyone=now, member_email=member)
                totals = services.send_batch(ids, dry_run=True)
                transaction.set_rollback(True)  # a dry run leaves no rows and moves no dates
            self.stdout.write(f"Dry run: {totals['sent']} would be sent, {totals['skipped']} have nothing new.")
            return
        services.sweep_stale()
        round_, ids = services.plan(everyone=now, member_email=member)
        totals = {"sent": 0, "skipped": 0, "failed": 0}
        for batch in services.batches(ids):
            result = services.send_batch(batch)
            for key in totals:
                totals[key] += result[key]
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} planned: {totals['sent']} sent, {totals['skipped']} with nothing new, "
                f"{totals['failed']} failed (queued again for retry)."
            )
        )
