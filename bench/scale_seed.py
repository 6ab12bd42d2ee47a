"""Seeding for the scale benchmark (bench/scale.py): a large platform with set-based SQL (INSERT … SELECT over
generate_series), in the style of bench/indicators.py.

Every benchmark row is recognisable: members' emails end in @bench.example.org, communities' slugs start with
`scale-`, and so on. Text comes from a temporary table of a few thousand random paragraphs over a civil-service
vocabulary whose words are drawn unevenly (a few common, many rare), so full-text search meets both common and
rare words. Every NOT NULL column of the tables written is filled: `insert` reads information_schema and fills any
required column this file does not name (a column added by a later migration) with a neutral value, and says so.
"""

import time

COUNTRIES = ["MM", "KH", "KZ", "KG", "UZ", "TH", "VN", "LA", "ID", "PH", "TJ", ""]
GENDERS = ["female", "male", "female", "male", "undisclosed", "other", ""]
POSITIONS = ["senior", "middle", "staff", "staff", "other", ""]
ZONES = ["Asia/Yangon", "Asia/Bangkok", "Asia/Phnom_Penh", "Asia/Almaty", "Asia/Tashkent", "Asia/Jakarta", "UTC"]
ORGANIZATIONS = [
    "Ministry of Planning", "Ministry of Finance", "Ministry of Health", "Ministry of Education",
    "Civil Service Commission", "Office of the Prime Minister", "Ministry of Interior", "Statistics Office",
    "Ministry of Labour", "Township Administration", "Provincial Government", "Ministry of Digital Economy",
]  # fmt: skip
ACTIVITY_KINDS = ["login", "login", "login", "reply", "post", "download", "reaction", "event_registration"]
EVENT_KINDS = ["webinar", "in_person", "hybrid", "workshop", "training", "consultation"]
PRODUCT_TYPES = [
    "discussion_summary", "faq", "lessons_learned", "guidance", "case_study", "toolkit", "data_set", "other",
]  # fmt: skip
EXPERT_CATEGORIES = ["policy_maker", "civil_servant", "activist", "academic", "scholar", "practitioner", "other"]
EXPERT_STATUSES = ["engaged", "active", "active", "mapped", "contacted", "inactive"]
FIRST_NAMES = [
    "Aung", "Thida", "Sokha", "Dara", "Aigerim", "Nurlan", "Dilnoza", "Bakyt", "Somchai", "Mai", "Linh", "Khamla",
    "Siti", "Budi", "Maria", "Jose", "Farrukh", "Zarina", "Hnin", "Kyaw",
]  # fmt: skip
LAST_NAMES = [
    "Win", "Oo", "Chan", "Sok", "Nurpeisova", "Abenov", "Karimova", "Osmonov", "Srisuk", "Nguyen", "Tran",
    "Vongsa", "Rahma", "Santoso", "Reyes", "Cruz", "Rakhimov", "Sharipova", "Htet", "Zaw",
]  # fmt: skip
# Common words first: words are drawn with a bias towards the start of the list.
VOCABULARY = """
the of and to in for on with public service government ministry policy community data local budget
citizens staff training report plan digital process review team health education district township office
delivery programme project reform results support capacity management performance information services
framework guidance practice learning evidence monitoring evaluation indicators survey officials national
province regional coordination partners funding procurement transparency accountability participation
gender inclusion disability youth women rural urban water sanitation roads energy climate disaster
resilience recovery crisis response preparedness early warning budgeting revenue tax expenditure audit
payroll pension recruitment merit promotion integrity ethics complaints grievance feedback ombudsman
open contracting registry licensing permits inspection cadastre land mapping census statistics dashboard
interoperability identity payments portal website helpdesk hotline mobile connectivity broadband literacy
curriculum teachers schools clinics nurses vaccination nutrition maternal agriculture irrigation fisheries
forestry mangrove tourism trade customs border migration labour employment skills apprenticeship
decentralisation municipality council mayor village leaders elders cooperative microfinance insurance
pilot scaling innovation lab prototype user research journey mapping design sprint backlog agile
procurement tender bidding contract vendor maintenance assets inventory fleet buildings archives records
cybersecurity privacy consent retention regulation compliance legislation decree circular memo template
checklist toolkit handbook casebook workshop webinar mentoring coaching peer exchange network secretariat
""".split()


def sql_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


class Seeder:
    def __init__(self, cursor, *, verbose: bool = True):
        self.cursor = cursor
        self.verbose = verbose
        self._columns: dict[str, list[tuple]] = {}

    def log(self, message: str) -> None:
        if self.verbose:
            print(message, flush=True)

    def execute(self, sql: str, params=()) -> None:
        self.cursor.execute(sql, list(params) if params else None)

    def required_columns(self, table: str) -> list[tuple[str, str]]:
        """NOT NULL columns with no default and no identity: an INSERT must name them."""
        if table not in self._columns:
            self.cursor.execute(
                """SELECT column_name, data_type FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = %s AND is_nullable = 'NO'
                     AND column_default IS NULL AND is_identity = 'NO'""",
                [table],
            )
            self._columns[table] = self.cursor.fetchall()
            if not self._columns[table]:
                raise RuntimeError(f"No table {table}: did the migrations run?")
        return self._columns[table]

    NEUTRAL = {
        "character varying": "''", "text": "''", "character": "''", "boolean": "false", "integer": "0",
        "smallint": "0", "bigint": "0", "numeric": "0", "double precision": "0", "real": "0",
        "timestamp with time zone": "now()", "date": "current_date", "jsonb": "'{}'::jsonb",
        "json": "'{}'::json", "uuid": "gen_random_uuid()",
    }  # fmt: skip

    def insert(self, table: str, columns: dict[str, str], source: str, params=(), order_by: str = "") -> int:
        """INSERT INTO table (columns) SELECT expressions FROM source [ORDER BY the column `order_by`]; returns
        the rows inserted. Rows that a live platform appends as time goes (posts, activity) are inserted in time
        order, so that their physical order follows time as it would in production."""
        columns = dict(columns)
        for name, data_type in self.required_columns(table):
            if name not in columns:
                if data_type not in self.NEUTRAL:
                    raise RuntimeError(f"{table}.{name} ({data_type}) is required and the seed does not fill it")
                columns[name] = self.NEUTRAL[data_type]
                self.log(f"  note: {table}.{name} is NOT NULL and unknown to the seed; filled with {columns[name]}")
        names = ", ".join(f'"{name}"' for name in columns)  # quoted: allauth has a column named "primary"
        order = f" ORDER BY {list(columns).index(order_by) + 1}" if order_by else ""
        started = time.perf_counter()
        self.cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(columns.values())} FROM {source}{order}",
            list(params) if params else None,  # no parameters: a % in the SQL is a modulo
        )
        rows = self.cursor.rowcount
        self.log(f"  {table:<42} {rows:>10,} rows  {time.perf_counter() - started:6.1f} s")
        return rows

    def id_range(self, table: str, where: str, expected: int) -> int:
        """The first id of rows just inserted by one statement; checks they are contiguous (a scratch database
        with no one else writing), so row number n has id first + n - 1."""
        self.cursor.execute(f"SELECT min(id), max(id), count(*) FROM {table} WHERE {where}")
        low, high, count = self.cursor.fetchone()
        if count != expected or high - low + 1 != count:
            raise RuntimeError(f"{table}: ids of the seeded rows are not contiguous ({low}..{high}, {count} rows)")
        return low


def content_type_id(cursor, app_label: str, model: str) -> int:
    cursor.execute("SELECT id FROM django_content_type WHERE app_label = %s AND model = %s", [app_label, model])
    return cursor.fetchone()[0]


def seed(
    cursor,
    *,
    members: int,
    communities: int,
    threads: int,
    posts: int,
    big_thread: int,
    events: int,
    products: int,
    experts: int,
    activity: int,
    digest_members: int,
) -> dict:
    """Seeds everything; returns the facts bench/scale.py needs (ids and slugs). One transaction (the caller's)."""
    s = Seeder(cursor)
    C, M, T, E, K, X = communities, members, threads, events, products, experts
    paragraphs = 4000
    vocabulary = sql_array(VOCABULARY)
    words = len(VOCABULARY)

    # --- Text: random paragraphs over the vocabulary, common words far more frequent than rare ones.
    s.execute("DROP TABLE IF EXISTS scale_paragraph")
    s.execute(
        f"""CREATE TEMP TABLE scale_paragraph AS
            SELECT g - 1 AS idx,
                   (SELECT string_agg(({vocabulary})[1 + floor({words} * power(random(), 2.2))::int], ' ')
                    FROM generate_series(1, 25 + (g * 37) % 60) w) AS text
            FROM generate_series(1, {paragraphs}) g"""
    )
    s.execute("ALTER TABLE scale_paragraph ADD PRIMARY KEY (idx)")
    s.execute("ANALYZE scale_paragraph")

    # --- Places, communities and members.
    s.insert(
        "members_localcommunity",
        {
            "name": "'Scale township ' || g",
            "country": f"({sql_array(COUNTRIES[:-1])})[1 + g % 11]",
            "region": "'Region ' || (g % 17)",
            "population_covered": "20000 + g * 113",
            "population_source": "'Scale census 2024'",
            "created_at": "now()",
        },
        "generate_series(1, 200) g",
    )
    local_low = s.id_range("members_localcommunity", "name LIKE 'Scale township %'", 200)
    s.insert(
        "communities_community",
        {
            "name": "'Scale community ' || g",
            "slug": "'scale-' || g",
            "description": "p.text",
            "created_at": "now() - interval '800 days'",
            "countries": f"({sql_array(['MM', 'KH,LA', '', 'KZ,KG,UZ', 'TH'])})[1 + g % 5]",
            # Every tenth community is private, the next one asks leaders to approve members.
            "visibility": "CASE g % 10 WHEN 0 THEN 'private' WHEN 1 THEN 'request' ELSE 'open' END",
        },
        f"generate_series(1, {C}) g JOIN scale_paragraph p ON p.idx = g",
    )
    c_low = s.id_range("communities_community", "slug LIKE 'scale-%'", C)
    s.insert(
        "members_user",
        {
            "password": "'!'",
            "is_superuser": "false",
            "email": "'scale' || g || '@bench.example.org'",
            "full_name": f"({sql_array(FIRST_NAMES)})[1 + g % 20] || ' ' "
            f"|| ({sql_array(LAST_NAMES)})[1 + (g / 20) % 20] || ' ' || g",
            "handle": "'scale-' || g",
            "country": f"({sql_array(COUNTRIES)})[1 + g % 12]",
            "organization": f"({sql_array(ORGANIZATIONS)})[1 + g % {len(ORGANIZATIONS)}]",
            "position_level": f"({sql_array(POSITIONS)})[1 + g % {len(POSITIONS)}]",
            "gender": f"({sql_array(GENDERS)})[1 + g % 7]",
            "city_region": "'Region ' || (g % 17)",
            "time_zone": f"({sql_array(ZONES)})[1 + g % {len(ZONES)}]",
            "hide_email": "g % 5 = 0",
            "profile_completed_at": "CASE WHEN g % 20 = 0 THEN NULL ELSE now() - interval '500 days' END",
            "is_active": "g % 50 <> 0",
            "is_staff": "false",
            "date_joined": "now() - interval '1 day' * (1 + g % 700)",
            "local_community_id": f"CASE WHEN g % 10 < 7 THEN {local_low} + g % 200 END",
        },
        f"generate_series(1, {M}) g",
    )
    u_low = s.id_range("members_user", "email LIKE 'scale%@bench.example.org'", M)

    # Every member in one community, half in a second; joined over 400 days; about 8% left since. A few
    # leaders and moderators; a few pending requests in the communities that ask for approval.
    s.insert(
        "communities_membership",
        {
            "role": "CASE WHEN member_id % 997 = 0 THEN 'leader' WHEN member_id % 331 = 0 THEN 'moderator' "
            "ELSE 'member' END",
            "status": "CASE WHEN left_at IS NOT NULL THEN 'left' WHEN member_id % 101 = 0 THEN 'pending' "
            "ELSE 'active' END",
            "requested_at": "joined_at",
            "joined_at": "CASE WHEN member_id % 101 = 0 AND left_at IS NULL THEN NULL ELSE joined_at END",
            "left_at": "left_at",
            "community_id": "community_id",
            "member_id": "member_id",
        },
        f"""(SELECT u.id AS member_id, {c_low} + ((u.id * 7 + k) % {C}) AS community_id,
                    now() - (random() * interval '400 days') AS joined_at,
                    CASE WHEN random() < 0.08 THEN now() - (random() * interval '60 days') END AS left_at
             FROM members_user u CROSS JOIN generate_series(0, 1) k
             WHERE u.id BETWEEN {u_low} AND {u_low + M - 1} AND (k = 0 OR u.id % 2 = 0)) s""",
        order_by="requested_at",
    )

    # --- Discussions: thread 1 (in community 1) is the big one; the other posts are dealt round-robin.
    s.insert(
        "communities_thread",
        {
            "title": "CASE WHEN g = 1 THEN 'Scale big thread: ' ELSE 'Scale thread ' || g || ': ' END"
            " || left(p.text, 80)",
            "created_at": f"CASE WHEN g = 1 THEN now() - interval '1 hour' * ({big_thread} + 24) "
            "ELSE now() - interval '3 days' - random() * interval '720 days' END",
            "last_activity_at": "now()",
            "reply_count": "0",
            "is_pinned": "g % 500 = 7",
            "is_locked": "g % 300 = 11",
            "is_hidden": "g % 200 = 13",
            "author_id": f"{u_low} + (g::bigint * 7919) % {M}",
            "community_id": f"{c_low} + (g - 1) % {C}",
        },
        f"generate_series(1, {T}) g JOIN scale_paragraph p ON p.idx = g % {paragraphs}",
    )
    t_low = s.id_range("communities_thread", "title LIKE 'Scale %'", T)
    s.execute("DROP TABLE IF EXISTS scale_thread")
    s.execute(f"CREATE TEMP TABLE scale_thread AS SELECT id - {t_low} AS idx, id, created_at FROM communities_thread "
              f"WHERE id BETWEEN {t_low} AND {t_low + T - 1}")  # fmt: skip
    s.execute("ALTER TABLE scale_thread ADD PRIMARY KEY (idx)")
    s.execute("ANALYZE scale_thread")
    rest = posts - big_thread
    post_columns = {
        "body": "p.text",
        "body_html": "'<p>' || p.text || '</p>'",
        "is_opening": "k = 0",
        "created_at": "t.created_at + k * step",
        "is_hidden": "g % 500 = 3",
        "hidden_reason": "''",
        "helpful_count": "g % 7",
        "author_id": f"{u_low} + (g::bigint * 104729) % {M}",
        "thread_id": "t.id",
    }
    # The big thread (thread 1) gets one post an hour; post g of the others goes to thread 2 + (g-1) mod (T-1)
    # as its k-th post, 90 minutes after the previous one. Inserted in time order, as a live forum appends them.
    s.insert(
        "communities_post",
        post_columns,
        f"""(SELECT g, g - 1 AS k, 0 AS idx, interval '1 hour' AS step FROM generate_series(1, {big_thread}) g
             UNION ALL
             SELECT {big_thread} + g, (g - 1) / {T - 1}, 1 + (g - 1) % {T - 1}, interval '90 minutes'
             FROM generate_series(1, {rest}) g) q
            JOIN scale_thread t ON t.idx = q.idx JOIN scale_paragraph p ON p.idx = (q.g * 7) % {paragraphs}""",
        order_by="created_at",
    )
    started = time.perf_counter()
    s.execute(
        """UPDATE communities_thread t SET reply_count = a.replies, last_activity_at = a.last
           FROM (SELECT thread_id, count(*) - 1 AS replies, max(created_at) AS last FROM communities_post
                 WHERE thread_id BETWEEN %s AND %s GROUP BY thread_id) a
           WHERE t.id = a.thread_id""",
        [t_low, t_low + T - 1],
    )
    s.log(f"  threads' reply_count and last_activity_at       {time.perf_counter() - started:6.1f} s")

    # --- Tags (themes): communities, products and experts carry two each.
    s.insert("taggit_tag", {"name": "'scale theme ' || g", "slug": "'scale-theme-' || g"}, "generate_series(1, 120) g")
    tag_low = s.id_range("taggit_tag", "slug LIKE 'scale-theme-%'", 120)

    def tag(model_table: str, app_label: str, model: str, low: int, count: int) -> None:
        ct = content_type_id(cursor, app_label, model)
        s.insert(
            "taggit_taggeditem",
            {"object_id": "o.id", "content_type_id": str(ct), "tag_id": f"{tag_low} + (o.id * 13 + k * 41) % 120"},
            f"{model_table} o CROSS JOIN generate_series(0, 1) k WHERE o.id BETWEEN {low} AND {low + count - 1}",
        )

    tag("communities_community", "communities", "community", c_low, C)

    # --- Events: over two years back and one ahead; most published; 30% open to everyone, the others in one
    # community (a few in two).
    s.insert(
        "events_event",
        {
            "title": f"({sql_array(EVENT_KINDS)})[1 + g % 6] || ' ' || g || ': ' || left(p.text, 60)",
            "slug": "'scale-event-' || g",
            "kind": f"({sql_array(EVENT_KINDS)})[1 + g % 6]",
            "status": "CASE WHEN g % 20 = 0 THEN 'draft' WHEN g % 20 = 1 THEN 'cancelled' ELSE 'published' END",
            "description": "p.text",
            "description_html": "'<p>' || p.text || '</p>'",
            "starts_at": f"date_trunc('hour', now()) - interval '730 days' + interval '1095 days' * g / {E}",
            "ends_at": f"date_trunc('hour', now()) - interval '730 days' + interval '1095 days' * g / {E}"
            " + interval '2 hours'",
            "time_zone": f"({sql_array(ZONES)})[1 + g % {len(ZONES)}]",
            "venue": "CASE WHEN g % 6 = 1 THEN 'Conference hall ' || g % 9 ELSE '' END",
            "join_url": "CASE WHEN g % 6 <> 1 THEN 'https://meet.example.org/scale-' || g ELSE '' END",
            "capacity": "CASE WHEN g % 3 = 0 THEN 100 END",
            "recording_url": "''",
            "materials": "''",
            "materials_html": "''",
            "checkin_code": "upper(substr(md5(g::text), 1, 6))",
            "created_at": "now() - interval '800 days'",
        },
        f"generate_series(1, {E}) g JOIN scale_paragraph p ON p.idx = (g * 3) % {paragraphs}",
    )
    e_low = s.id_range("events_event", "slug LIKE 'scale-event-%'", E)
    s.insert(
        "events_event_communities",
        {"event_id": "e.id", "community_id": f"{c_low} + (e.id * 3 + k) % {C}"},
        f"""events_event e CROSS JOIN generate_series(0, 1) k
            WHERE e.id BETWEEN {e_low} AND {e_low + E - 1} AND e.id % 10 >= 3 AND (k = 0 OR e.id % 10 = 9)""",
    )

    # --- Knowledge products: 85% published over three years; titles, summaries and bodies of several
    # paragraphs; 60% in one community; the full-text column filled the way knowledge.services.product_index
    # does (simple configuration; title A, summary and tags B, body C).
    s.insert(
        "knowledge_knowledgeproduct",
        {
            "type": f"({sql_array(PRODUCT_TYPES)})[1 + g % 8]",
            "title": "initcap(left(p1.text, 90)) || ' ' || g",
            "slug": "'scale-product-' || g",
            "summary": "left(p2.text, 400)",
            "body": "p1.text || E'\\n\\n' || p2.text || E'\\n\\n' || p3.text",
            "body_html": "'<p>' || p1.text || '</p><p>' || p2.text || '</p><p>' || p3.text || '</p>'",
            "countries": f"({sql_array(['', 'MM', 'KH', 'KZ,UZ', 'LA,TH', ''])})[1 + g % 6]",
            "status": "CASE g % 20 WHEN 0 THEN 'draft' WHEN 1 THEN 'in_review' WHEN 2 THEN 'archived' "
            "ELSE 'published' END",
            "review_note": "''",
            "published_at": f"CASE WHEN g % 20 >= 2 THEN now() - interval '1095 days' * (1 - g::float / {K}) END",
            "version_note": "''",
            "created_at": f"now() - interval '1100 days' * (1 - g::float / {K})",
            "updated_at": "now()",
            "download_count": "(g * 31) % 400",
            "created_by_id": f"{u_low} + (g::bigint * 15485863) % {M}",
        },
        f"""generate_series(1, {K}) g JOIN scale_paragraph p1 ON p1.idx = (g * 11) % {paragraphs}
            JOIN scale_paragraph p2 ON p2.idx = (g * 17 + 1) % {paragraphs}
            JOIN scale_paragraph p3 ON p3.idx = (g * 23 + 2) % {paragraphs}""",
    )
    k_low = s.id_range("knowledge_knowledgeproduct", "slug LIKE 'scale-product-%'", K)
    s.insert(
        "knowledge_knowledgeproduct_communities",
        {"knowledgeproduct_id": "k.id", "community_id": f"{c_low} + (k.id * 7) % {C}"},
        f"knowledge_knowledgeproduct k WHERE k.id BETWEEN {k_low} AND {k_low + K - 1} AND k.id % 10 < 6",
    )
    s.insert(
        "knowledge_knowledgeproduct_authors",
        {"knowledgeproduct_id": "k.id", "user_id": "k.created_by_id"},
        f"knowledge_knowledgeproduct k WHERE k.id BETWEEN {k_low} AND {k_low + K - 1}",
    )
    tag("knowledge_knowledgeproduct", "knowledge", "knowledgeproduct", k_low, K)
    started = time.perf_counter()
    product_ct = content_type_id(cursor, "knowledge", "knowledgeproduct")
    s.execute(
        """UPDATE knowledge_knowledgeproduct k SET search_vector =
               setweight(to_tsvector('simple', coalesce(k.title, '')), 'A')
               || setweight(to_tsvector('simple', coalesce(k.summary, '')), 'B')
               || setweight(to_tsvector('simple', coalesce(t.names, '')), 'B')
               || setweight(to_tsvector('simple', coalesce(k.body, '')), 'C')
           FROM (SELECT k2.id, string_agg(tag.name, ' ') AS names FROM knowledge_knowledgeproduct k2
                 LEFT JOIN taggit_taggeditem ti ON ti.object_id = k2.id AND ti.content_type_id = %s
                 LEFT JOIN taggit_tag tag ON tag.id = ti.tag_id
                 WHERE k2.id BETWEEN %s AND %s GROUP BY k2.id) t
           WHERE k.id = t.id""",
        [product_ct, k_low, k_low + K - 1],
    )
    s.log(f"  knowledge search_vector (to_tsvector)            {time.perf_counter() - started:6.1f} s")

    # --- Experts in ten clusters (each cluster linked to five communities).
    s.insert(
        "experts_expertcluster",
        {"theme": "'Scale cluster ' || g", "slug": "'scale-cluster-' || g", "description": "p.text"},
        "generate_series(1, 10) g JOIN scale_paragraph p ON p.idx = g + 100",
    )
    x_cluster_low = s.id_range("experts_expertcluster", "slug LIKE 'scale-cluster-%'", 10)
    s.insert(
        "experts_expertcluster_communities",
        {"expertcluster_id": f"{x_cluster_low} + (g - 1) % 10", "community_id": f"{c_low} + (g - 1) % {C}"},
        f"generate_series(1, {min(C, 50)}) g",
    )
    s.insert(
        "experts_expert",
        {
            "name": f"({sql_array(FIRST_NAMES)})[1 + g % 20] || ' Expert ' || g",
            "email": "'scale-expert' || g || '@bench.example.org'",
            "phone": "''",
            "category": f"({sql_array(EXPERT_CATEGORIES)})[1 + g % {len(EXPERT_CATEGORIES)}]",
            "countries": f"({sql_array(['MM', 'KH,LA', '', 'KZ', 'TH,VN'])})[1 + g % 5]",
            "organization": f"({sql_array(ORGANIZATIONS)})[1 + g % {len(ORGANIZATIONS)}]",
            "bio": "p.text",
            "gender": f"({sql_array(GENDERS)})[1 + g % 7]",
            "status": f"({sql_array(EXPERT_STATUSES)})[1 + g % {len(EXPERT_STATUSES)}]",
            "status_changed_at": "now() - interval '100 days'",
            "capacity_per_month": "4",
            "created_at": "now() - interval '300 days'",
        },
        f"generate_series(1, {X}) g JOIN scale_paragraph p ON p.idx = (g * 5) % {paragraphs}",
    )
    x_low = s.id_range("experts_expert", "email LIKE 'scale-expert%'", X)
    s.insert(
        "experts_expert_clusters",
        {"expert_id": "x.id", "expertcluster_id": f"{x_cluster_low} + x.id % 10"},
        f"experts_expert x WHERE x.id BETWEEN {x_low} AND {x_low + X - 1}",
    )
    tag("experts_expert", "experts", "expert", x_low, X)

    # --- Activity over the last year (as bench/indicators.py).
    s.insert(
        "members_activity",
        {
            "kind": f"({sql_array(ACTIVITY_KINDS)})[1 + (g % 8)]",
            "occurred_at": "now() - (random() * interval '365 days')",
            "community_id": f"CASE WHEN g % 8 < 3 THEN NULL ELSE {c_low} + (g % {C}) END",
            "member_id": f"{u_low} + floor(random() * {M})::bigint",
        },
        f"generate_series(1, {activity}) g",
        order_by="occurred_at",
    )

    # --- Digest preferences (every two weeks, last digest two weeks ago) and verified primary email addresses
    # (allauth) for the members a digest round goes to.
    s.insert(
        "digests_digestpreference",
        {
            "member_id": "u.id",
            "frequency": "'biweekly'",
            "next_digest_at": "now()",
            "last_sent_at": "now() - interval '14 days'",
        },
        f"members_user u WHERE u.id BETWEEN {u_low} AND {u_low + M - 1}",
    )
    # --- Verified primary email addresses (allauth) for the members a digest round goes to.
    s.insert(
        "account_emailaddress",
        {"email": "u.email", "verified": "true", "primary": "true", "user_id": "u.id"},
        f"members_user u WHERE u.id BETWEEN {u_low} AND {u_low + min(digest_members, M) - 1} AND u.is_active",
    )
    s.execute("DROP TABLE scale_paragraph")
    s.execute("DROP TABLE scale_thread")
    return {"big_thread_id": t_low, "first_community_id": c_low}
