"""Page benchmarks: time, queries and bytes of the main pages with a realistic number of members.

    python bench/run.py [--members 2000] [--repeat 20]

Uses its own SQLite database under var/bench/ unless DATABASE_URL is set (then a database named by it
is used as is: point it at a scratch database). Prints a table; nothing here asserts, it reports.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["VAR_DIR"] = str(ROOT / "var" / "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", members=args.members, verbosity=0)
    print(f"seed_demo --members {args.members}: {time.perf_counter() - started:.1f} s")

    client = Client()
    member = User.objects.get(email="member@example.org")
    client.force_login(member)
    from communities.models import Community, Thread

    crisis = Community.objects.get(slug="service-delivery-in-crisis")
    thread = Thread.objects.filter(community=crisis).order_by("pk").first()
    pages = {
        "home": "/",
        "communities": "/communities/",
        "community home": crisis.get_absolute_url(),
        "thread": thread.url_in(crisis),
        "directory": "/members/",
        "experts": "/experts/",
        "events": "/events/",
        "event": "/events/data-literacy-bootcamp/",
        "experts ?cluster=digital-government": "/experts/?cluster=digital-government",
        "directory ?country=MM": "/members/?country=MM",
        "directory ?q=ministry page 5": "/members/?q=ministry&page=5",
        "profile": f"/members/{member.pk}/",
        "healthz": "/healthz",
    }
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for name, url in pages.items():
        timings = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        p95 = sorted(timings)[int(0.95 * (len(timings) - 1))]
        size = len(response.content) / 1024
        print(f"{name:32} {statistics.median(timings):10.1f} {p95:8.1f} {len(queries):8d} {size:6.1f}")
    css = (ROOT / "static" / "css" / "site.css").stat().st_size / 1024
    print(f"site.css: {css:.1f} KB (uncompressed; WhiteNoise serves it compressed and cached in production)")


if __name__ == "__main__":
    main()
