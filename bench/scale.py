"""Scale benchmark (issue #10): a large platform on PostgreSQL, its main pages under gunicorn with concurrent
clients, each next to a bare Django view that returns a page of the same size from memory (the ceiling on this
machine), plus search, one month's indicators, the report render and a digest round.

    createdb -h 127.0.0.1 -U root cop_scale && DATABASE_URL=postgres://root@127.0.0.1:5432/cop_scale \\
        python bench/scale.py [--members 100000 --communities 50 --posts 1000000 --events 5000 --products 20000 \\
                               --activity 1000000] [--clients 10] [--seconds 20] [--reseed]

DATABASE_URL must name a scratch PostgreSQL database: the data is seeded with set-based SQL (bench/scale_seed.py)
once per database and reused by later runs (--reseed drops the database's schema and starts over). gunicorn (`-w 3`
by default, as the Dockerfile runs it) serves the project with bench/scale_settings.py: DEBUG off, plain HTTP, every
request's SQL statements counted (X-Queries header) and every statement over 100 ms logged. Pages are fetched signed
in (a demo member with memberships; the indicators dashboard as a report viewer), by --clients threads on keep-alive
connections, each looping for --seconds after a short warm-up; each page is followed by its ceiling at the page's
size. The row "(ref.) site frame only" is no page: the site's frame (base.html and its context processors) around
20 KB from memory, next to its ceiling: the part of each page's ratio that its own work does not explain; it is left
out of the goals. Under load PostgreSQL cancels any statement after --statement-timeout (30 s; the request then
fails and is counted). At the end every statement that took over 100 ms is listed, grouped by shape, each group's
slowest run again once the load is off: "slow on their own" are the ones to fix, "slow only under load" waited for a
CPU. Their plans go to var/bench-scale/slow-sql-plans.txt. A digest round runs last (`send_digests --now` to an SMTP
sink in this process, for the --digest-members members with a verified address); --skip-digest skips it.

Each client asks for the same pages again and again, and nothing is written meanwhile: with the page cache on (the
default, cop_platform/page_cache.py) the figures are those of a member's repeat views, served from the cache;
--no-page-cache draws every page, which is what a first view, or any view after a commit that wrote one of its
tables, costs.

Goals (issue #10): each main page within 3x of the ceiling (its throughput at least a third of the ceiling's) and
p95 under 300 ms at 10 concurrent clients; no request over 30 SQL queries; no SQL statement over 100 ms.
The client runs on the same machine as gunicorn and PostgreSQL: it takes CPU from both, the same for a page
and its ceiling. Figures vary with whatever else the machine runs; compare ratios rather than absolute numbers.
"""

import argparse
import http.client
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VAR = ROOT / "var" / "bench-scale"
SLOW_FILE = VAR / "slow-sql.jsonl"
PLANS_FILE = VAR / "slow-sql-plans.txt"
GUNICORN_LOG = VAR / "gunicorn.log"
DEMO_EMAIL = "scale-demo@bench.example.org"
VIEWER_EMAIL = "scale-viewer@bench.example.org"
# The seed's words are all common; readers also misspell ("procurment": no post or title has it).
SEARCHES = ["budget", "procurement", "mangrove", "open data", "digital payments pilot", "budget procurment"]
# A given name (one member in twenty), an organization (most members), a family name, a misspelling.
MEMBER_SEARCHES = ["Thida", "ministry", "Win+5", "Zhana"]
REFERENCE = "(ref.) "  # a row measured for comparison, not a page: left out of the goals
GOAL_RATIO, GOAL_P95_MS, GOAL_QUERIES, SLOW_MS = 3.0, 300.0, 30, 100.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_bytes() -> int:
    """This machine's memory (where the benchmark runs PostgreSQL, as the README's set-up does)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- Load ------------------------------------------------------------------------------------------------------
class Result:
    def __init__(self, name: str):
        self.name = name
        self.latencies: list[float] = []  # ms, requests that overlap the window
        self.sql_ms: list[float] = []  # ms spent in SQL by each of those requests (X-SQL-Ms)
        self.errors = 0
        self.completed = 0  # answers with status 200 that arrived within the window
        self.statuses: dict[int, int] = {}
        self.max_queries = 0
        self.bytes = 0
        self.seconds = 0.0
        self.served = 0  # answers within the window that the page cache served (X-Page-Cache: hit)

    @property
    def failures(self) -> int:
        """Requests that got no answer in time, or an answer other than 200."""
        return self.errors + sum(count for status, count in self.statuses.items() if status != 200)

    @property
    def rps(self) -> float:
        """Answers with status 200 per second, within the window."""
        return self.completed / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def max(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read(), int(response.getheader("X-Queries") or -1)
    finally:
        connection.close()


def load(
    name: str, port: int, paths: list[str], cookie: str, *, clients: int, seconds: float, warmup: float, timeout: float
):
    """`clients` threads, each on its own keep-alive connection, looping over `paths` (the next path each
    request) for the warm-up and then `seconds`, the window that is measured."""
    result = Result(name)
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    window = {}
    headers = {"Cookie": cookie} if cookie else {}

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        latencies, sql_ms, statuses, errors, completed, max_queries, size, served = [], [], {}, 0, 0, 0, 0, 0
        i = number
        barrier.wait()
        start, stop = window["start"], window["stop"]
        while True:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            if began >= stop:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                queries = int(response.getheader("X-Queries") or 0)
                in_sql = float(response.getheader("X-SQL-Ms") or 0)
                hit = response.getheader("X-Page-Cache") == "hit"
            except (OSError, http.client.HTTPException):  # a timeout or a dropped connection: counted, and slow
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                if time.perf_counter() >= start:
                    errors += 1
                    latencies.append((time.perf_counter() - began) * 1000)
                continue
            ended = time.perf_counter()
            # Latencies: every request that overlaps the window (so that a page slower than the window still
            # has figures); throughput: the answers that arrived within it.
            if ended >= start:
                latencies.append((ended - began) * 1000)
                sql_ms.append(in_sql)
                statuses[status] = statuses.get(status, 0) + 1
                max_queries = max(max_queries, queries)
                size = len(body)
                if ended < stop and status == 200:
                    completed += 1
                    served += hit
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.sql_ms.extend(sql_ms)
            result.errors += errors
            result.completed += completed
            result.served += served
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count
            result.max_queries = max(result.max_queries, max_queries)
            result.bytes = max(result.bytes, size)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["start"], window["stop"] = now + warmup, now + warmup + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    result.seconds = seconds
    return result


# --- Gunicorn --------------------------------------------------------------------------------------------------
def start_gunicorn(
    port: int, workers: int, threads: int, statement_timeout: float, *, page_cache: dict
) -> subprocess.Popen:
    log = open(GUNICORN_LOG, "w")  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cop_platform.wsgi", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--timeout", "120", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "SCALE_STATEMENT_TIMEOUT_MS": str(int(statement_timeout * 1000)), **page_cache},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {GUNICORN_LOG}")
        try:
            status, _body, _queries = fetch(port, "/healthz", "")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer /healthz within 60 s; see {GUNICORN_LOG}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- SMTP sink for the digest round ----------------------------------------------------------------------------
class CountingHandler:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


# --- Main ------------------------------------------------------------------------------------------------------
def served_share(result: Result) -> str:
    return f"{result.served / result.completed:.0%}" if result.completed else "-"


class Replies:
    """A member replying in a discussion of another community than `measured`'s, `per_second` times a second, in
    a thread of this process (its own database connection), until stop(): the writes of a site in use."""

    def __init__(self, measured, per_second: float):
        self.written = 0
        self._stop = threading.Event()
        self._thread = None
        if per_second > 0:
            self._thread = threading.Thread(target=self._reply, args=(measured.pk, per_second), daemon=True)
            self._thread.start()

    def _reply(self, measured_pk: int, per_second: float) -> None:
        from django.db import connection

        from communities.models import Membership, Thread
        from communities.services import post_reply

        thread = Thread.objects.exclude(community_id=measured_pk).select_related("community").order_by("pk").first()
        author = Membership.objects.filter(community=thread.community, status="active").first().member
        while not self._stop.wait(1 / per_second):
            post_reply(thread=thread, author=author, body=f"A reply while pages are measured ({self.written}).",
                       shown_in=thread.community)  # fmt: skip
            self.written += 1
        connection.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


def main() -> None:  # noqa: C901, PLR0912, PLR0915 - a script: one story from top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=0, help="discussion threads (default: posts / 20)")
    parser.add_argument("--big-thread", type=int, default=2000, help="posts in the one big thread benchmarked")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--activity", type=int, default=1_000_000)
    parser.add_argument("--digest-members", type=int, default=5000, help="members with a verified address, who "
                        "get the digest round (the others get none)")  # fmt: skip
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per page and per ceiling")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each measurement")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a client waits for an answer")
    parser.add_argument(
        "--statement-timeout",
        type=float,
        default=30,
        help="seconds after which PostgreSQL "
        "cancels a statement of the server under load (a safety valve; the request then fails)",
    )
    # The Dockerfile's gunicorn: three single-threaded workers. (Two workers of four threads answered as many
    # requests with p95 up to twice as long: threads of one process take turns on one interpreter lock.)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--only", default="", help="comma-separated page names to run (default: all)")
    parser.add_argument(
        "--replies-per-second", type=float, default=0,
        help="while pages are measured, a member replies in a discussion of another community this often (the page "
        "cache draws again the pages that read the discussions' tables after each reply, and serves the others)",
    )  # fmt: skip
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument(
        "--no-page-cache", action="store_true",
        help="draw every page (PAGE_CACHE_SECONDS=0): what a first view costs; the default measures repeat views",
    )  # fmt: skip
    parser.add_argument("--reseed", action="store_true", help="drop the database's schema and seed again")
    args = parser.parse_args()
    args.threads = args.threads or max(args.posts // 20, 2)
    args.big_thread = min(args.big_thread, max(args.posts // 2, 1))
    if args.communities < 2 or args.threads < 2 or args.posts < args.threads + args.big_thread:
        sys.exit("Need at least 2 communities, 2 threads and more posts than threads plus the big thread.")

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a scratch PostgreSQL database (the goals are stated for PostgreSQL), e.g.\n"
            "  createdb -h 127.0.0.1 -U root cop_scale && "
            "DATABASE_URL=postgres://root@127.0.0.1:5432/cop_scale python bench/scale.py"
        )
    VAR.mkdir(parents=True, exist_ok=True)
    SLOW_FILE.write_text("")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.scale_settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="bench-scale-not-secret-" + "x" * 40,
        VAR_DIR=str(VAR),
        CELERY_TASK_ALWAYS_EAGER="true",
        SCALE_SLOW_SQL_FILE=str(SLOW_FILE),
        SCALE_SLOW_SQL_MS=str(SLOW_MS),
        LOG_LEVEL="WARNING",
    )

    from aiosmtpd.controller import Controller

    sink = CountingHandler()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"

    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import scale_instrument, scale_seed

    scale_instrument.SLOW_SQL_FILE = ""  # nothing logged while seeding; switched on for the measured phases
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('members_user') IS NOT NULL")
        migrated = cursor.fetchone()[0]
        others = 0
        if migrated:
            cursor.execute("SELECT count(*) FROM members_user WHERE email NOT LIKE '%%@bench.example.org'")
            others = cursor.fetchone()[0]
    if others:
        sys.exit(f"{settings.DATABASES['default']['NAME']} has {others} members that are not the benchmark's: "
                 "point DATABASE_URL at a scratch database.")  # fmt: skip
    if args.reseed and migrated:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        print("Dropped the scratch database's schema (--reseed).")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest storage needs it

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group

    from communities.models import Community, Membership, Post, Thread
    from events.models import Event, Registration
    from knowledge.models import KnowledgeProduct
    from members.models import Activity, User

    seeded = User.objects.filter(email__startswith="scale", email__endswith="@bench.example.org").exists()
    if not seeded:
        print("Seeding (set-based SQL, one transaction)…", flush=True)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            scale_seed.seed(
                cursor, members=args.members, communities=args.communities, threads=args.threads, posts=args.posts,
                big_thread=args.big_thread, events=args.events, products=args.products, experts=args.experts,
                activity=args.activity, digest_members=args.digest_members,
            )  # fmt: skip
        # VACUUM as well as ANALYZE: a fresh table's rows are not yet marked visible to all, so its index-only
        # scans (the member counts) read the table too until autovacuum passes, 5x slower; on a database
        # server with autovacuum off they would stay so.
        analyze = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"Seeded in {time.perf_counter() - started:.0f} s (VACUUM ANALYZE {time.perf_counter() - analyze:.0f} s)")
    else:
        print("Reusing the seeded data (--reseed to start over).")

    # --- The two signed-in visitors: a member of several communities, and a report viewer.
    first = Community.objects.filter(slug__startswith="scale-").order_by("pk")
    communities = list(first[:5]) + list(first.filter(visibility="private")[:1])
    demo, created = User.objects.get_or_create(
        email=DEMO_EMAIL,
        defaults={
            "full_name": "Scale Demo Member",
            "country": "MM",
            "organization": "Ministry of Planning",
            "time_zone": "Asia/Yangon",
            "handle": "scale-demo",
        },  # fmt: skip
    )
    viewer, _ = User.objects.get_or_create(
        email=VIEWER_EMAIL,
        defaults={
            "full_name": "Scale Report Viewer",
            "country": "TH",
            "time_zone": "Asia/Bangkok",
            "handle": "scale-viewer",
        },  # fmt: skip
    )
    from django.utils import timezone

    for user in (demo, viewer):
        if user.profile_completed_at is None:
            user.profile_completed_at = timezone.now()
            user.set_unusable_password()
            user.save()
    viewer.groups.add(Group.objects.get(name="Report viewers"))
    for community in communities:
        if not Membership.objects.current().filter(member=demo, community=community).exists():
            Membership.objects.create(member=demo, community=community, status="active", joined_at=timezone.now())
    if created:
        upcoming = Event.objects.filter(
            slug__startswith="scale-event-", status="published", starts_at__gt=timezone.now(),
            communities__in=communities,
        ).distinct()[:3]  # fmt: skip
        for event in upcoming:
            Registration.objects.get_or_create(event=event, member=demo)

    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session_cookie(user) -> str:
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    demo_cookie, viewer_cookie = session_cookie(demo), session_cookie(viewer)

    counts = {
        "members": User.objects.count(),
        "communities": Community.objects.count(),
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "events": Event.objects.count(),
        "products": KnowledgeProduct.objects.count(),
        "activity": Activity.objects.count(),
    }
    print("Data: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
    wanted = {"members": args.members, "communities": args.communities, "posts": args.posts,
              "events": args.events, "products": args.products, "activity": args.activity}  # fmt: skip
    off = [name for name, value in wanted.items() if abs(counts[name] - value) > max(10, value // 100)]
    if off:
        print(f"  note: the database was seeded with other sizes ({', '.join(off)}); --reseed to use the ones asked")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers'), current_setting('work_mem'), "
                       "pg_size_bytes(current_setting('shared_buffers'))")  # fmt: skip
        version, shared_buffers, work_mem, shared_buffers_bytes = cursor.fetchone()
    load_before = os.getloadavg()
    print(f"Machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f} {load_before[1]:.2f}; "
          f"{version.split(' on ')[0]}, shared_buffers {shared_buffers}, work_mem {work_mem}; "
          f"CONN_MAX_AGE {settings.DATABASES['default'].get('CONN_MAX_AGE')}")  # fmt: skip
    small_buffers = shared_buffers_bytes < memory_bytes() // 8
    if small_buffers:
        print(f"  note: shared_buffers {shared_buffers} is under an eighth of this machine's memory (the README "
              "advises about a quarter): expect a community search for a word in a few thousand posts over "
              "100 ms under load")  # fmt: skip

    # --- One month's indicators and the report (in this process), before the dashboard is fetched.
    from indicators.compute import freeze_month, previous_month
    from indicators.report import render_report
    from indicators.selectors import add_months

    scale_instrument.SLOW_SQL_FILE = str(SLOW_FILE)
    month = previous_month()
    extra: list[tuple[str, str]] = []

    def timed(label: str, work, repeat: int):
        times, result, queries = [], None, 0
        for _ in range(repeat):
            scale_instrument.set_label(label)
            scale_instrument.reset_count()
            started = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - started)
            queries = scale_instrument.query_count()
        return statistics.median(times), result, queries

    seconds, _, queries = timed(f"freeze_month({month:%Y-%m})", lambda: freeze_month(month, recompute=True), 3)
    extra.append((f"one month's indicators: freeze_month({month:%Y-%m}, recompute=True)",
                  f"{seconds:.2f} s median of 3, {queries} queries ({'meets' if seconds < 1 else 'MISSES'} "
                  "issue #8's < 1 s)"))  # fmt: skip
    print(f"{extra[-1][0]}: {extra[-1][1]}", flush=True)
    scale_instrument.set_label("freeze_month of 11 earlier months (setup for the report)")
    for back in range(1, 12):  # the report's trend charts read twelve frozen months
        freeze_month(add_months(month, -back))
    seconds, rendered, queries = timed(f"render_report({month:%Y-%m})", lambda: render_report(month), 2)
    extra.append((f"report render: render_report({month:%Y-%m})",
                  f"{seconds:.2f} s median of 2, {rendered.pages} pages, {len(rendered.pdf) // 1024} KB, "
                  f"{queries} queries ({'meets' if seconds < 5 and 10 <= rendered.pages <= 20 else 'MISSES'} "
                  "issue #8's < 5 s, 10–20 pages)"))  # fmt: skip
    print(f"{extra[-1][0]}: {extra[-1][1]}", flush=True)
    connection.close()

    # --- Pages under gunicorn.
    big = Thread.objects.filter(title__startswith="Scale big thread").select_related("community").get()
    thread_url = big.url_in(big.community)
    pages = {
        "home": ("/", demo_cookie),
        "communities": ("/communities/", demo_cookie),
        "community home": (big.community.get_absolute_url(), demo_cookie),
        "community search ?q=": (
            [f"{big.community.get_absolute_url()}?q={q.replace(' ', '+')}" for q in SEARCHES],
            demo_cookie,
        ),
        f"big thread p.1 ({big.reply_count + 1} posts)": (thread_url, demo_cookie),
        "big thread ?page=last": (thread_url + "?page=last", demo_cookie),
        "events schedule": ("/events/", demo_cookie),
        "knowledge library": ("/knowledge/", demo_cookie),
        "library search ?q=": ([f"/knowledge/?q={q.replace(' ', '+')}" for q in SEARCHES], demo_cookie),
        "member directory": ("/members/", demo_cookie),
        "member search ?q=": ([f"/members/?q={q}" for q in MEMBER_SEARCHES], demo_cookie),
        "expert directory": ("/experts/", demo_cookie),
        "indicators dashboard": ("/indicators/", viewer_cookie),
        "healthz": ("/healthz", demo_cookie),
        # Not a page: the site's frame alone around 20 KB, next to the ceiling, the part of every page's ratio
        # that no page's own work can remove. Not counted in the goals.
        REFERENCE + "site frame only": ("/__frame__/20000/", demo_cookie),
    }
    if args.only:
        wanted_pages = [name.strip() for name in args.only.split(",")]
        pages = {name: page for name, page in pages.items() if any(name.startswith(w) for w in wanted_pages)}
    port = free_port()
    print(f"\ngunicorn -w {args.workers} --threads {args.worker_threads} on 127.0.0.1:{port}; {args.clients} "
          f"clients, {args.warmup:g} s warm-up + {args.seconds:g} s per page and per ceiling", flush=True)  # fmt: skip
    page_cache = {"PAGE_CACHE_SECONDS": "0"} if args.no_page_cache else {}
    print(
        "page cache: "
        + (
            "off (--no-page-cache): every page is drawn, as on a first view"
            if args.no_page_cache
            else "on: a client's repeat views of a page are served from it (cop_platform/page_cache.py)"
        ),
        flush=True,
    )
    server = start_gunicorn(port, args.workers, args.worker_threads, args.statement_timeout, page_cache=page_cache)
    rows = []
    replies = Replies(big.community, args.replies_per_second)
    try:
        for name, (paths, cookie) in pages.items():
            paths = paths if isinstance(paths, list) else [paths]
            sizes, first_queries = [], []
            for path in paths:  # one request each: status, size, queries
                status, body, queries = fetch(port, path, cookie)
                if status != 200:
                    print(f"  {name}: {path} answered {status}; skipped")
                    break
                sizes.append(len(body))
                first_queries.append(queries)
            else:
                size = int(statistics.mean(sizes))
                page = load(
                    name,
                    port,
                    paths,
                    cookie,
                    clients=args.clients,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    timeout=args.timeout,
                )
                page.max_queries = max(page.max_queries, *first_queries)
                ceiling = load(f"ceiling {size}", port, [f"/__ceiling__/{size}/"], cookie, clients=args.clients,
                               seconds=args.seconds, warmup=args.warmup, timeout=args.timeout)  # fmt: skip
                rows.append((name, size, page, ceiling))
                print(f"  {name:<32} {page.rps:7.1f} req/s p50 {page.p50:7.1f} p95 {page.p95:7.1f} ms "
                      f"{page.max_queries:3d} queries {served_share(page):>4} served"
                      f" | ceiling {ceiling.rps:7.1f} req/s p50 {ceiling.p50:6.1f} ms"
                      + (f" | {page.errors} without answer, statuses {page.statuses}" if page.failures else ""),
                      flush=True)  # fmt: skip
    finally:
        replies.stop()
        stop_gunicorn(server)
    if args.replies_per_second:
        print(f"{replies.written} replies written while pages were measured", flush=True)

    # --- A digest round, through its public entry point (the send_digests command) to the SMTP sink.
    if not args.skip_digest:
        from digests.models import DigestDelivery, DigestPreference, DigestRound

        scale_instrument.SLOW_SQL_FILE = ""  # the benchmark's own reset is not measured
        DigestDelivery.objects.all().delete()  # back to "every member's last digest two weeks ago"
        DigestRound.objects.all().delete()
        DigestPreference.objects.update(last_sent_at=timezone.now() - timedelta(days=14))
        scale_instrument.SLOW_SQL_FILE = str(SLOW_FILE)
        before = sink.messages
        output = io.StringIO()
        seconds, _, queries = timed("send_digests --now", lambda: call_command("send_digests", now=True,
                                                                                stdout=output), 1)  # fmt: skip
        planned = DigestDelivery.objects.count()
        sent = sink.messages - before
        rate = planned / seconds if seconds else 0
        projected = counts["members"] / rate / 60 if rate else float("nan")
        extra.append(("digest round: send_digests --now",
                      f"{planned:,} members in {seconds:.1f} s ({rate:.0f} members/s), {sent:,} emails to the sink, "
                      f"{queries:,} queries; {output.getvalue().strip()} Projected for all {counts['members']:,} "
                      f"members: {projected:.1f} min"))  # fmt: skip
        print(f"{extra[-1][0]}: {extra[-1][1]}", flush=True)
    controller.stop()
    scale_instrument.SLOW_SQL_FILE = ""
    load_after = os.getloadavg()

    # --- Report.
    print(
        f"\n== Pages: {args.clients} concurrent clients, gunicorn -w {args.workers} --threads "
        f"{args.worker_threads}, PostgreSQL; ceiling = bare view returning as many bytes from memory =="
    )
    header = (f"{'page':<30}{'KB':>6}{'req/s':>7}{'p50':>8}{'p95':>8}{'max':>8}{'n':>7}{'SQL':>4}{'in SQL':>7}"
              f"{'kept':>5}"
              f" | {'ceil r/s':>8}{'c.p50':>7}{'c.p95':>7} | {'rps x':>7}{'p50 x':>7}"
              " | goals: <=3x, p95<300, <=30 SQL")  # fmt: skip
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, size, page, ceiling in rows:
        rps_ratio = ceiling.rps / page.rps if page.rps else float("inf")
        p50_ratio = page.p50 / ceiling.p50 if ceiling.p50 else float("inf")
        goals = [rps_ratio <= GOAL_RATIO, page.p95 < GOAL_P95_MS, page.max_queries <= GOAL_QUERIES]
        if name.startswith(REFERENCE):
            marks = "(not a page: no goals)"
        else:
            verdicts.append((name, goals))
            marks = " ".join("ok" if goal else "MISS" for goal in goals)
        failed = f"  ({page.failures}/{len(page.latencies)} failed)" if page.failures else ""
        print(f"{name[:29]:<30}{size / 1024:6.1f}{page.rps:7.1f}{page.p50:8.0f}{page.p95:8.0f}{page.max:8.0f}"
              f"{len(page.latencies):7d}{page.max_queries:4d}{percentile(page.sql_ms, 0.5):7.0f}{served_share(page):>5}"
              f" | {ceiling.rps:8.1f}{ceiling.p50:7.1f}"
              f"{ceiling.p95:7.1f} | {rps_ratio:7.1f}{p50_ratio:7.1f} | {marks}{failed}")  # fmt: skip
    print(
        "(ms; 'rps x' = ceiling req/s / page req/s, 'p50 x' = page p50 / ceiling p50; n = requests timed; "
        "SQL = most statements in one request of that page; in SQL = median ms a request spent in SQL, waiting "
        "for the database included: the rest of p50 is Python, mostly template rendering, and queueing; kept = "
        "share of answers the page cache served)"
    )
    search = next((page for name, _size, page, _c in rows if name.startswith("library search")), None)
    if search:
        print(
            f"search p95: {search.p95:.0f} ms over ?q= {', '.join(SEARCHES)} "
            f"({'meets' if search.p95 < GOAL_P95_MS else 'MISSES'} p95 < 300 ms)"
        )
    for label, text in extra:
        print(f"{label}: {text}")
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2-core machine shared with other "
        "work: absolute figures are noisy, ratios less so)"
    )

    # --- Slow statements: grouped by shape, each group's slowest run again on the database with no benchmark
    # load, to tell statements slow by themselves from statements that only waited for a CPU under load.
    entries = [json.loads(line) for line in SLOW_FILE.read_text().splitlines() if line.strip()]
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        key = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b", "?", entry["sql"]))
        key = re.sub(r"_django_curs_\w+", "cursor", key)
        groups.setdefault(key, []).append(entry)
    plans, alone_slow, load_only = [], [], []
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 120000")
    for group in sorted(groups.values(), key=lambda group: -max(e["ms"] for e in group)):
        slowest = max(group, key=lambda e: e["ms"])
        labels = sorted({re.sub(r"\?.*", "?…", e["label"]) for e in group})
        sql = slowest["sql"]
        query = re.sub(r"^\s*DECLARE\s+\S+\s+NO SCROLL CURSOR WITH(OUT)? HOLD FOR\s+", "", sql, flags=re.IGNORECASE)
        ms = sorted(e["ms"] for e in group)
        row = {"count": len(group), "max": ms[-1], "median": statistics.median(ms), "labels": labels, "sql": sql,
               "alone": None, "note": ""}  # fmt: skip
        if re.match(r"[\s(]*(SELECT|WITH)\b", query, re.IGNORECASE) and "-- params:" not in query:  # "(SELECT": a UNION
            try:
                runs = []
                with connection.cursor() as cursor:
                    for _ in range(3):
                        started = time.perf_counter()
                        cursor.execute(query)
                        cursor.fetchall()
                        runs.append((time.perf_counter() - started) * 1000)
                        if runs[-1] > 5000:
                            break
                    row["alone"] = statistics.median(runs)
                    if row["alone"] >= SLOW_MS:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
                        plan = "\n".join(r[0] for r in cursor.fetchall())
                        plans.append(f"-- {row['alone']:.0f} ms alone, {ms[-1]:.0f} ms under load, in "
                                     f"{', '.join(labels)}\n{query}\n\n{plan}\n")  # fmt: skip
            except Exception as exc:  # noqa: BLE001
                row["note"] = f"re-run failed: {str(exc).strip()[:100]}"
                connection.close()
        else:
            row["note"] = "a write: not re-run"
        (alone_slow if row["alone"] is None or row["alone"] >= SLOW_MS else load_only).append(row)
    print(f"\n== SQL statements over {SLOW_MS:.0f} ms during the benchmark: {len(entries)} ({len(groups)} distinct) ==")
    print(f"-- slow on their own (re-run with no benchmark load: still over {SLOW_MS:.0f} ms, or not re-runnable):")
    for row in alone_slow:
        alone = f"alone {row['alone']:7.0f} ms" if row["alone"] is not None else row["note"]
        flat = re.sub(r"\s+", " ", row["sql"])[:200]
        print(f"{row['count']:5d}x  under load max {row['max']:6.0f} ms, median {row['median']:6.0f} ms; {alone}; "
              f"in {', '.join(row['labels'])}\n        {flat}")  # fmt: skip
    print(f"-- slow only under load (re-run alone: under {SLOW_MS:.0f} ms; they waited for a CPU or a lock):")
    for row in load_only:
        flat = re.sub(r"\s+", " ", row["sql"])[:120]
        print(f"{row['count']:5d}x  max {row['max']:6.0f} ms, alone {row['alone']:6.1f} ms; "
              f"in {', '.join(row['labels'][:4])}{' …' if len(row['labels']) > 4 else ''}: {flat}")  # fmt: skip
    if plans:
        PLANS_FILE.write_text("\n".join(plans))
        print(f"(query plans of the statements slow on their own: {PLANS_FILE.relative_to(ROOT)})")

    print("\n== Goals ==")
    for index, goal in enumerate([f"main pages within {GOAL_RATIO:g}x of the ceiling",
                                  f"p95 under {GOAL_P95_MS:.0f} ms at {args.clients} clients",
                                  f"no request over {GOAL_QUERIES} SQL queries"]):  # fmt: skip
        missed = [name for name, goals in verdicts if not goals[index]]
        print(f"{goal}: {'met' if not missed else 'MISSED by ' + ', '.join(missed)}")
    print(f"no SQL statement over {SLOW_MS:.0f} ms: {'met' if not entries else 'MISSED'} under load "
          f"({len(entries)} statements, {len(groups)} distinct"
          f"{'; shared_buffers below the advice, see the note above' if entries and small_buffers else ''}); "
          f"on their own: {'met' if not alone_slow else f'MISSED by {len(alone_slow)} distinct'}")  # fmt: skip


if __name__ == "__main__":
    main()
