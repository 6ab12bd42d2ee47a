"""Queries written to SQL once per process and then run for each viewer, the viewer's pk their only change.

Building a queryset and compiling it to SQL costs Django 0.3–3 ms of CPU, every time, however small the query:
more than the database takes to answer the few asked on every page (the unread notifications in the header,
may this member see indicators, the rule for content shared with communities). For those, the SQL is written
once, with a placeholder where the viewer's pk goes, and each request puts the pk in its parameters.

The placeholder is a number no pk ever is; `compiled_for_viewer` checks that it appears exactly as often as
the caller says, so that a value that happens to equal it cannot be taken for it unnoticed.
"""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql import Query

VIEWER = -7_919_317  # stands for the viewer's pk in a compiled query's parameters: never a pk


def compiled_for_viewer(query: QuerySet | Query, *, times: int = 1) -> tuple[str, tuple]:
    """The query's SQL and parameters, built with VIEWER for the viewer's pk, which must appear `times` times
    among the parameters (RuntimeError otherwise). Compiled for the default database (the project has one)."""
    sql, params = getattr(query, "query", query).sql_with_params()
    if list(params).count(VIEWER) != times:
        raise RuntimeError(f"the viewer's pk must be {times} of the parameters, and no other value like it")
    return sql, tuple(params)


def for_viewer(compiled: tuple[str, tuple], pk: int) -> tuple[str, list]:
    """The compiled query's SQL and parameters for the viewer whose pk is `pk`."""
    sql, params = compiled
    return sql, [pk if value == VIEWER else value for value in params]


def fetch_value(compiled: tuple[str, tuple], pk: int):
    """The first column of the first row the compiled query gives for viewer `pk` (None for no row)."""
    with connection.cursor() as cursor:
        cursor.execute(*for_viewer(compiled, pk))
        row = cursor.fetchone()
    return row[0] if row else None
