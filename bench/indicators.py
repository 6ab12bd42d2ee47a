"""Indicators benchmark: a large platform on PostgreSQL, then the time to compute one month (each indicator
and the whole freeze) and to render that month's PDF report.

    createdb cop_bench && DATABASE_URL=postgres://USER@127.0.0.1:5432/cop_bench \\
        python bench/indicators.py [--members 100000] [--activity 1000000] [--communities 50] [--repeat 3]

Seeds with set-based SQL (generate_series) once per database — re-runs reuse the data; --reseed starts over.
Point it at a scratch database: it adds 100k members. Goals (issue #8): a month's indicators in under 1 s on
PostgreSQL; a 10–20 page report in under 5 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTRIES = ["MM", "KH", "KZ", "KG", "UZ", "TH", "VN", "LA", "ID", "PH", "TJ", ""]
GENDERS = ["female", "male", "female", "male", "undisclosed", "other", ""]
KINDS = ["login", "login", "login", "reply", "post", "download", "reaction", "event_registration"]


def sql_array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def seed(cursor, *, members: int, activity: int, communities: int) -> None:
    cursor.execute(
        """INSERT INTO communities_community (name, slug, description, created_at, countries, visibility)
           SELECT 'Bench community ' || g, 'bench-' || g, '', now(), '', 'open' FROM generate_series(1, %s) g""",
        [communities],
    )
    cursor.execute(
        f"""INSERT INTO members_localcommunity (name, country, region, population_covered, population_source,
               created_at)
           SELECT 'Bench township ' || g, ({sql_array(COUNTRIES[:-1])})[1 + g %% 11], '', 20000 + g * 113,
               'Bench census', now() FROM generate_series(1, 200) g""",
        [],
    )
    cursor.execute(
        f"""INSERT INTO members_user (password, is_superuser, email, full_name, country, organization,
               position_level, gender, city_region, time_zone, hide_email, profile_completed_at, is_active,
               is_staff, date_joined)
           SELECT '!', false, 'bench' || g || '@bench.example.org', 'Bench member ' || g,
               ({sql_array(COUNTRIES)})[1 + g %% 12], '', '', ({sql_array(GENDERS)})[1 + g %% 7], '', 'UTC',
               false, now() - interval '500 days', true, false, now() - interval '500 days'
           FROM generate_series(1, %s) g""",
        [members],
    )
    cursor.execute("SELECT min(id), max(id) FROM members_user WHERE email LIKE 'bench%%'", [])
    low, high = cursor.fetchone()
    cursor.execute("SELECT min(id), max(id) FROM communities_community WHERE slug LIKE 'bench-%%'", [])
    c_low, c_high = cursor.fetchone()
    span = c_high - c_low + 1
    # Every member in one community, half in a second; joined over 400 days; about 8% left later.
    cursor.execute(
        """INSERT INTO communities_membership (role, status, requested_at, joined_at, left_at, community_id, member_id)
           SELECT 'member', CASE WHEN left_at IS NULL THEN 'active' ELSE 'left' END, joined_at, joined_at, left_at,
               community_id, member_id
           FROM (SELECT u.id AS member_id, %s + ((u.id * 7 + k) %% %s) AS community_id,
                        now() - (random() * interval '400 days') AS joined_at,
                        CASE WHEN random() < 0.08 THEN now() - (random() * interval '60 days') END AS left_at
                 FROM members_user u CROSS JOIN generate_series(0, 1) k
                 WHERE u.id BETWEEN %s AND %s AND (k = 0 OR u.id %% 2 = 0)) s""",
        [c_low, span, low, high],
    )
    cursor.execute(
        f"""INSERT INTO members_activity (kind, occurred_at, community_id, member_id)
           SELECT ({sql_array(KINDS)})[1 + (g %% 8)], now() - (random() * interval '365 days'),
               CASE WHEN g %% 8 < 3 THEN NULL ELSE %s + (g %% %s) END, %s + floor(random() * %s)::bigint
           FROM generate_series(1, %s) g""",
        [c_low, span, low, high - low + 1, activity],
    )
    cursor.execute("ANALYZE", [])


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--activity", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reseed", action="store_true", help="Delete the bench rows and seed again.")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (the goal is stated for PostgreSQL).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from indicators.compute import COMPUTE, FAMILIES, freeze_month, month_bounds, previous_month
    from indicators.report import render_report
    from members.models import Activity, User

    call_command("migrate", verbosity=0)
    with transaction.atomic(), connection.cursor() as cursor:
        if args.reseed:
            bench_members = "SELECT id FROM members_user WHERE email LIKE 'bench%%'"
            cursor.execute(f"DELETE FROM members_activity WHERE member_id IN ({bench_members})", [])
            cursor.execute(f"DELETE FROM communities_membership WHERE member_id IN ({bench_members})", [])
            cursor.execute("DELETE FROM members_user WHERE email LIKE 'bench%%'", [])
            cursor.execute("DELETE FROM communities_community WHERE slug LIKE 'bench-%%'", [])
            cursor.execute("DELETE FROM members_localcommunity WHERE name LIKE 'Bench township%%'", [])
        if not User.objects.filter(email__startswith="bench").exists():
            started = time.perf_counter()
            seed(cursor, members=args.members, activity=args.activity, communities=args.communities)
            print(f"Seeded in {time.perf_counter() - started:.1f} s")
    month = previous_month()
    start, end = month_bounds(month)
    print(
        f"PostgreSQL: {User.objects.count():,} members, {Activity.objects.count():,} activity rows "
        f"({Activity.objects.filter(occurred_at__gte=start, occurred_at__lt=end).count():,} in {month:%Y-%m})"
    )
    print(f"\n{'indicator':<28}{'median ms':>10}")
    total = 0.0
    for codes, family in FAMILIES.items():
        seconds, _ = timed(lambda f=family: f(start, end), args.repeat)
        total += seconds
        print(f"{' + '.join(codes):<28}\n{'  (one pass, together)':<28}{seconds * 1000:>10.1f}")
    for code, compute in COMPUTE.items():
        seconds, _ = timed(lambda c=compute: c(start, end), args.repeat)
        total += seconds
        print(f"{code:<28}{seconds * 1000:>10.1f}")
    print(f"{'sum of indicators':<28}{total * 1000:>10.1f}")
    seconds, _ = timed(lambda: freeze_month(month, recompute=True), args.repeat)
    verdict = "meets" if seconds < 1 else "MISSES"
    print(f"\nfreeze_month({month:%Y-%m}, recompute=True): {seconds:.2f} s ({verdict} the < 1 s goal)")
    for back in range(1, 12):  # the report's trend charts read 12 frozen months
        from indicators.selectors import add_months

        freeze_month(add_months(month, -back))
    seconds, rendered = timed(lambda: render_report(month), max(1, args.repeat - 1))
    verdict = "meets" if seconds < 5 and 10 <= rendered.pages <= 20 else "MISSES"
    print(
        f"render_report({month:%Y-%m}): {seconds:.2f} s, {rendered.pages} pages, {len(rendered.pdf) // 1024} KB "
        f"({verdict} the < 5 s, 10–20 pages goal)"
    )


if __name__ == "__main__":
    main()
