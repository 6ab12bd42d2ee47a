"""Posts' searched text where it is not their body (a reply's quote of a post hidden since left out), and the
search document computed from it (PostgreSQL; see communities/search_document.py).

The replies that already quote a hidden post get their searched text first. On PostgreSQL the generated column
is then made again from the new expression: like 0008, that rewrites communities_post while holding its lock
(about 2 minutes for a million posts on 2 cores), and builds both full-text indexes again.
"""

from django.db import migrations, models

from cop_platform.migration_sql import postgresql_only

DOCUMENT = "to_tsvector('simple'::regconfig, COALESCE({}, ''::text))"
INDEXES = [
    "CREATE INDEX post_body_search ON communities_post USING gin (search_document)",
    "CREATE INDEX post_community_search ON communities_post "
    "USING gin (search_community_id, search_document) WHERE NOT is_hidden",
    "ANALYZE communities_post",
]


def _document_from(source: str) -> list[str]:
    return [
        "ALTER TABLE communities_post DROP COLUMN search_document",  # drops both its indexes with it
        "ALTER TABLE communities_post ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT.format(source)}) STORED",
        *INDEXES,
    ]


def quotes_of_hidden_posts_left_out(apps, schema_editor):
    from communities.markdown import leading_quote_dropped

    Post = apps.get_model("communities", "Post")
    replies = Post.objects.filter(quoted__is_hidden=True).select_related("quoted").only("body", "quoted__body")
    changed = []
    for reply in replies.iterator(chunk_size=500):
        shown = leading_quote_dropped(reply.body, reply.quoted.body)
        if shown != reply.body:
            reply.search_text = shown
            changed.append(reply)
    Post.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("communities", "0011_post_thread_page_order")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, editable=False, null=True, verbose_name="searched text"),
        ),
        migrations.RunPython(quotes_of_hidden_posts_left_out, migrations.RunPython.noop),
        postgresql_only(_document_from("search_text, body"), _document_from("body")),
    ]
