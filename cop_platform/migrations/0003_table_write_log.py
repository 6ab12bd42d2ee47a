"""The table write log (cop_platform.table_writes): which tables each committed transaction wrote, so that a kept
page is served again after commits that wrote none of its tables. PostgreSQL only: elsewhere no page is kept.

Each table's triggers are added after migrate (table_writes.triggers_install, on post_migrate), for the tables of
later migrations too.
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

CREATE = [
    "CREATE TABLE IF NOT EXISTS cop_table_write (xid xid8 NOT NULL, table_name text NOT NULL, "
    "PRIMARY KEY (xid, table_name))",
    # One row: notes below `below` were deleted; `next` is the xmin prune recorded last time, the next `below`.
    "CREATE TABLE IF NOT EXISTS cop_table_write_horizon (id int PRIMARY KEY CHECK (id = 1), below xid8 NOT NULL, "
    "next xid8 NOT NULL)",
    "INSERT INTO cop_table_write_horizon VALUES (1, '0', '0') ON CONFLICT DO NOTHING",
    # SET search_path FROM CURRENT: the log is found in this schema, whatever the writer's search_path, and never in
    # a temporary table of the writer's (pg_temp last, as a SECURITY DEFINER function needs). SECURITY DEFINER: a
    # role that may write a table but not the log (an import's, say) still has its writes noted.
    "SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true)",
    # For INSERT, UPDATE and DELETE: the statement's rows (its transition table, cop_rows), noted only when there
    # were some (an UPDATE that matched nothing changed nothing).
    """CREATE OR REPLACE FUNCTION cop_rows_written() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF EXISTS (SELECT FROM cop_rows) THEN
            INSERT INTO cop_table_write (xid, table_name) VALUES (pg_current_xact_id(), TG_TABLE_NAME)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    # For TRUNCATE, which has no rows to show.
    """CREATE OR REPLACE FUNCTION cop_table_truncated() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
    BEGIN
        INSERT INTO cop_table_write (xid, table_name) VALUES (pg_current_xact_id(), TG_TABLE_NAME)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    # Trigger functions are called by their triggers only.
    "REVOKE EXECUTE ON FUNCTION cop_rows_written(), cop_table_truncated() FROM PUBLIC",
]
DROP = [
    # Each table's triggers go with the functions (CASCADE).
    "DROP FUNCTION IF EXISTS cop_rows_written() CASCADE",
    "DROP FUNCTION IF EXISTS cop_table_truncated() CASCADE",
    "DROP TABLE IF EXISTS cop_table_write_horizon",
    "DROP TABLE IF EXISTS cop_table_write",
]


class Migration(migrations.Migration):
    dependencies = [("cop_platform", "0002_outbox_next_try")]

    operations = [postgresql_only(CREATE, DROP)]
