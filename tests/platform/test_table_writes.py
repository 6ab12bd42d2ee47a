"""The table write log (cop_platform.table_writes) on PostgreSQL, outside a test transaction, where a commit is a
commit, and the page cache served by it: a page is drawn again after a commit that wrote one of its tables, and
served after one that did not."""

import io

import psycopg2
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communities.models import Thread
from cop_platform import page_cache, table_writes
from members.models import Language
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the write log is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

THREADS = ["communities_thread"]


@pytest.fixture(autouse=True)
def tables_read_again():
    table_writes.relations.cache_clear()
    yield
    table_writes.relations.cache_clear()


@pytest.fixture
def other_connection():
    """Another process's connection: psycopg2's own, not Django's."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    yield other
    other.close()


def _written(since, tables=THREADS) -> bool:
    assert since is not None  # written_since says yes to what it cannot tell
    return table_writes.written_since(since, tables)


def test_every_table_has_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = {name for (name,) in cursor.fetchall()}

    assert table_writes.relations().logged == tables - set(table_writes.LOG_TABLES)
    assert table_writes.relations().unlogged == set()
    assert page_cache.can_keep()


def test_a_commit_is_noted_with_the_tables_it_wrote():
    before = page_cache.database_snapshot()
    ThreadFactory()

    assert _written(before)
    assert not _written(before, ["events_event"])
    assert not _written(page_cache.database_snapshot())


def test_a_write_in_raw_sql_by_another_connection_is_noted(other_connection):
    ThreadFactory()
    before = page_cache.database_snapshot()
    with other_connection.cursor() as cursor:
        cursor.execute("UPDATE communities_thread SET title = 'Renamed'")
    assert not _written(before)  # not committed yet
    other_connection.commit()

    assert _written(before)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE communities_thread SET title = title WHERE false",
        "DELETE FROM communities_thread WHERE false",
        "INSERT INTO communities_thread SELECT * FROM communities_thread WHERE false",
    ],
)
def test_a_statement_that_changed_no_row_is_not_noted(statement):
    ThreadFactory()
    before = page_cache.database_snapshot()
    with connection.cursor() as cursor:
        cursor.execute(statement)

    assert not _written(before)


def test_inserts_updates_and_deletes_are_each_noted():
    thread = ThreadFactory()
    for write in (
        lambda: ThreadFactory(community=thread.community),
        lambda: Thread.objects.filter(pk=thread.pk).update(title="Renamed"),
        lambda: Thread.objects.filter(pk=thread.pk).delete(),
    ):
        before = page_cache.database_snapshot()
        assert not _written(before)
        write()
        assert _written(before)


def test_a_write_made_by_a_trigger_is_noted():
    """Moving a thread to another community moves its posts' search community (communities 0010's trigger)."""
    post = PostFactory()
    before = page_cache.database_snapshot()
    Thread.objects.filter(pk=post.thread_id).update(community=CommunityFactory())

    assert _written(before, ["communities_post"])


def test_an_upsert_and_a_copy_are_noted():
    Language.objects.create(code="xx", name="Before")
    before = page_cache.database_snapshot()
    Language.objects.bulk_create(
        [Language(code="xx", name="After")], update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )  # INSERT … ON CONFLICT DO UPDATE: an update
    assert _written(before, ["members_language"])

    before = page_cache.database_snapshot()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert("COPY members_language (code, name) FROM STDIN", io.StringIO("zz\tZed\n"))
    assert _written(before, ["members_language"])


def _run(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_a_disabled_trigger_keeps_pages_from_being_kept():
    _run("ALTER TABLE members_language DISABLE TRIGGER cop_rows_inserted")
    try:
        assert table_writes.relations() is None
    finally:
        _run("ALTER TABLE members_language ENABLE ALWAYS TRIGGER cop_rows_inserted")


def test_a_view_is_an_unlogged_relation():
    _run("CREATE VIEW cop_test_threads AS SELECT id FROM communities_thread")
    try:
        assert table_writes.read_by("SELECT id FROM cop_test_threads") == (set(), True)
    finally:
        _run("DROP VIEW cop_test_threads")


def test_a_role_with_no_rights_on_the_log_has_its_writes_noted():
    """The trigger functions are SECURITY DEFINER: an import's role, say, writes its tables and not the log."""
    _run(
        "DROP ROLE IF EXISTS cop_test_writer",
        "CREATE ROLE cop_test_writer",
        "GRANT USAGE ON SCHEMA public TO cop_test_writer",
        "GRANT INSERT ON members_language TO cop_test_writer",
        "GRANT USAGE ON SEQUENCE members_language_id_seq TO cop_test_writer",
    )
    try:
        before = page_cache.database_snapshot()
        try:
            _run("SET ROLE cop_test_writer", "INSERT INTO members_language (code, name) VALUES ('qq', 'Q')")
        finally:
            _run("RESET ROLE")
        assert _written(before, ["members_language"])
    finally:
        _run("DROP OWNED BY cop_test_writer", "DROP ROLE cop_test_writer")


def test_a_transaction_open_when_the_page_was_drawn_is_noted_when_it_commits(other_connection):
    with other_connection.cursor() as cursor:
        cursor.execute("TRUNCATE communities_thread CASCADE")
    before = page_cache.database_snapshot()  # the other transaction is in progress in it
    assert not _written(before)
    other_connection.commit()

    assert _written(before)


def test_a_rolled_back_write_is_not_noted():
    ThreadFactory()
    before = page_cache.database_snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        Thread.objects.update(title="Renamed")
        raise RuntimeError

    assert not _written(before)


def test_a_table_added_later_is_noted_after_migrate_and_no_page_is_kept_meanwhile():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE cop_test_added_later (id int)")
    try:
        assert table_writes.relations() is None
        assert not page_cache.can_keep()

        assert table_writes.triggers_install() == 1  # post_migrate
        assert table_writes.triggers_install() == 0
        table_writes.relations.cache_clear()
        assert "cop_test_added_later" in table_writes.relations().logged
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE cop_test_added_later")


def _notes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cop_table_write")
        return cursor.fetchone()[0]


def test_prune_deletes_only_notes_no_kept_page_can_need():
    ThreadFactory()
    drawn_before = page_cache.database_snapshot()
    table_writes.prune()  # records the line; deletes below the last one
    ThreadFactory()
    assert _written(drawn_before)

    table_writes.prune()  # deletes what was written before the first prune
    assert _notes() > 0  # the second thread's
    table_writes.prune()
    assert _notes() == 0

    assert _written(drawn_before)  # older than the line: counted as changed, its notes may be gone
    assert not _written(page_cache.database_snapshot())


def test_a_page_is_served_after_commits_that_wrote_none_of_its_tables_and_drawn_after_one_that_did():
    community = CommunityFactory(name="Digital Government")
    browser = Client()
    browser.force_login(member_of(community))
    url = community.get_absolute_url()
    drawn_under = page_cache.database_snapshot()
    browser.get(url)  # drawn and kept

    Language.objects.create(code="zz", name="Zed")  # committed at once (autocommit), and noted
    _run("INSERT INTO taggit_tag (name, slug) VALUES ('budget', 'budget')")
    assert _written(drawn_under, ["members_language"]) and _written(drawn_under, ["taggit_tag"])
    with CaptureQueriesContext(connection) as queries:
        served = browser.get(url)
    assert served["X-Page-Cache"] == "hit"
    assert len(queries) <= 5  # the snapshot, the session, the member, the write log and the unread count

    ThreadFactory(community=community, title="Procurement rules")  # committed at once (autocommit)
    drawn = browser.get(url)
    assert "X-Page-Cache" not in drawn
    assert "Procurement rules" in drawn.content.decode()


def test_beat_prunes_the_log_every_ten_minutes():
    from django.conf import settings

    from cop_platform.celery import app
    from cop_platform.tasks import prune_table_writes_task

    ThreadFactory()
    table_writes.prune()
    ThreadFactory()
    schedules = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == prune_table_writes_task.name
    ]

    assert [entry["schedule"] for entry in schedules] == [600]
    assert prune_table_writes_task.name in app.tasks
    assert prune_table_writes_task() > 0  # the first thread's notes
