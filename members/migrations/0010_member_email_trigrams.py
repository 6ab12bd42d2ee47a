"""A trigram index on members' email addresses (PostgreSQL only), for the admin's member fields.

A coordinator picking a speaker, author or lead by address (the words typed hold an "@") searches
`email__icontains`, which read all 100,000 members' addresses without an index: about 30 ms a keystroke. The same
expression as members 0009's, for the same reason; built CONCURRENTLY, so that members can sign up and edit
their profiles meanwhile.
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS member_email_trigrams ON members_user "
    "USING gin (UPPER(email::text) gin_trgm_ops)",
    "ANALYZE members_user",
]
REMOVE = ["DROP INDEX CONCURRENTLY IF EXISTS member_email_trigrams"]


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run inside a transaction
    dependencies = [("members", "0009_member_search_trigrams")]

    operations = [postgresql_only(ADD, REMOVE)]
