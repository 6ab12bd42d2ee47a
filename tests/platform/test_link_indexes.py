"""The sharing rule's subquery "linked to a private community" reads the link tables by community
(events 0003, knowledge 0004): the index leads with the community and holds the event or product."""

import pytest
from django.db import connection

from events.models import Event
from knowledge.models import KnowledgeProduct


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "name", "columns"),
    [
        (Event, "event_links_by_community", ["community_id", "event_id"]),
        (KnowledgeProduct, "product_links_by_community", ["community_id", "knowledgeproduct_id"]),
    ],
)
def test_the_link_table_has_the_index_by_community(model, name, columns):
    table = model.communities.through._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)

    assert constraints[name]["index"] and constraints[name]["columns"] == columns
