from django.db import migrations

from cop_platform.migration_sql import postgresql_only

CREATE = (
    "CREATE INDEX IF NOT EXISTS knowledge_search_vector_gin "
    "ON knowledge_knowledgeproduct USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS knowledge_search_vector_gin"


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    # Full-text search runs on PostgreSQL only; SQLite falls back to plain matching and needs no index.
    operations = [postgresql_only([CREATE], [DROP])]
