"""A thread page's ids are read in page order off the index post_thread_page_order (migration 0011), the
posts themselves not visited nor sorted: the last page of a long thread read every one of its posts."""

import importlib

import pytest
from django.db import connection

from communities import selectors
from cop_platform.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

from .factories import PostFactory, ThreadFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan"),
]


def test_a_pages_ids_come_off_the_index_in_order_without_a_sort():
    thread = ThreadFactory()
    PostFactory.create_batch(30, thread=thread)
    ids = selectors.thread_posts(thread=thread).values_list("pk", flat=True)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_post")
        cursor.execute("SET LOCAL enable_seqscan = off")  # undone when the test's transaction rolls back
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        plan = ids[20:40].explain()

    assert "post_thread_page_order" in plan and "Sort" not in plan
    in_order = sorted(thread.posts.values_list("created_at", "pk"))
    assert list(ids[20:40]) == [pk for _created, pk in in_order[20:40]]


def test_the_migration_builds_and_drops_concurrently_so_posts_stay_writable():
    """(sqlmigrate prints CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY; it cannot run inside a test's
    transaction.)"""
    migration = importlib.import_module("communities.migrations.0011_post_thread_page_order").Migration

    assert migration.atomic is False
    assert [type(operation) for operation in migration.operations] == [AddIndexConcurrently, RemoveIndexConcurrently]
