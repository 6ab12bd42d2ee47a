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
