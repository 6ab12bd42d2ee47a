from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS knowledge_search_vector_gin "
    "ON knowledge_knowledgeproduct USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS knowledge_search_vector_gin"


def create_gin_index(apps, schema_editor):
    # Full-text search runs on PostgreSQL only; SQLite falls back to plain matching and needs no index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_gin_index, drop_gin_index)]
