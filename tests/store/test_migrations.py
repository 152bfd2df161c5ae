"""The store's schema: Alembic migrations from nothing and from the first revision."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, text

from logistics.store import locked, make_engine, upgrade
from logistics.store.migrate import HEAD, current
from logistics.store.schema import metadata, run_changes, runs


def test_upgrade_head_on_empty_database_matches_schema(store_url: str) -> None:
    """`upgrade head` on an empty database builds exactly the tables schema.py declares
    (no difference for Alembic's autogenerate) and records the head revision."""
    db = make_engine(store_url)
    with locked(db) as conn:
        assert current(conn) is None
        upgrade(conn)
    with db.connect() as conn:
        assert current(conn) == HEAD
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    db.dispose()


def test_upgrade_from_first_revision_keeps_runs(store_url: str) -> None:
    """A store created by revision 0001 with a run in it upgrades to head: the run is
    kept, the counts added by 0002 read 0, and changes can be recorded."""
    db = make_engine(store_url)
    with locked(db) as conn:
        upgrade(conn, "0001")
        conn.execute(
            text(
                "INSERT INTO runs (run_id, started_at, finished_at, now, plan_dir, status, "
                "inputs, params, kpis, files, served, unserved) VALUES (1, 'a', 'b', "
                "'2026-12-06T20:00:00Z', '/p', 'OPTIMAL', '{}', '{}', '{}', '{}', 7, 2)"
            )
        )
    with db.connect() as conn:
        assert current(conn) == "0001"
        assert "run_changes" not in inspect(conn).get_table_names()
    with locked(db) as conn:
        upgrade(conn)
        conn.execute(
            insert(run_changes).values(
                run_id=1, seq=1, order_id="P-1", change="new", field="status",
                before="", after="scheduled", why="new in the order book",
            )
        )  # fmt: skip
    with db.connect() as conn:
        row = conn.execute(select(runs)).mappings().one()
        assert (row["served"], row["unserved"], row["moved"], row["new"]) == (7, 2, 0, 0)
        assert conn.execute(select(func.count()).select_from(run_changes)).scalar() == 1
        assert current(conn) == HEAD
    db.dispose()


def test_failed_transaction_leaves_store_as_it_was(store_url: str) -> None:
    """A run that fails inside the locked transaction (after its inserts) leaves no
    trace: the transaction commits last or not at all."""
    db = make_engine(store_url)
    with locked(db) as conn:
        upgrade(conn)
    try:
        with locked(db) as conn:
            conn.execute(
                text(
                    "INSERT INTO runs (run_id, started_at, finished_at, now, plan_dir, "
                    "status, inputs, params, kpis, files, served, unserved) VALUES (1, 'a', "
                    "'b', 'c', '/p', 'OPTIMAL', '{}', '{}', '{}', '{}', 1, 0)"
                )
            )
            raise RuntimeError("killed")
    except RuntimeError:
        pass
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar() == 0
    db.dispose()
