"""Which tables each committed transaction wrote (PostgreSQL): what lets a kept page (cop_platform.page_cache) be
served again after commits that wrote none of the tables it was drawn from.

Every table has a statement-level trigger, `cop_table_written`, that notes (transaction id, table) in
cop_table_write, once per transaction and table, inside the writing transaction: the note becomes visible exactly
when the write does, and is gone with it if the transaction rolls back. It notes whatever wrote: the ORM, a
queryset update, raw SQL, another table's trigger, psql, TRUNCATE. New tables get the trigger after each
`migrate` (triggers_install, on post_migrate); a process that finds a table without it keeps no page at all
(complete), rather than serve pages that table's writes could have changed.

A page drawn under snapshot S from tables T is the page it would be now while no note for a table in T is
visible now that was not in S (written_since): no transaction that wrote one of them has committed since.

Kept small by prune (beat, every 10 minutes): it deletes the notes of transactions that had all ended when it last
ran (below the xmin it recorded then) and records the current xmin. A page whose snapshot is older than that
(its xmin below the pruned line) counts as changed: its notes may be gone. Kept pages live a minute at most.
"""

import logging
import re
from functools import cache as once_per_process

from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)

TRIGGER = "cop_table_written"
LOG_TABLES = ("cop_table_write", "cop_table_write_horizon")  # written by the trigger and prune: no trigger
# Words of a statement that can be table names: quoted by the ORM ("communities_post") or not (raw SQL).
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The schema's tables and whether each has the trigger.
_TABLES = """
    SELECT c.relname, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname <> ALL(%s)
"""
_WRITTEN_SINCE = """
    SELECT pg_current_snapshot()::text,
        pg_snapshot_xmin(%(drawn)s::pg_snapshot) < (SELECT below FROM cop_table_write_horizon WHERE id = 1)
        OR EXISTS (
            SELECT 1 FROM cop_table_write
            WHERE xid >= pg_snapshot_xmin(%(drawn)s::pg_snapshot) AND table_name = ANY(%(tables)s)
                AND NOT pg_visible_in_snapshot(xid, %(drawn)s::pg_snapshot)
        )
"""


def triggers_install(using: str = "default", **_signal) -> int:
    """Gives every table of the schema without the trigger its trigger (post_migrate: the tables a migration
    added). The number given. Nothing where the log is not there yet, or on another database."""
    database = connections[using]
    if database.vendor != "postgresql":
        return 0
    with database.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [f"{TRIGGER}()"])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(_TABLES, [TRIGGER, list(LOG_TABLES)])
        missing = [name for name, has_trigger in cursor.fetchall() if not has_trigger]
        for name in missing:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {database.ops.quote_name(name)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )
    return len(missing)


@once_per_process
def logged_tables() -> frozenset[str] | None:
    """The tables whose writes are noted, or None when one is not (or there is no log): then no page is kept.
    Read once per process: a migration that adds a table runs before the new release's processes start."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cop_table_write') IS NOT NULL")
        if not cursor.fetchone()[0]:
            logger.warning("No table write log (cop_table_write): pages are drawn every time. Run migrate.")
            return None
        cursor.execute(_TABLES, [TRIGGER, list(LOG_TABLES)])
        tables = dict(cursor.fetchall())
    missing = sorted(name for name, has_trigger in tables.items() if not has_trigger)
    if missing:
        logger.warning("Tables without the %s trigger: %s. Pages are drawn every time. Run migrate.", TRIGGER, missing)
        return None
    return frozenset(tables)


def complete() -> bool:
    """Whether every write to every table is noted (on this connection's PostgreSQL database)."""
    return connection.vendor == "postgresql" and logged_tables() is not None


def tables_in(sql: str) -> set[str]:
    """The noted tables a statement names: every word that is one (a column never is: their names differ)."""
    return set(_WORD.findall(sql)).intersection(logged_tables() or ())


def written_since(snapshot: str, tables) -> tuple[bool, str]:
    """Whether a transaction that wrote one of `tables` has committed since `snapshot`, and the current snapshot
    (under which the answer was read: a page drawn next is no older)."""
    with connection.cursor() as cursor:
        cursor.execute(_WRITTEN_SINCE, {"drawn": snapshot, "tables": sorted(tables)})
        current, changed = cursor.fetchone()
    return changed is not False, current  # None (no horizon row): changed, to be safe


def prune() -> int:
    """Deletes the notes no kept page can need: those of transactions that had all ended when prune last ran.
    The number deleted. Safe however often it runs: a page drawn before the line it draws counts as changed."""
    if not complete():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cop_table_write_horizon SET below = next, next = pg_snapshot_xmin(pg_current_snapshot()) "
            "WHERE id = 1 RETURNING below"
        )
        (below,) = cursor.fetchone()
        cursor.execute("DELETE FROM cop_table_write WHERE xid < %s::xid8", [below])
        return cursor.rowcount
