"""Posts' full-text document, stored (PostgreSQL only; see communities/search_document.py).

On a large platform this rewrites communities_post while holding its lock: about 2 minutes for a million posts
on 2 cores. The GIN index moves from the expression to_tsvector('simple', body) (migration 0006) to the column.
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    "DROP INDEX IF EXISTS post_body_search",
    "ALTER TABLE communities_post ADD COLUMN search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(body, ''::text))) STORED",
    "CREATE INDEX post_body_search ON communities_post USING gin (search_document)",
]
REMOVE = [
    "ALTER TABLE communities_post DROP COLUMN IF EXISTS search_document",  # drops its index with it
    "CREATE INDEX IF NOT EXISTS post_body_search ON communities_post "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(body, ''::text)))",
]


class Migration(migrations.Migration):
    dependencies = [("communities", "0007_thread_listing_in_page_order")]

    operations = [postgresql_only(ADD, REMOVE)]  # SQLite searches posts by substring: nothing to add
