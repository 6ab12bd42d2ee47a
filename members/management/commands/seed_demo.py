from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities import demo as communities_demo
from digests import demo as digests_demo
from events import demo as events_demo
from experts import demo as experts_demo
from indicators import demo as indicators_demo
from knowledge import demo as knowledge_demo
from members import demo
from members.models import User


class Command(BaseCommand):
    help = (
        "Create realistic demo data: local communities, one account per role, N members, and communities "
        "with discussions, experts, events, knowledge, digests, and twelve months of indicators history. "
        "Idempotent: running it again creates only what is missing. Refuses under production settings "
        "(DEBUG=false) unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300, help="How many demo members (default 300).")
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is false.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo accounts already exist (make run)."
        )

    def handle(self, *args, members, force, if_empty, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo would add demo accounts with a known password, and DEBUG is false (production "
                "settings). Use --force if this really is a demo server."
            )
        if members < 0:
            raise CommandError("--members must be zero or more.")
        if if_empty and User.objects.filter(email=demo.DEMO_ACCOUNTS[0][0]).exists():
            if options["verbosity"] >= 1:
                self.stdout.write("Demo data is already there.")
            return
        password = demo.default_password()
        with transaction.atomic():
            demo.seed_local_communities()
            demo.seed_demo_accounts(password)
        created = demo.seed_members(members, password)
        communities_demo.seed_communities()
        experts_demo.seed_experts()
        events_demo.seed_events()
        knowledge_demo.seed_knowledge()
        digests_demo.seed_digests()
        # Last: twelve back-dated months on top of everything above, then frozen for the dashboard.
        indicators_demo.seed_history()
        if options["verbosity"] < 1:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new members)."))
        self.stdout.write("Demo logins (password from DEMO_PASSWORD, default cop-demo-2026):")
        for email, role in demo.demo_logins():
            self.stdout.write(f"  {role:>16}: {email}")
