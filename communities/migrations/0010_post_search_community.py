"""Each post's community, copied beside its search document, and a full-text index whose first column is that
community (PostgreSQL).

A search within a community looked its words up in the whole platform's full-text index, then dropped every
other community's posts: "digital payments pilot" fetched 9,750 posts to keep the 180 of one community, 35–90 ms
per statement, twice a page (the count and the page). With the community as the first column of a GIN index
(btree_gin), the lookup reads only that community's entries: 9 ms.

`search_community_id` is not a model field (see communities/search_document.py): triggers keep it equal to the
post's thread's community, whatever writes the rows (the ORM, a queryset update, the admin, loaddata, the
benchmark's set-based SQL). A post takes its thread's community when it is inserted or moved to another thread;
a thread inserted after its posts (foreign keys are checked at commit) or moved to another community gives its
posts its community. The post's trigger reads the thread FOR SHARE, so a move cannot commit in between.

btree_gin ships with PostgreSQL (Debian's postgresql-contrib, the official image) and is a trusted extension
since PostgreSQL 13, like pg_trgm (communities.0009). On a large platform the migration holds communities_post
locked while it writes every row once and builds the index (about 2 minutes for a million posts on 2 cores:
discussions wait meanwhile, as for 0008); the table's file keeps the old rows' space for later writes.
"""

from django.db import migrations

from cop_platform.migration_sql import postgresql_only

ADD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    # No thread moves between the copy and the triggers (released when the migration's transaction ends).
    "LOCK TABLE communities_thread IN SHARE MODE",
    "ALTER TABLE communities_post ADD COLUMN IF NOT EXISTS search_community_id bigint",
    "UPDATE communities_post AS post SET search_community_id = thread.community_id "
    "FROM communities_thread AS thread WHERE thread.id = post.thread_id",
    # SET search_path: the tables are found as at migration time, also where a restore empties search_path.
    """CREATE OR REPLACE FUNCTION communities_post_takes_thread_community() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        NEW.search_community_id := (SELECT community_id FROM communities_thread WHERE id = NEW.thread_id FOR SHARE);
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS post_takes_thread_community ON communities_post",
    "CREATE TRIGGER post_takes_thread_community BEFORE INSERT OR UPDATE OF thread_id, search_community_id "
    "ON communities_post FOR EACH ROW EXECUTE FUNCTION communities_post_takes_thread_community()",
    """CREATE OR REPLACE FUNCTION communities_thread_gives_posts_community() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
            RETURN NULL;
        END IF;
        UPDATE communities_post SET search_community_id = NEW.community_id
            WHERE thread_id = NEW.id AND search_community_id IS DISTINCT FROM NEW.community_id;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS thread_gives_posts_community ON communities_thread",
    "CREATE TRIGGER thread_gives_posts_community AFTER INSERT OR UPDATE OF community_id ON communities_thread "
    "FOR EACH ROW EXECUTE FUNCTION communities_thread_gives_posts_community()",
    # Only visible posts are ever searched (communities.selectors.posts_matching).
    "CREATE INDEX IF NOT EXISTS post_community_search ON communities_post "
    "USING gin (search_community_id, search_document) WHERE NOT is_hidden",
    "ANALYZE communities_post",
]
REMOVE = [
    "DROP TRIGGER IF EXISTS thread_gives_posts_community ON communities_thread",
    "DROP FUNCTION IF EXISTS communities_thread_gives_posts_community()",
    "DROP TRIGGER IF EXISTS post_takes_thread_community ON communities_post",
    "DROP FUNCTION IF EXISTS communities_post_takes_thread_community()",
    "ALTER TABLE communities_post DROP COLUMN IF EXISTS search_community_id",  # drops its index with it
]


class Migration(migrations.Migration):
    dependencies = [("communities", "0009_thread_title_trigrams")]

    operations = [postgresql_only(ADD, REMOVE)]  # SQLite searches posts by substring: nothing to add
