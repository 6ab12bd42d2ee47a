"""Digest round benchmark: N members, a full round to a local SMTP sink, members/s and our overhead over a raw
`send_messages` of pre-built messages to the same sink.

    python bench/digests.py [--members 10000] [--batch 200] [--repeat 1] [--workers 1]

Uses its own SQLite database in var/bench-digests/ unless DATABASE_URL is set (then point it at a scratch
database: it adds demo data). The SMTP sink is aiosmtpd on 127.0.0.1, in a thread of this process, and keeps
only a count and the bytes received.

Each round starts from the seeded state (no deliveries, last digest two weeks ago). The raw baseline sends, for
each of our batches, as many copies of real digest emails (members sampled across the round, built before any
clock starts) over one connection: what the ratio measures is everything but the SMTP exchange and serialising
those emails (planning, selecting, rendering, claiming, marking). A second baseline sends plain messages of the
same size without the list headers, for comparison with the first version of this benchmark. The three sends
alternate batch by batch, so that a machine busy with something else slows all of them alike; the CPU time each
used (this process, and the PostgreSQL backend when it runs on this machine) is printed too, as it depends less on
that. With --repeat, the medians are printed last. Goal (issue): 100k members under 10 minutes on 2 cores,
overhead under 2x.

With --workers N (PostgreSQL only: SQLite takes one writer at a time), the round runs the way production runs it,
batches handed to N worker processes (a digests worker with --concurrency N), and the sink runs in a process of its
own, as a real SMTP server would; the raw baseline then sends the same counts from the same N processes. The two
sends cannot alternate batch by batch there, so run it on a quiet machine.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingHandler:
    def __init__(self):
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.original_content)
        return "250 OK"


class SharedCountingHandler:
    """CountingHandler for a sink in another process: the counts live in shared memory."""

    def __init__(self, context):
        self._messages = context.Value("q", 0)
        self._bytes = context.Value("q", 0)

    @property
    def messages(self) -> int:
        return self._messages.value

    @property
    def bytes(self) -> int:
        return self._bytes.value

    async def handle_DATA(self, server, session, envelope):
        with self._messages.get_lock():
            self._messages.value += 1
        with self._bytes.get_lock():
            self._bytes.value += len(envelope.original_content)
        return "250 OK"


def run_sink(handler, port: int, ready) -> None:
    """The SMTP sink in a process of its own, until it is terminated."""
    import logging
    import threading

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()


# What the worker processes of --workers share with the parent: inherited when they are forked.
COPIES: list = []


def worker_started() -> None:
    from django.db import connections

    connections.close_all()  # never the parent's connection: each worker opens its own


def worker_send_batch(batch: list[int]) -> dict:
    from digests import services

    return services.send_batch(batch)


def worker_send_raw(count: int) -> None:
    from django.core.mail import get_connection

    with get_connection() as connection:
        connection.send_messages([COPIES[i % len(COPIES)] for i in range(count)])


def database_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend serving this process (0 where it cannot be read)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.get_backend_pid()}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # the database server runs elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Clock:
    """Wall time, CPU time (this process, the SMTP sink's thread included, and its database backend) and what the
    sink received while it ran, summed over the runs of one kind of send."""

    def __init__(self, handler):
        self.handler = handler
        self.seconds = self.cpu = self.database = 0.0
        self.messages = 0
        self.bytes = 0

    def run(self, work, *args, **kwargs):
        messages, size = self.handler.messages, self.handler.bytes
        cpu, database = time.process_time(), database_cpu()
        started = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu += time.process_time() - cpu
            self.database += database_cpu() - database
            self.messages += self.handler.messages - messages
            self.bytes += self.handler.bytes - size

    @property
    def size(self) -> int:
        return self.bytes // max(self.messages, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="rounds to run; the medians are printed last")
    parser.add_argument("--workers", type=int, default=1, help="worker processes sending batches (PostgreSQL only)")
    args = parser.parse_args()
    if args.workers > 1 and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("--workers above 1 needs DATABASE_URL pointing at a scratch PostgreSQL database")

    if not os.environ.get("DATABASE_URL"):
        os.environ["VAR_DIR"] = str(ROOT / "var" / "bench-digests")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fork = multiprocessing.get_context("fork")
    if args.workers > 1:
        handler = SharedCountingHandler(fork)
        ready = fork.Event()
        sink = fork.Process(target=run_sink, args=(handler, port, ready), daemon=True)
        sink.start()
        ready.wait(30)
        controller = None
    else:
        handler = CountingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"

    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from datetime import timedelta

    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.core.management import call_command
    from django.utils import timezone

    from digests import content, emails, services
    from digests.models import DigestDelivery, DigestPreference, DigestRound

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", members=args.members, verbosity=0)
    print(f"seed_demo --members {args.members}: {time.perf_counter() - started:.1f} s")

    def reset() -> None:
        """Back to the seeded state: no deliveries, every member's last digest two weeks ago."""
        DigestDelivery.objects.all().delete()
        DigestRound.objects.all().delete()
        DigestPreference.objects.update(last_sent_at=timezone.now() - timedelta(days=14))

    def real_digests(count: int = 200) -> list:
        """The emails of `count` members spread over the round, built the way send_batch builds them."""
        preferences = list(DigestPreference.objects.select_related("member").order_by("member_id"))
        sample = preferences[:: max(len(preferences) // count, 1)][:count]
        members = {p.member: p.last_sent_at for p in sample}
        shared, facts = content.load_shared(), content.load_member_facts(list(members))
        digests = [(member, content.build(member, shared, facts, since=since)) for member, since in members.items()]
        return [emails.build_message(member, digest) for member, digest in digests if not digest.is_empty]

    def plain_messages(size: int) -> list:
        text = max(size - 900, 300) // 3  # headers and MIME parts take about 900 bytes; HTML is twice the text
        message = EmailMultiAlternatives("Digest", "x" * text, to=["member@example.org"])
        message.attach_alternative("<p>" + "x" * (2 * text) + "</p>", "text/html")
        return [message]

    def send_raw(messages: list, count: int) -> None:
        with get_connection() as connection:
            connection.send_messages([messages[i % len(messages)] for i in range(count)])

    def parallel_round() -> tuple[float, float, float, float]:
        """A round on --workers processes, then the raw sends of the same counts on the same processes."""
        from django.db import connections

        global COPIES
        reset()
        COPIES = real_digests()
        started = time.perf_counter()
        _round, ids = services.plan(everyone=True)
        planned = time.perf_counter() - started
        connections.close_all()
        with fork.Pool(args.workers, initializer=worker_started) as pool:
            ours, raw = Clock(handler), Clock(handler)
            results = ours.run(pool.map, worker_send_batch, services.batches(ids, args.batch), chunksize=1)
            raw.run(pool.map, worker_send_raw, [result["sent"] for result in results], chunksize=1)
        ours.seconds += planned
        totals = {key: sum(result[key] for result in results) for key in ("sent", "skipped", "failed")}
        members = len(ids)
        print(f"planned {members} deliveries in {planned:.1f} s; {args.workers} worker processes")
        print(f"sent {totals['sent']}, skipped {totals['skipped']}, failed {totals['failed']}")
        print(f"our round: {members / ours.seconds:.0f} members/s ({ours.seconds:.1f} s), {ours.size} bytes a message")
        print(f"raw send_messages of real digests: {raw.messages / raw.seconds:.0f} messages/s ({raw.seconds:.1f} s),"
              f" {raw.size} bytes a message")  # fmt: skip
        print(f"overhead: {ours.seconds / raw.seconds:.2f}x the raw send (goal: under 2x)")
        return members / ours.seconds, raw.messages / raw.seconds, ours.seconds / raw.seconds, 0.0

    def one_round() -> tuple[float, float, float, float]:
        reset()
        copies = real_digests()
        plain = plain_messages(sum(len(m.message().as_bytes()) for m in copies) // max(len(copies), 1))
        ours, raw, baseline = Clock(handler), Clock(handler), Clock(handler)
        _round, ids = ours.run(services.plan, everyone=True)
        planned = ours.seconds
        totals = {"sent": 0, "skipped": 0, "failed": 0}
        for batch in services.batches(ids, args.batch):
            result = ours.run(services.send_batch, batch)
            for key in totals:
                totals[key] += result[key]
            raw.run(send_raw, copies, result["sent"])
            baseline.run(send_raw, plain, result["sent"])
        members = len(ids)
        print(f"planned {members} deliveries in {planned:.1f} s")
        print(f"sent {totals['sent']}, skipped {totals['skipped']}, failed {totals['failed']}")
        print(f"our round: {members / ours.seconds:.0f} members/s ({ours.seconds:.1f} s), {ours.size} bytes a message")
        print(f"raw send_messages of real digests: {raw.messages / raw.seconds:.0f} messages/s ({raw.seconds:.1f} s),"
              f" {raw.size} bytes a message")  # fmt: skip
        print(f"overhead: {ours.seconds / raw.seconds:.2f}x the raw send (goal: under 2x)")
        # CPU time depends less than wall time on what else the machine runs meanwhile.
        cpu = (ours.cpu + ours.database) / max(raw.cpu, 1e-9)
        print(f"  CPU per member: ours {ours.cpu / members * 1000:.2f} ms + {ours.database / members * 1000:.2f} ms in "
              f"the database, raw {raw.cpu / max(raw.messages, 1) * 1000:.2f} ms: {cpu:.2f}x")  # fmt: skip
        print(f"  (raw send of plain messages without list headers: {baseline.messages / baseline.seconds:.0f} "
              f"messages/s, {baseline.size} bytes; ours is {ours.seconds / baseline.seconds:.2f}x that)")  # fmt: skip
        return members / ours.seconds, raw.messages / raw.seconds, ours.seconds / raw.seconds, cpu

    results = []
    for repetition in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"-- round {repetition} of {args.repeat}")
        results.append(parallel_round() if args.workers > 1 else one_round())
    rate, raw_rate, ratio, cpu = (statistics.median(column) for column in zip(*results, strict=True))
    if args.repeat > 1:
        cpu_figure = f" (CPU {cpu:.2f}x)" if cpu else ""
        print(f"== median of {args.repeat} rounds: {rate:.0f} members/s, raw {raw_rate:.0f} messages/s, "
              f"overhead {ratio:.2f}x{cpu_figure}")  # fmt: skip
    print(f"projected 100k members: {100_000 / rate / 60:.1f} min (goal: under 10)")
    print(f"SMTP sink received {handler.messages} messages")
    if controller:
        controller.stop()
    else:
        sink.terminate()


if __name__ == "__main__":
    main()
