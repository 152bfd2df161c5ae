"""Shared by the store tests: the tiny bundle, a fast nightly run, store dumps."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select

from logistics.io import read_network, read_orders
from logistics.model.network import Network
from logistics.nightly import NightlyRun, nightly
from logistics.solve.params import SolveParams
from logistics.store import make_engine
from logistics.store.schema import metadata

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
ORDERS = TINY / "orders.csv"
# P-0001 and P-0002 are planned for apheresis on 11 December: inside 48 h of this.
NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
FAST = SolveParams(time_limit_s=2.0, seed=0, workers=1)


@cache
def tiny() -> Network:
    return read_network(TINY)


def run(
    store: str,
    out: Path,
    *,
    now: datetime = NOW,
    network: Network | None = None,
    events: Path | None = None,
    orders: Path = ORDERS,
    wait_s: float = 0.0,
) -> NightlyRun:
    """One nightly run on the tiny bundle with short limits."""
    net = network or tiny()
    return nightly(
        net,
        read_orders(orders, net),
        store=store,
        out=out,
        now=now,
        events=events,
        params=FAST,
        engine="highs",
        samples=10,
        fallbacks=0,
        wait_s=wait_s,
    )


def dump(store: str) -> dict[str, list[tuple]]:
    """Every row of every table of the store, sorted: to compare stores exactly."""
    db = make_engine(store)
    try:
        with db.connect() as conn:
            return {
                t.name: sorted((tuple(str(v) for v in r) for r in conn.execute(select(t))), key=str)
                for t in metadata.sorted_tables
            }
    finally:
        db.dispose()


def write_events(path: Path, rows: list[str]) -> Path:
    path.write_text("order_id,event,time,site_id,lane_id,note\n" + "".join(r + "\n" for r in rows))
    return path
