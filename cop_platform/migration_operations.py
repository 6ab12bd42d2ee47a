"""Operations the apps' migrations share."""

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
