"""SQL instrumentation for the scale benchmark (bench/scale.py): installed by bench/scale_settings.py.

Every database connection gets an execute wrapper (through the `connection_created` signal) that
- counts the statements of the current request and the time spent in them (per thread: gunicorn's gthread
  worker serves one request per thread at a time), which QueryCountMiddleware returns in `X-Queries` and
  `X-SQL-Ms` response headers;
- appends every statement slower than SLOW_SQL_MS to the JSON-lines file named by SCALE_SLOW_SQL_FILE, with the
  request path (or the benchmark phase, for work done in the benchmark's own process) and the SQL with its
  parameters filled in, so the benchmark can print it and EXPLAIN it again on an idle database.
"""

import json
import os
import threading
import time

from django.db.backends.signals import connection_created

SLOW_SQL_MS = float(os.environ.get("SCALE_SLOW_SQL_MS", "100"))
SLOW_SQL_FILE = os.environ.get("SCALE_SLOW_SQL_FILE", "")

_state = threading.local()
_write_lock = threading.Lock()


def set_label(label: str) -> None:
    """What the statements of this thread belong to from now on (a request path or a benchmark phase)."""
    _state.label = label


def reset_count() -> None:
    _state.queries = 0
    _state.sql_ms = 0.0


def query_count() -> int:
    return getattr(_state, "queries", 0)


def sql_milliseconds() -> float:
    """Time spent in SQL statements since the last reset_count (waiting for the database included)."""
    return getattr(_state, "sql_ms", 0.0)


def _record_slow(context, sql, params, milliseconds: float) -> None:
    if not SLOW_SQL_FILE:
        return
    try:  # the statement as the server received it, parameters filled in (psycopg keeps it on the cursor)
        full = (
            None
            if context.get("many")
            else context["connection"].ops.last_executed_query(context["cursor"], sql, params)
        )
    except Exception:  # noqa: BLE001 - the log is best effort: never break the request for it
        full = None
    if not full:
        full = sql if not params else f"{sql} -- params: {params!r}"
    line = json.dumps(
        {
            "ms": round(milliseconds, 1),
            "label": getattr(_state, "label", "?"),
            "pid": os.getpid(),
            "at": time.time(),
            "sql": full,
        }
    )
    with _write_lock, open(SLOW_SQL_FILE, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def execute_wrapper(execute, sql, params, many, context):
    _state.queries = getattr(_state, "queries", 0) + 1
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        milliseconds = (time.perf_counter() - started) * 1000
        _state.sql_ms = getattr(_state, "sql_ms", 0.0) + milliseconds
        if milliseconds >= SLOW_SQL_MS:
            _record_slow({**context, "many": many}, sql, params, milliseconds)


def install(sender, connection, **kwargs) -> None:
    if execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(execute_wrapper)


connection_created.connect(install, dispatch_uid="bench.scale_instrument.install")


class QueryCountMiddleware:
    """Outermost middleware: counts every statement of the request, session and user lookups included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset_count()
        set_label(request.get_full_path())
        response = self.get_response(request)
        response["X-Queries"] = str(query_count())
        response["X-SQL-Ms"] = f"{sql_milliseconds():.1f}"
        return response
