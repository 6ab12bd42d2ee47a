"""Operations the apps' migrations share."""

from django.contrib.postgres import operations as postgres_operations
from django.db import migrations


def postgresql_only_index(app_label: str, model_name: str, make_index) -> migrations.RunPython:
    """Adds the index `make_index()` returns on PostgreSQL and nothing elsewhere: for the indexes SQLite cannot
    build (GIN, NULLS LAST), which therefore stay out of the model's Meta.indexes. Reversible."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(apps.get_model(app_label, model_name), make_index())

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(apps.get_model(app_label, model_name), make_index())

    return migrations.RunPython(create, drop)


def many_to_many_index(app_label: str, model_name: str, field_name: str, fields: list[str], name: str):
    """Adds an index on the table Django makes for the many-to-many `field_name` of `model_name` (its model is
    not ours to give Meta.indexes). `fields` are the link's fields (e.g. ["community", "event"]). Reversible."""
    from django.db.models import Index

    def through(apps):
        return apps.get_model(app_label, model_name)._meta.get_field(field_name).remote_field.through

    def create(apps, schema_editor):
        schema_editor.add_index(through(apps), Index(fields=fields, name=name))

    def drop(apps, schema_editor):
        schema_editor.remove_index(through(apps), Index(fields=fields, name=name))

    return migrations.RunPython(create, drop)


class _ConcurrentlyOnPostgreSQL:
    """Django's CONCURRENTLY operation on PostgreSQL, `plain` (the ordinary one) on other databases."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres_operations.AddIndexConcurrently):
    """An index PostgreSQL builds without locking the table's writes meanwhile (a large table: posts); a plain
    AddIndex on other databases. The migration sets `atomic = False`."""

    plain = migrations.AddIndex


class RemoveIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres_operations.RemoveIndexConcurrently):
    """An index PostgreSQL drops without locking the table; a plain RemoveIndex elsewhere. Needs `atomic = False`."""

    plain = migrations.RemoveIndex
