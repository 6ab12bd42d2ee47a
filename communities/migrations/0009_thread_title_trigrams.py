"""A trigram index on threads' titles (PostgreSQL only), for the title half of a discussion search.

A search word counts when it is in a thread's title (Django's `icontains`: UPPER(title) LIKE '%WORD%') or in one
of its posts. The posts have a full-text index; without this one, finding the threads whose titles hold a rare
word, or a misspelt one, meant reading every title (about 50 ms for 50,000 threads). pg_trgm ships with
PostgreSQL (Debian's postgresql-contrib, the official image) and is a trusted extension since PostgreSQL 13: the
database's owner may create it, no superuser needed.
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expression Django writes for `title__icontains`, so that the planner matches it to the index.
    "CREATE INDEX IF NOT EXISTS thread_title_trigrams ON communities_thread "
    "USING gin (UPPER(title::text) gin_trgm_ops)",
    "ANALYZE communities_thread",  # the indexed expression's statistics, for the planner's estimates
]
REMOVE = ["DROP INDEX IF EXISTS thread_title_trigrams"]  # the extension stays: other indexes may use it


class Migration(migrations.Migration):
    dependencies = [("communities", "0008_post_search_document")]

    operations = [postgresql_only(ADD, REMOVE)]  # SQLite searches titles by scanning: nothing to add
