"""Reading a page in a test: its HTML, or what it costs in queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client, url) -> int:
    """The queries of a second visit to `url`: what the first one reads and the process then keeps (content types,
    the header's permissions) is not the page's own cost."""
    page(client, url)
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)
