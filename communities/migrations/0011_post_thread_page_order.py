from django.db import migrations, models

from cop_platform.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    # PostgreSQL builds and drops the indexes CONCURRENTLY: posts stay writable meanwhile (about a million rows
    # at bench/scale.py's size). That cannot run inside a transaction.
    atomic = False

    dependencies = [("communities", "0010_post_search_community")]

    operations = [
        # The new index first: the thread pages always have one.
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(fields=["thread", "created_at", "id"], name="post_thread_page_order"),
        ),
        RemoveIndexConcurrently(model_name="post", name="post_thread_order"),
    ]
