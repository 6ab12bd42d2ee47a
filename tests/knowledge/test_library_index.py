"""The library's default page is read off the partial index knowledge_published_order on PostgreSQL (migration
0003): newest published first, undated last, without sorting every published product."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from knowledge import selectors
from knowledge.models import KnowledgeProduct
from tests.factories import MemberFactory

from .factories import KnowledgeProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL-only index"),
]


def test_the_index_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_published_order'")
        (definition,) = cursor.fetchone()

    assert "(published_at DESC NULLS LAST, id DESC) WHERE ((status)::text = 'published'::text)" in definition


def test_the_default_page_uses_the_index():
    for number in range(30):
        KnowledgeProductFactory(
            title=f"Product {number}", published_at=timezone.now() - timezone.timedelta(days=number)
        )
    KnowledgeProductFactory(title="Draft", status=KnowledgeProduct.Status.DRAFT)
    _, products = selectors.library(user=MemberFactory(), params=QueryDict(""))

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE knowledge_knowledgeproduct")
        cursor.execute("SET LOCAL enable_seqscan = off")  # undone when the test's transaction rolls back
        cursor.execute("SET LOCAL enable_sort = off")
        plan = str(products[:20].explain())

    assert "knowledge_published_order" in plan
    assert [p.title for p in products[:3]] == ["Product 0", "Product 1", "Product 2"]
