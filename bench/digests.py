"""Digest round benchmark: N members, a full round to a local SMTP sink, members/s and our overhead over a raw
`send_messages` of pre-built messages to the same sink.

    python bench/digests.py [--members 10000] [--batch 200]

Uses its own SQLite database in var/bench-digests/ unless DATABASE_URL is set (then point it at a scratch
database: it adds demo data). The SMTP sink is aiosmtpd on 127.0.0.1, in a thread of this process, and keeps
only a count. Goal (issue): 100k members under 10 minutes on 2 cores, overhead under 2x.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingHandler:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["VAR_DIR"] = str(ROOT / "var" / "bench-digests")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"

    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.core.management import call_command

    from digests import services
    from digests.models import DigestDelivery, DigestRound

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", members=args.members, verbosity=0)
    print(f"seed_demo --members {args.members}: {time.perf_counter() - started:.1f} s")
    DigestDelivery.objects.all().delete()
    DigestRound.objects.all().delete()

    started = time.perf_counter()
    _round, ids = services.plan(everyone=True)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    totals = {"sent": 0, "skipped": 0, "failed": 0}
    for batch in services.batches(ids, args.batch):
        result = services.send_batch(batch)
        for key in totals:
            totals[key] += result[key]
    sending = time.perf_counter() - started
    ours = planned + sending
    print(f"planned {len(ids)} deliveries in {planned:.1f} s")
    print(f"sent {totals['sent']}, skipped {totals['skipped']}, failed {totals['failed']} in {sending:.1f} s")
    print(f"our round: {len(ids) / ours:.0f} members/s ({ours:.1f} s)")

    # The same number of pre-built messages of the same size, sent raw over one connection per batch.
    sample = EmailMultiAlternatives("Digest", "x" * 2500, to=["member@example.org"])
    sample.attach_alternative("<p>" + "x" * 5000 + "</p>", "text/html")
    messages = [sample] * max(totals["sent"], 1)
    started = time.perf_counter()
    for start in range(0, len(messages), args.batch):
        with get_connection() as connection:
            connection.send_messages(messages[start : start + args.batch])
    raw = time.perf_counter() - started
    print(f"raw send_messages: {len(messages) / raw:.0f} messages/s ({raw:.1f} s)")
    print(f"overhead: {ours / raw:.2f}x the raw send (goal: under 2x)")
    print(f"projected 100k members: {100_000 / (len(ids) / ours) / 60:.1f} min (goal: under 10)")
    print(f"SMTP sink received {handler.messages} messages")
    controller.stop()


if __name__ == "__main__":
    main()
