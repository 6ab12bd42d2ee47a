"""Queries written to SQL once per process and then run for each viewer, the viewer's pk their only change.

Building a queryset and compiling it to SQL costs Django 0.3–3 ms of CPU, every time, however small the query:
more than the database takes to answer the few asked on every page (the unread notifications in the header,
may this member see indicators, the rule for content shared with communities). For those, the SQL is written
once, with a placeholder where the viewer's pk goes, and each request puts the pk in its parameters.

The placeholder is a number no pk ever is; `compiled_for_viewer` checks that it appears exactly as often as
the caller says, and records where, so that each request replaces those parameters and no other.
"""

from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql import Query

VIEWER = -7_919_317  # stands for the viewer's pk in a compiled query's parameters: never a pk
_PLAIN = (str, int, float, type(None))  # parameters that mean the same in every request (no dates, no lists)


class Compiled(NamedTuple):
    sql: str
    params: tuple
    viewer_at: tuple[int, ...]  # where the viewer's pk goes among the parameters


def compiled_for_viewer(query: QuerySet | Query, *, times: int = 1) -> Compiled:
    """The query's SQL and parameters, built with VIEWER for the viewer's pk, which must be `times` of the
    parameters (RuntimeError otherwise, or when a parameter is not a plain string or number, a list say).
    Nothing else in the query may depend on the request (a date, the language): it is fixed at the first one.
    Compiled for the default database (the project has one)."""
    sql, params = getattr(query, "query", query).sql_with_params()
    viewer_at = tuple(n for n, value in enumerate(params) if type(value) is int and value == VIEWER)
    if len(viewer_at) != times or str(VIEWER) in sql:
        raise RuntimeError(f"the viewer's pk must be {times} of the parameters, and no other value like it")
    if not all(isinstance(value, _PLAIN) for value in params):
        raise RuntimeError(f"a compiled query takes plain strings and numbers only: {params!r}")
    return Compiled(sql, tuple(params), viewer_at)


def for_viewer(compiled: Compiled, pk: int) -> tuple[str, list]:
    """The compiled query's SQL and parameters for the viewer whose pk is `pk`."""
    params = list(compiled.params)
    for position in compiled.viewer_at:
        params[position] = pk
    return compiled.sql, params


def fetch_value(compiled: Compiled, pk: int):
    """The first column of the first row the compiled query gives for viewer `pk` (None for no row)."""
    with connection.cursor() as cursor:
        cursor.execute(*for_viewer(compiled, pk))
        row = cursor.fetchone()
    return row[0] if row else None
