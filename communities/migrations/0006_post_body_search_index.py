from django.db import migrations

INDEX_NAME = "post_body_search"


def _index():
    # The same expression as communities.selectors.POST_SEARCH_VECTOR, built by Django the same way, so that the
    # SQL of a search is the indexed expression character for character (the planner matches expressions
    # textually; tests/communities/test_post_search.py checks the plan uses this index).
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("body", config="simple"), name=INDEX_NAME)


def create_search_index(apps, schema_editor):
    # Full-text search over posts runs on PostgreSQL only; SQLite falls back to plain matching and needs no index.
    # Kept out of Post.Meta.indexes because a GIN index cannot be created on SQLite.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("communities", "Post"), _index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("communities", "0005_alter_notification_kind")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
