"""Property: across nights of random events (around the times the last plan expects
them) and lane closures, a committed order's
legs change only when an event or a disruption forced it, and every change is in
changes.csv with its reason."""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from store_helpers import NOW, run, tiny, write_events

from logistics.errors import InputError
from logistics.io.scenarios import read_scenario
from logistics.model.changes import route
from logistics.model.plan import PlannedOrder
from logistics.scenarios.transforms import apply

ORDER_IDS = ("P-0001", "P-0002", "P-0003")
KINDS = (
    "collected", "shipped", "received", "manufacturing_started", "released",
    "cancelled", "out_of_specification",
)  # fmt: skip
LANES = ("AIR-LHR-AMS", "AIR-AMS-LHR", "RD-MUC-LEI", "RD-LEI-MUC", "RD-LON-LHR")

event = st.tuples(st.sampled_from(ORDER_IDS), st.sampled_from(KINDS), st.integers(-2, 3))
closure = st.none() | st.tuples(st.sampled_from(LANES), st.integers(0, 30), st.integers(1, 72))
night = st.tuples(st.lists(event, max_size=2), closure)


def milestone(p: PlannedOrder, kind: str, now: datetime) -> datetime:
    """When the last plan expects event ``kind`` of order ``p`` (``now`` for the
    events no plan foresees, and for an unserved order)."""
    if not p.served:
        return now
    legs_in = p.inbound.legs if p.inbound else ()
    times = {
        "collected": p.apheresis_time,
        "shipped": legs_in[0].depart if legs_in else p.apheresis_time,
        "received": legs_in[-1].arrive if legs_in else p.manufacturing_start,
        "manufacturing_started": p.manufacturing_start,
        "released": p.release_time,
    }
    return times.get(kind) or now


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(nights=st.lists(night, min_size=1, max_size=2))
def test_committed_legs_change_only_when_forced(nights) -> None:
    """Each night after the first: an order booked the night before keeps its lanes
    and departures unless a fresh event of it or a broken commitment (a closed lane)
    explains the change in changes.csv; every row of changes.csv has a reason."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = f"sqlite:///{folder / 'plans.db'}"
        before = run(store, folder / "n0")
        lines: list[str] = []
        for i, (events, closed) in enumerate(nights, start=1):
            now = NOW + timedelta(hours=12 * i)
            planned = before.result.plan.by_id()
            for oid, kind, h in events:
                when = milestone(planned[oid], kind, now) + timedelta(hours=h)
                if when <= now:  # what has not happened yet is not an event
                    lines.append(f"{oid},{kind},{when:%Y-%m-%dT%H:%M:%SZ},,,")
            network = tiny()
            if closed is not None:
                lane, start_h, hours = closed
                start = NOW + timedelta(hours=start_h)
                path = folder / f"closed{i}.toml"
                path.write_text(
                    f'start = "{start:%Y-%m-%dT%H:%M:%SZ}"\n'
                    f'end = "{start + timedelta(hours=hours):%Y-%m-%dT%H:%M:%SZ}"\n'
                    f'[[disruption]]\nkind = "close_lanes"\nlanes = ["{lane}"]\n'
                )
                network, _ = apply(read_scenario(path, network), network, before.book)
            events_csv = write_events(folder / f"events{i}.csv", lines)
            try:
                after = run(store, folder / f"n{i}", now=now, network=network, events=events_csv)
            except InputError as exc:  # an event for an order no plan has served
                assert all("before it is" in issue.expected for issue in exc.issues)
                assume(False)
            with (folder / f"n{i}" / "changes.csv").open(encoding="utf-8") as fh:
                written = list(csv.DictReader(fh))
            assert written == [c.record() for c in after.changes]
            assert all(row["why"] for row in written)
            old, new = before.result.plan.by_id(), after.result.plan.by_id()
            why = {}
            for c in after.changes:
                why.setdefault(c.order_id, []).append(c)
            for order in before.book.orders:
                if not order.booked or order.order_id not in new:
                    continue
                was, now_p = old[order.order_id], new[order.order_id]
                if was.served and not now_p.served:  # dropped: its legs go with it
                    rows = [c for c in why.get(order.order_id, []) if c.change == "dropped"]
                    assert rows and all(
                        "event:" in c.why or "commitment not kept" in c.why for c in rows
                    ), rows
                    continue
                for field in ("inbound", "outbound"):
                    a, b = route(getattr(was, field)), route(getattr(now_p, field))
                    if a == b:
                        continue
                    rows = [c for c in why.get(order.order_id, []) if c.field == field]
                    assert rows, f"{order.order_id} {field} changed without a change row"
                    assert any("event:" in c.why or "commitment not kept" in c.why for c in rows), (
                        rows
                    )
            before = after
