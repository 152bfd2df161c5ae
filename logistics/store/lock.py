"""The store's lock: one nightly run at a time, held by the database itself.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on the run's own
connection; the server drops it when that connection ends, so a killed run leaves no
stale lock. SQLite: the run's transaction starts with ``BEGIN IMMEDIATE``, which takes
the file's write lock up front and keeps it to the commit; a killed process's lock
goes with its file handle and its half-written transaction is rolled back from the
journal by the next opener. Either way a second run waits up to ``wait_s`` seconds,
then is refused with :class:`StoreBusy`; readers (``logistics history``) are not
blocked meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from logistics.store.engine import StoreBusy

LOCK_KEY = 0x41544D50  # "ATMP": the advisory lock id of the nightly run
POLL_S = 0.2
COMMIT_WAIT_MS = 60_000  # SQLite: how long the commit waits for readers of the file


@contextmanager
def locked(engine: Engine, wait_s: float = 0.0) -> Iterator[Connection]:
    """A connection inside one transaction that holds the store's lock; the
    transaction commits when the block ends normally and rolls back otherwise.
    Raises StoreBusy when another run keeps the lock for ``wait_s`` seconds."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            _advisory_lock(conn, wait_s)
            try:
                with conn.begin():
                    yield conn
            finally:
                if not conn.closed and not conn.invalidated:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                    conn.commit()
        return
    with engine.connect() as raw:
        conn = raw.execution_options(sqlite_immediate=True)
        try:
            transaction = conn.begin()
        except OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy(_busy(wait_s)) from None
            raise
        with transaction:
            # the lock is ours: the commit may now wait for readers to finish
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {COMMIT_WAIT_MS}")
            yield conn


def _advisory_lock(conn: Connection, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
        conn.commit()
        if got:
            return
        if time.monotonic() >= deadline:
            raise StoreBusy(_busy(wait_s))
        time.sleep(POLL_S)


def _busy(wait_s: float) -> str:
    return (
        f"another nightly run holds the store's lock (waited {wait_s:g} s); "
        "run again when it has finished, or give --wait SECONDS"
    )
