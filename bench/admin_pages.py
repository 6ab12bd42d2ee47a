"""The coordinator's admin at scale (issue #10): every admin list, the change form of each list's newest row and
the add form, as a coordinator opens them, on the database bench/scale.py seeded (100k members, 1M posts, 1M
activity rows, 5k events, 20k products).

Prints, per page, the median time of --repeat requests in this process (Django's test client: no web server, no
network; the first request of each page is left out), the SQL statements a request ran, its slowest statement and
the page's size, then the pages that miss a goal: over 30 statements, a statement over 100 ms, over 1 MB of HTML
(the coordinator may be on a slow connection) or over a second.

  DATABASE_URL=postgres://root@127.0.0.1:5432/cop_scale python bench/scale.py --only "member search ?q="
  DATABASE_URL=postgres://root@127.0.0.1:5432/cop_scale python bench/admin_pages.py [--repeat 5] [--only event]

It adds one user to that database, scale-coordinator@bench.example.org, in the coordinators' group.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_QUERIES, GOAL_STATEMENT_MS, GOAL_KB, GOAL_MS = 30, 100.0, 1024, 1000.0
COORDINATOR_EMAIL = "scale-coordinator@bench.example.org"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page (after one untimed)")
    parser.add_argument("--only", default="", help="only the admin URLs that contain this text")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/scale.py seeded (see this script's help).")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cop_platform.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="bench-admin-not-secret-" + "x" * 40,
        VAR_DIR=str(ROOT / "var" / "bench-scale"),
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="localhost",
    )
    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a form the coordinator may not open: skipped
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members import roles
    from members.models import User

    if User.objects.count() < 1000:
        sys.exit("This database holds few members: seed it with bench/scale.py first (see this script's help).")
    coordinator, _created = User.objects.get_or_create(
        email=COORDINATOR_EMAIL, defaults={"full_name": "Scale Coordinator", "is_staff": True}
    )
    coordinator.groups.add(Group.objects.get(name=roles.COORDINATORS))
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator)
    if client.get("/admin/").status_code != 200:  # (the first request also loads templates: not a page's cost)
        sys.exit("The coordinator cannot open the admin: is this database migrated and seeded by bench/scale.py?")

    rows = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        newest = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        for url in [base, *([f"{base}{newest}/change/"] if newest is not None else []), f"{base}add/"]:
            if args.only not in url:
                continue
            if client.get(url).status_code != 200:  # not the coordinator's to open (read-only, no add)
                continue
            times, statements, slowest, size = [], 0, 0.0, 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                statements = len(queries)
                slowest = max([slowest, *(float(q["time"]) * 1000 for q in queries.captured_queries)])
                size = len(response.content)
            rows.append((url, statistics.median(times), statements, slowest, size / 1024))

    if not rows:
        sys.exit(f"No admin page matched --only {args.only!r}.")
    print(f"{'admin page (as a coordinator)':58} {'ms':>8} {'SQL':>5} {'slowest':>8} {'KB':>7}")
    for url, ms, statements, slowest, kb in sorted(rows, key=lambda row: -row[1]):
        print(f"{url:58} {ms:8.1f} {statements:5d} {slowest:8.1f} {kb:7.0f}")
    misses = [
        (url, reason)
        for url, ms, statements, slowest, kb in rows
        for reason, missed in [
            (f"{statements} statements", statements > GOAL_QUERIES),
            (f"a statement of {slowest:.0f} ms", slowest > GOAL_STATEMENT_MS),
            (f"{kb:.0f} KB", kb > GOAL_KB),
            (f"{ms:.0f} ms", ms > GOAL_MS),
        ]
        if missed
    ]
    print(
        f"\n(ms: median of {args.repeat}; slowest: the slowest statement in ms, as the database driver timed it)\n"
        f"goals: at most {GOAL_QUERIES} statements, none over {GOAL_STATEMENT_MS:.0f} ms, at most {GOAL_KB} KB, "
        f"under {GOAL_MS / 1000:.0f} s: " + ("met by every page" if not misses else f"MISSED by {len(misses)}")
    )
    for url, reason in misses:
        print(f"  {url}: {reason}")


if __name__ == "__main__":
    main()
