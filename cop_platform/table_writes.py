"""Which tables each committed transaction wrote (PostgreSQL): what lets a kept page (cop_platform.page_cache) be
served again after commits that wrote none of the tables it was drawn from.

Every table has statement-level triggers that note (transaction id, table) in cop_table_write, once per
transaction and table, when a statement changed rows of it (an UPDATE that matched none changed nothing: its
transition table is empty), inside the writing transaction: the note becomes visible exactly when the write does,
and is gone with it if the transaction rolls back. They note whatever wrote: the ORM, a queryset update, raw SQL,
another table's trigger, psql, TRUNCATE. New tables get them after each `migrate` (triggers_install, on
post_migrate); a process that finds a table without them keeps no page at all (complete), rather than serve pages
that table's writes could have changed.

A page drawn under snapshot S from tables T is the page it would be now while no note for a table in T is
visible now that was not in S (written_since): no transaction that wrote one of them has committed since.

Not noted: writes made with triggers off (`session_replication_role = replica`, a restore with
--disable-triggers). After such a write, clear the cache (or wait a minute: kept pages live no longer).

Kept small by prune (beat, every 10 minutes): it deletes the notes of transactions that had all ended when it last
ran (below the xmin it recorded then) and records the current xmin. A page whose snapshot is older than that
(its xmin below the pruned line) counts as changed: its notes may be gone. Kept pages live a minute at most.
"""

import logging
import re
from dataclasses import dataclass
from functools import cache as once_per_process

from django.db import DatabaseError, connection, connections, transaction

logger = logging.getLogger(__name__)

# Each table's triggers by name: what they fire on, the transition table they read, and their function (migration
# cop_platform.0003). PostgreSQL allows a transition table only on a trigger for one kind of statement.
TRIGGERS = {
    "cop_rows_inserted": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS cop_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION cop_rows_written()",
    "cop_rows_updated": "AFTER UPDATE ON {table} REFERENCING NEW TABLE AS cop_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION cop_rows_written()",
    "cop_rows_deleted": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS cop_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION cop_rows_written()",
    "cop_table_truncated": "AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION cop_table_truncated()",
}
LOG_TABLES = ("cop_table_write", "cop_table_write_horizon")  # written by the trigger and prune: no trigger
# Words of a statement that can be table names: quoted by the ORM ("communities_post") or not (raw SQL).
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The schema's relations: kind, whether an extension's or in an inheritance tree (partitions too), and the write
# log's triggers each has, enabled.
_RELATIONS = """
    SELECT c.relname, c.relkind,
        EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE c.oid IN (i.inhrelid, i.inhparent)),
        ARRAY(SELECT t.tgname::text FROM pg_trigger t
              WHERE t.tgrelid = c.oid AND t.tgname = ANY(%s) AND t.tgenabled <> 'D')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = current_schema() AND c.relname <> ALL(%s)
"""


@dataclass(frozen=True)
class Relations:
    """The schema's relations: `logged`, the tables whose writes are noted, and `unlogged`, those that are not
    (views, materialized and foreign tables, an extension's tables, inheritance trees and partitions, whose writes
    through another relation fire other triggers). A page that reads an unlogged relation is not kept."""

    logged: frozenset[str]
    unlogged: frozenset[str]
    missing: frozenset[str]  # tables that should have the triggers and lack one


def _relations(cursor) -> Relations:
    cursor.execute(_RELATIONS, [list(TRIGGERS), list(LOG_TABLES)])
    logged, unlogged, missing = set(), set(), set()
    for name, kind, apart, triggers in cursor.fetchall():
        if kind != "r" or apart:
            unlogged.add(name)
        elif len(triggers) < len(TRIGGERS):
            missing.add(name)
        else:
            logged.add(name)
    return Relations(frozenset(logged), frozenset(unlogged), frozenset(missing))


_WRITTEN_SINCE = """
    SELECT pg_snapshot_xmin(%(drawn)s::pg_snapshot) < (SELECT below FROM cop_table_write_horizon WHERE id = 1)
        OR EXISTS (
            SELECT 1 FROM cop_table_write
            WHERE xid >= pg_snapshot_xmin(%(drawn)s::pg_snapshot) AND table_name = ANY(%(tables)s)
                AND NOT pg_visible_in_snapshot(xid, %(drawn)s::pg_snapshot)
        )
"""


def triggers_install(using: str = "default", **_signal) -> int:
    """Gives every table of the schema the write log's triggers it lacks (post_migrate: the tables a migration
    added), enabled even for replication (ENABLE ALWAYS). The number of tables given some. Nothing on another
    database, or where the log is not there yet."""
    database = connections[using]
    if database.vendor != "postgresql":
        return 0
    with database.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cop_table_write'), to_regprocedure('cop_rows_written()')")
        log, function = cursor.fetchone()
        if log is None or function is None:
            if log is not None:
                logger.warning("The table write log has no trigger function: migrate cop_platform back and forth.")
            return 0
        cursor.execute(
            "SELECT c.relname, ARRAY(SELECT t.tgname::text FROM pg_trigger t WHERE t.tgrelid = c.oid) "
            "FROM pg_class c WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace",
            [sorted(_relations(cursor).missing)],
        )
        lacking = cursor.fetchall()
    given = 0
    for table, triggers in lacking:
        quoted = database.ops.quote_name(table)
        try:
            with transaction.atomic(using=using), database.cursor() as cursor:
                # CREATE TRIGGER waits for the table's writers: on a live site, not behind a long one for long.
                cursor.execute("SET LOCAL lock_timeout = '10s'")
                for name, definition in TRIGGERS.items():
                    if name not in triggers:
                        cursor.execute(f"CREATE TRIGGER {name} " + definition.format(table=quoted))
                    cursor.execute(f"ALTER TABLE {quoted} ENABLE ALWAYS TRIGGER {name}")
            given += 1
        except DatabaseError:  # not ours to change, or busy: pages are drawn every time until the next migrate
            logger.warning("Table %s lacks the write log's triggers: pages are drawn every time.", table, exc_info=True)
    return given


@once_per_process
def relations() -> Relations | None:
    """The schema's relations, or None when a table's writes are not all noted (or there is no log): then no page
    is kept. Read once per process: a migration that adds a table runs before the new release's processes start."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cop_table_write') IS NOT NULL")
        if not cursor.fetchone()[0]:
            logger.warning("No table write log (cop_table_write): pages are drawn every time. Run migrate.")
            return None
        found = _relations(cursor)
    if found.missing:
        logger.warning(
            "Tables without the write log's triggers: %s. Pages are drawn every time. Run migrate.",
            sorted(found.missing),
        )
        return None
    return found


def complete() -> bool:
    """Whether every write to every table is noted (on this connection's PostgreSQL database)."""
    return connection.vendor == "postgresql" and relations() is not None


def read_by(sql: str) -> tuple[set[str], bool]:
    """The noted tables a statement names, and whether it names an unlogged relation: every word of it that is
    one (a column never is: their names differ)."""
    known = relations()
    if known is None:
        return set(), True
    words = set(_WORD.findall(sql))
    return words & known.logged, not words.isdisjoint(known.unlogged)


def tables_in(sql: str) -> set[str]:
    """The noted tables a statement names (read_by)."""
    return read_by(sql)[0]


def written_since(snapshot: str, tables) -> bool:
    """Whether a transaction that wrote one of `tables` has committed since `snapshot`. Yes when it cannot be told
    (the log gone since this process looked: migrated back, say)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(_WRITTEN_SINCE, {"drawn": snapshot, "tables": sorted(tables)})
            (changed,) = cursor.fetchone()
    except DatabaseError:
        logger.warning("The table write log cannot be read: the page is drawn again.", exc_info=True)
        return True
    return changed is not False  # None (no horizon row): changed, to be safe


def prune() -> int:
    """Deletes the notes no kept page can need: those of transactions that had all ended when prune last ran.
    The number deleted. Safe however often it runs: a page drawn before the line it draws counts as changed."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cop_table_write_horizon') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "UPDATE cop_table_write_horizon SET below = next, next = pg_snapshot_xmin(pg_current_snapshot()) "
            "WHERE id = 1 RETURNING below"
        )
        (below,) = cursor.fetchone()
        cursor.execute("DELETE FROM cop_table_write WHERE xid < %s::xid8", [below])
        return cursor.rowcount
