from django.db import migrations

from cop_platform.migration_operations import postgresql_only_index

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


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_vector_gin_index")]

    # SQLite cannot write NULLS LAST in an index (and needs none at its sizes).
    operations = [postgresql_only_index("knowledge", "KnowledgeProduct", _index)]
