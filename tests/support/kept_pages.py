"""What cop_platform.page_cache reads of PostgreSQL (the snapshot and the table write log), played by hand so that
tests of the page cache run on SQLite too, and inside a test's transaction on PostgreSQL."""

from django.db import connection

from cop_platform import page_cache, table_writes


class FakeDatabase:
    """Commits are told (commit): `value` is the snapshot, "xmax:xmax:" with every earlier transaction visible."""

    def __init__(self):
        self.xmax = 100
        self.commits: list[tuple[int, set[str] | None]] = []

    @property
    def value(self) -> str:
        return f"{self.xmax}:{self.xmax}:"

    def commit(self, *tables: str) -> None:
        """A transaction that wrote `tables` (every table when none is named) commits."""
        self.commits.append((self.xmax, set(tables) or None))
        self.xmax += 1

    def written_since(self, snapshot: str, tables) -> bool:
        since = int(snapshot.split(":")[1])
        return any(xid >= since and (wrote is None or wrote & set(tables)) for xid, wrote in self.commits)


def fake_database(monkeypatch) -> FakeDatabase:
    database = FakeDatabase()
    monkeypatch.setattr(page_cache, "can_keep", lambda: True)
    monkeypatch.setattr(page_cache, "database_snapshot", lambda: database.value)
    monkeypatch.setattr(page_cache, "written_since", database.written_since)
    # The tables a page reads, as on PostgreSQL: every table has its writes noted.
    known = table_writes.Relations(frozenset(connection.introspection.table_names()), frozenset(), frozenset())
    monkeypatch.setattr(table_writes, "relations", lambda: known)
    return database
