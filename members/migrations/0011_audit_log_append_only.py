"""The audit log is append-only in the database too (PostgreSQL only): the model's save() refuses an edit, and
the admin offers none, but a queryset's update() or delete(), a shell or any other client went around both.

A trigger refuses deleting an entry, and changing when it happened or what it records. What account deletion
must do is let through: forgetting a deleted member's name and email in the text columns (members.audit.
forgetting, a flag local to its transaction), and the database emptying the actor of an account deleted
outright (on_delete=SET_NULL).
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'the audit log is append-only: an entry cannot be deleted';
        END IF;
        IF NEW.id <> OLD.id OR NEW.action <> OLD.action OR NEW.occurred_at <> OLD.occurred_at
           OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL) THEN
            RAISE EXCEPTION 'the audit log is append-only: who, what and when cannot be changed';
        END IF;
        IF (NEW.actor_label, NEW.target, NEW.detail) IS DISTINCT FROM (OLD.actor_label, OLD.target, OLD.detail)
           AND coalesce(current_setting('cop.audit_forgetting', true), '') <> 'on' THEN
            RAISE EXCEPTION 'the audit log is append-only: its text changes only to forget a deleted member';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON members_auditentry",
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON members_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
]
REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON members_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]


class Migration(migrations.Migration):
    dependencies = [("members", "0010_member_email_trigrams")]

    operations = [postgresql_only(ADD, REMOVE)]
