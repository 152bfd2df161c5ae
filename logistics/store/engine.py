"""Store URLs and engines: SQLite files (the default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from logistics.errors import InputError, Issue

STORE_FILE = "plans.db"
URL_EXPECTED = "a store URL: sqlite:///path/plans.db or postgresql+psycopg://user:pw@host/db"


class StoreBusy(Exception):
    """Another nightly run holds the store's lock."""


def default_store_url(plans_dir: str | Path) -> str:
    """The default store: ``plans.db`` in the folder that holds the plan folders."""
    return f"sqlite:///{Path(plans_dir).resolve() / STORE_FILE}"


def make_engine(url: str, *, wait_s: float = 0.0) -> Engine:
    """An engine for the store at ``url`` without a connection pool (a closed
    connection is gone, so a PostgreSQL session lock never outlives its run).

    SQLite: the driver's own transaction handling is off and SQLAlchemy emits the
    BEGIN (``BEGIN IMMEDIATE`` on a connection with the execution option
    ``sqlite_immediate``), waiting up to ``wait_s`` for a busy file; the folder of the
    file is created. Raises InputError for a URL that is not SQLite or PostgreSQL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError([Issue("command line", None, "--store", URL_EXPECTED, url)]) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, poolclass=NullPool, connect_args={"timeout": max(wait_s, 0.05)}
        )
        _sqlite_transactions(engine)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, poolclass=NullPool)
    raise InputError([Issue("command line", None, "--store", URL_EXPECTED, url)])


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, begin transactions, so that DDL is transactional
    and a run can take the write lock up front with BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
