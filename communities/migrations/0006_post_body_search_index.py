from django.db import migrations

from cop_platform.migration_operations import postgresql_only_index

INDEX_NAME = "post_body_search"


def _index():
    # The same expression as communities.selectors.POST_SEARCH_VECTOR, built by Django the same way, so that the
    # SQL of a search is the indexed expression character for character (the planner matches expressions
    # textually; tests/communities/test_post_search.py checks the plan uses this index).
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("body", config="simple"), name=INDEX_NAME)


class Migration(migrations.Migration):
    dependencies = [("communities", "0005_alter_notification_kind")]

    # Full-text search over posts runs on PostgreSQL only; SQLite falls back to plain matching and needs no index.
    operations = [postgresql_only_index("communities", "Post", _index)]
