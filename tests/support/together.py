"""Two requests at once (a double click, two tabs, two coordinators): each call in its own thread, all released at
the same moment. The races need real concurrent transactions and row locks: PostgreSQL."""

import threading

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks and concurrent transactions (PostgreSQL)"
)


def together(*calls, timeout: float = 30) -> list:
    """Each call's result, or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 (returned: the caller's assertions report it)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results


def posted_twice_at_once(user, url: str, data: dict) -> list:
    """The same form sent by `user` from two clients at once (a double click, two tabs): each response's status."""
    from django.test import Client

    clients = [Client(), Client()]
    for each in clients:
        each.force_login(user)
    return together(*(lambda each=each: each.post(url, data).status_code for each in clients))
