"""Trigram indexes on members' names and organizations (PostgreSQL only), for the directory's search.

The directory finds members by `full_name__icontains` or `organization__icontains` (UPPER(…) LIKE '%WORDS%'),
which read all 100,000 members without an index: 140–190 ms a search. pg_trgm: see communities.0009 (the first
of the two migrations to run creates the extension).
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expressions Django writes for `icontains`, so that the planner matches them to the indexes.
    "CREATE INDEX IF NOT EXISTS member_name_trigrams ON members_user USING gin (UPPER(full_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS member_organization_trigrams ON members_user "
    "USING gin (UPPER(organization::text) gin_trgm_ops)",
    # Statistics of the indexed expressions: without them PostgreSQL guesses how many members a word matches,
    # and sorted every "ministry" (most members) instead of reading the name index: 117 ms instead of 7.
    "ANALYZE members_user",
]
REMOVE = ["DROP INDEX IF EXISTS member_name_trigrams", "DROP INDEX IF EXISTS member_organization_trigrams"]


class Migration(migrations.Migration):
    dependencies = [("members", "0008_member_directory_index")]

    operations = [postgresql_only(ADD, REMOVE)]  # SQLite reads every member: nothing to add
