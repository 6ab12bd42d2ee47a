from django.db import migrations

INDEX_NAME = "knowledge_published_order"


def _index():
    # The library's default order (knowledge.selectors.library and the home page's "new knowledge"): newest
    # published first, undated last. With it PostgreSQL reads the first page off the index instead of sorting
    # every published product, and counts them with an index-only scan.
    from django.db.models import F, Index, Q

    return Index(
        F("published_at").desc(nulls_last=True),
        F("id").desc(),
        name=INDEX_NAME,
        condition=Q(status="published"),
    )


def create_index(apps, schema_editor):
    # PostgreSQL only: SQLite cannot write NULLS LAST in an index (and needs none at its sizes). Not in
    # KnowledgeProduct.Meta.indexes for the same reason.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("knowledge", "KnowledgeProduct"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_vector_gin_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
