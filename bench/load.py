"""Load scenario: members browse, post replies and register for events against gunicorn while a digest round
and a report render run on real Celery workers. Passes when there is no 5xx and nothing is lost: every reply
and registration the site accepted is in the database afterwards, and every digest marked sent reached the
SMTP sink.

    createdb -h 127.0.0.1 cop_load
    DATABASE_URL=postgres://USER@127.0.0.1:5432/cop_load REDIS_URL=redis://127.0.0.1:6379/11 \\
        python bench/load.py [--members 2000] [--clients 12] [--seconds 60] [--writes 0.3]

Point it at scratch databases: it seeds demo data and adds a load-test community. Exit status 1 on failure. It
also prints how many page views the page cache served (cop_platform/page_cache.py): `--writes 0.05` is closer to
a real site's share of writes than the default's 30%.
"""

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = "loadtestcsrfsecretloadtestcsrf01"  # 32 characters: a valid unmasked CSRF secret, sent as cookie and field


class SinkHandler:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(port: int, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not start")


class Client:
    def __init__(self, port: int, session_key: str):
        self.port = port
        self.cookie = f"sessionid={session_key}; csrftoken={CSRF}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.served = False

    def request(self, method: str, path: str, form: dict | None = None) -> int:
        """The response's status (599 when the connection failed); `served` says whether the page cache served it."""
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1", "Referer": f"http://127.0.0.1:{self.port}/"}
        body, self.served = None, False
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                self.served = response.getheader("X-Page-Cache") == "hit"
                return response.status
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    return 599  # the connection failed: counted as a server error
        return 599


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--writes", type=float, default=0.3, help="share of requests that reply or register (2/3 and 1/3); 0.3"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (a scratch PostgreSQL database) and REDIS_URL (a scratch Redis db).")

    from aiosmtpd.controller import Controller

    sink = SinkHandler()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "cop_platform.settings", "DEBUG": "false", "HTTPS": "false",
        "SECRET_KEY": "load-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "LOG_LEVEL": "WARNING",
        # Many members from one address: the per-IP write limits would turn the scenario into 429s.
        "RATE_LIMIT_FACTOR": "1000",
    }  # fmt: skip
    os.environ.update(env)
    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from communities.models import Community, Membership, Post, Thread
    from communities.services import thread_create
    from digests.models import DigestDelivery
    from events.models import Event, Registration
    from indicators.compute import previous_month
    from indicators.selectors import report_for
    from members.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", members=args.members, if_empty=True, force=True, verbosity=0)  # a scratch database

    members = list(User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[: args.clients * 20])
    community, _ = Community.objects.get_or_create(
        slug="load-test", defaults={"name": "Load test", "visibility": "open"}
    )
    for member in members:
        Membership.objects.get_or_create(
            member=member, community=community,
            defaults={"status": "active", "requested_at": timezone.now(), "joined_at": timezone.now()},
        )  # fmt: skip
    thread = Thread.objects.filter(community=community).first() or thread_create(
        community=community, author=members[0], title="Load test thread", body="Replies go here."
    )
    starts = timezone.now() + timezone.timedelta(days=30)
    events = []
    for n in range(3):
        event, _ = Event.objects.get_or_create(
            slug=f"load-test-{n}",
            defaults={"title": f"Load test event {n}", "status": "published", "starts_at": starts,
                      "ends_at": starts + timezone.timedelta(hours=1)},
        )  # fmt: skip
        event.communities.add(community)
        events.append(event)
    sessions = []
    for member in members:
        store = SessionStore()
        store[SESSION_KEY] = str(member.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = member.get_session_auth_hash()
        store.create()
        sessions.append((member, store.session_key))
    pages = ["/", "/communities/", f"/communities/{community.slug}/", thread.url_in(community), "/events/",
             "/knowledge/", "/knowledge/?q=budget", "/members/", f"/events/{events[0].slug}/"]  # fmt: skip

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=false serves hashed files
    round_started = timezone.now()
    web_port = free_port()
    processes = [
        subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "cop_platform.wsgi", "-w", "2", "--threads", "4",
                          "-b", f"127.0.0.1:{web_port}", "--timeout", "60", "--log-level", "warning"],
                         cwd=ROOT, env=env),
        subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "cop_platform", "worker", "--concurrency", "2",
                          "--loglevel", "WARNING", "-Q", "celery,email,digests,reports"], cwd=ROOT, env=env),
    ]  # fmt: skip
    wait_http(web_port)

    statuses: Counter = Counter()
    views: Counter = Counter()  # page views by whether the page cache served them
    by_page: Counter = Counter()  # (path, served)
    accepted_replies: list[str] = []
    accepted_registrations: set[tuple[int, int]] = set()
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def run_client(index: int) -> None:
        rng = random.Random(index)
        mine = sessions[index :: args.clients]
        clients = [(member, Client(web_port, key)) for member, key in mine]
        while time.monotonic() < stop:
            member, client = rng.choice(clients)
            roll = rng.random()
            if roll >= args.writes:
                path = rng.choice(pages)
                status = client.request("GET", path)
                with lock:
                    views[client.served] += 1
                    by_page[path, client.served] += 1
            elif roll < args.writes * 2 / 3:
                marker = f"load-{uuid.uuid4().hex}"
                status = client.request(
                    "POST", f"/communities/{community.slug}/threads/{thread.pk}/reply/", {"body": marker}
                )
                if status == 302:
                    with lock:
                        accepted_replies.append(marker)
            else:
                event = rng.choice(events)
                status = client.request("POST", f"/events/{event.slug}/register/", {})
                if status == 302:
                    with lock:
                        accepted_registrations.add((member.pk, event.pk))
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=run_client, args=(n,)) for n in range(args.clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(min(5, args.seconds / 4))
    manage = [str(ROOT / ".venv/bin/python"), "manage.py"]
    background = [
        subprocess.Popen([*manage, "send_digests", "--now"], cwd=ROOT, env=env),
        subprocess.Popen([*manage, "shell", "-c", "from indicators.services import report_request; "
                          "from indicators.compute import previous_month; report_request(month=previous_month())"],
                         cwd=ROOT, env=env),
    ]  # fmt: skip
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    for process in background:
        process.wait(timeout=600)
    # Let the workers finish the digest round and the report.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        pending = DigestDelivery.objects.filter(status__in=["queued", "sending"]).count()
        report = report_for(previous_month(), settings.LANGUAGE_CODE)
        if not pending and report and not report.in_progress:
            break
        time.sleep(2)
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
    controller.stop()

    thread_bodies = set(Post.objects.filter(thread=thread).values_list("body", flat=True))
    lost_replies = [m for m in accepted_replies if m not in thread_bodies]
    stored = set(Registration.objects.filter(event__in=events).values_list("member_id", "event_id"))
    lost_registrations = accepted_registrations - stored
    sent = DigestDelivery.objects.filter(status="sent", sent_at__gte=round_started).count()
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    total = sum(statuses.values())
    report = report_for(previous_month(), settings.LANGUAGE_CODE)
    print(f"{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s) by {args.clients} clients: {dict(statuses)}")
    page_views = views[True] + views[False]
    print(f"page views {page_views}, served from the page cache {views[True]} ({views[True] / max(page_views, 1):.0%})")
    shares = {path: by_page[path, True] / max(by_page[path, True] + by_page[path, False], 1) for path in pages}
    print("  by page: " + ", ".join(f"{path} {share:.0%}" for path, share in shares.items()))
    print(f"replies accepted {len(accepted_replies)}, lost {len(lost_replies)}")
    print(f"registrations accepted {len(accepted_registrations)}, lost {len(lost_registrations)}")
    print(f"digests marked sent {sent}, received by the SMTP sink {sink.messages}")
    print(
        f"report: {'ready' if report and report.is_ready else 'NOT ready'}"
        + (f" ({report.error})" if report and report.error else "")
    )
    failed = server_errors or lost_replies or lost_registrations or sink.messages < sent
    print("FAILED" if failed else "PASSED: no 5xx, nothing lost")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
