"""Recording nightly runs in the store and reading them back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from logistics.io.plan.cells import plan_time, time_text
from logistics.model.events import Event
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlannedOrder
from logistics.store.schema import events, run_changes, run_legs, run_orders, runs

DIRECTIONS = ("inbound", "outbound")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRun:
    """A recorded run: its row, the plan it made and each order's status that night."""

    run_id: int
    now: datetime
    plan_dir: str
    files: Mapping[str, str]
    plan: Plan
    states: Mapping[str, str]  # order id -> status (new, committed, collected, ...)
    committed: Mapping[str, tuple[str | None, datetime | None]]  # booked site, apheresis


def _t(text: str | None) -> datetime | None:
    return plan_time(text) if text else None


def last_run(conn: Connection) -> StoredRun | None:
    """The latest recorded run, None for an empty store."""
    run_id = conn.execute(select(func.max(runs.c.run_id))).scalar()
    return None if run_id is None else load_run(conn, run_id)


def load_run(conn: Connection, run_id: int) -> StoredRun:
    """Run ``run_id`` with its plan rebuilt from the stored orders and legs."""
    row = conn.execute(select(runs).where(runs.c.run_id == run_id)).mappings().one()
    legs: dict[tuple[str, str], list[Leg]] = {}
    for leg in conn.execute(
        select(run_legs)
        .where(run_legs.c.run_id == run_id)
        .order_by(run_legs.c.order_id, run_legs.c.direction, run_legs.c.seq)
    ).mappings():
        legs.setdefault((leg["order_id"], leg["direction"]), []).append(
            Leg(
                lane_id=leg["lane_id"],
                carrier=leg["carrier"],
                mode=leg["mode"],
                from_site=leg["from_site"],
                to_site=leg["to_site"],
                depart=plan_time(leg["depart"]),
                arrive=plan_time(leg["arrive"]),
                temperature=leg["temperature"],
                customs_from=leg["customs_from"],
                customs_to=leg["customs_to"],
                customs_h=leg["customs_h"],
                cost_eur=leg["cost_eur"],
                wait_open_h=leg["wait_h"],
            )
        )
    orders, states, committed = [], {}, {}
    for o in conn.execute(
        select(run_orders).where(run_orders.c.run_id == run_id).order_by(run_orders.c.seq)
    ).mappings():
        states[o["order_id"]] = o["state"]
        committed[o["order_id"]] = (o["committed_site"], _t(o["committed_apheresis"]))
        inbound = outbound = None
        if o["plan_status"] != "unserved":
            inbound = _itinerary(
                legs.get((o["order_id"], "inbound"), []),
                o["treatment_centre"],
                _t(o["apheresis_time"]),
            )
            outbound = _itinerary(
                legs.get((o["order_id"], "outbound"), []),
                o["manufacturing_site"],
                _t(o["release_time"]),
            )
        orders.append(
            PlannedOrder(
                order_id=o["order_id"],
                therapy=o["therapy"],
                treatment_centre=o["treatment_centre"],
                status=o["plan_status"],
                apheresis_time=_t(o["apheresis_time"]),
                manufacturing_site=o["manufacturing_site"],
                manufacturing_start=_t(o["manufacturing_start"]),
                manufacturing_end=_t(o["manufacturing_end"]),
                release_time=_t(o["release_time"]),
                delivery_time=_t(o["delivery_time"]),
                lymphodepletion_start=_t(o["lymphodepletion_start"]),
                infusion_time=_t(o["infusion_time"]),
                cost_eur=o["cost_eur"],
                p_breach=o["p_breach"],
                reason=o["reason"],
                inbound=inbound,
                outbound=outbound,
            )
        )
    return StoredRun(
        run_id=run_id,
        now=plan_time(row["now"]),
        plan_dir=row["plan_dir"],
        files=dict(row["files"]),
        plan=Plan(orders=tuple(orders)),
        states=states,
        committed=committed,
    )


def _itinerary(legs: list[Leg], origin: str, ready: datetime | None) -> Itinerary | None:
    if ready is None:
        return None
    return Itinerary(
        origin=origin,
        destination=legs[-1].to_site if legs else origin,
        ready=ready,
        temperature=legs[0].temperature if legs else "",
        legs=tuple(legs),
    )


def stored_events(conn: Connection) -> list[Event]:
    """Every event taken in so far, in the order recorded."""
    return [
        Event(
            order_id=e["order_id"],
            event=e["event"],
            time=plan_time(e["time"]),
            site_id=e["site_id"],
            lane_id=e["lane_id"],
            note=e["note"],
        )
        for e in conn.execute(select(events).order_by(events.c.event_id)).mappings()
    ]


def event_key(e: Event) -> tuple[str, str, str]:
    """What makes two events the same: order, event and time (to the second)."""
    return (e.order_id, str(e.event), time_text(e.time))


def record_run(
    conn: Connection,
    *,
    started: datetime,
    finished: datetime,
    now: datetime,
    plan_dir: str,
    status: str,
    inputs: Mapping[str, str],
    params: Mapping[str, Any],
    kpis: Mapping[str, Any],
    files: Mapping[str, str],
    plan: Plan,
    book: OrderBook,
    new_events: Sequence[Event],
    changes: Iterable[Mapping[str, str]],
    counts: Mapping[str, int],
) -> int:
    """Insert one run with its orders, legs, new events and changes (in the caller's
    transaction); returns its run id."""
    kp = plan.kpis()
    run_id = (conn.execute(select(func.max(runs.c.run_id))).scalar() or 0) + 1
    conn.execute(
        insert(runs).values(
            run_id=run_id,  # dense under the lock: a rolled-back run leaves no gap
            started_at=time_text(started),
            finished_at=time_text(finished),
            now=time_text(now),
            plan_dir=plan_dir,
            status=status,
            inputs=dict(inputs),
            params=dict(params),
            kpis=dict(kpis),
            files=dict(files),
            served=kp.served,
            unserved=kp.unserved,
            **{k: counts.get(k, 0) for k in ("unchanged", "moved", "new", "dropped")},
        )
    )
    by_id = {o.order_id: o for o in book.orders}
    order_rows, leg_rows = [], []
    for seq, p in enumerate(plan.orders):
        order = by_id[p.order_id]
        order_rows.append(
            {
                "run_id": run_id,
                "order_id": p.order_id,
                "seq": seq,
                "state": str(order.status),
                "plan_status": str(p.status),
                "therapy": p.therapy,
                "treatment_centre": p.treatment_centre,
                "committed_site": order.committed_site,
                "committed_apheresis": time_text(order.committed_apheresis) or None,
                "manufacturing_site": p.manufacturing_site,
                "apheresis_time": time_text(p.apheresis_time) or None,
                "manufacturing_start": time_text(p.manufacturing_start) or None,
                "manufacturing_end": time_text(p.manufacturing_end) or None,
                "release_time": time_text(p.release_time) or None,
                "delivery_time": time_text(p.delivery_time) or None,
                "lymphodepletion_start": time_text(p.lymphodepletion_start) or None,
                "infusion_time": time_text(p.infusion_time) or None,
                "cost_eur": p.cost_eur,
                "p_breach": p.p_breach,
                "reason": p.reason,
            }
        )
        for direction, it in zip(DIRECTIONS, (p.inbound, p.outbound), strict=True):
            for i, leg in enumerate(it.legs if it else (), start=1):
                leg_rows.append(
                    {
                        "run_id": run_id,
                        "order_id": p.order_id,
                        "direction": direction,
                        "seq": i,
                        "lane_id": leg.lane_id,
                        "carrier": leg.carrier,
                        "mode": str(leg.mode),
                        "from_site": leg.from_site,
                        "to_site": leg.to_site,
                        "depart": time_text(leg.depart),
                        "arrive": time_text(leg.arrive),
                        "temperature": str(leg.temperature),
                        "customs_from": leg.customs_from,
                        "customs_to": leg.customs_to,
                        "customs_h": leg.customs_h,
                        "cost_eur": leg.cost_eur,
                        "wait_h": leg.wait_open_h,
                    }
                )
    if order_rows:
        conn.execute(insert(run_orders), order_rows)
    if leg_rows:
        conn.execute(insert(run_legs), leg_rows)
    event_rows = [
        {
            "run_id": run_id,
            "order_id": e.order_id,
            "event": str(e.event),
            "time": time_text(e.time),
            "site_id": e.site_id,
            "lane_id": e.lane_id,
            "note": e.note,
        }
        for e in new_events
    ]
    if event_rows:
        conn.execute(insert(events), event_rows)
    change_rows = [{"run_id": run_id, "seq": i, **c} for i, c in enumerate(changes, start=1)]
    if change_rows:
        conn.execute(insert(run_changes), change_rows)
    return int(run_id)


def list_runs(conn: Connection) -> list[dict[str, Any]]:
    """Every run's row, oldest first."""
    return [dict(r) for r in conn.execute(select(runs).order_by(runs.c.run_id)).mappings()]


def run_dirs(conn: Connection) -> set[str]:
    """The plan folders of every recorded run."""
    return {r for (r,) in conn.execute(select(runs.c.plan_dir))}


def order_history(conn: Connection, order_id: str) -> list[dict[str, Any]]:
    """The order's row in every run that planned it, with the run's time, oldest
    first, and the events of it taken in by each run (``events``: a list)."""
    rows = conn.execute(
        select(run_orders, runs.c.now, runs.c.plan_dir)
        .join(runs, runs.c.run_id == run_orders.c.run_id)
        .where(run_orders.c.order_id == order_id)
        .order_by(run_orders.c.run_id)
    ).mappings()
    out = [dict(r) | {"events": []} for r in rows]
    by_run = {r["run_id"]: r for r in out}
    for e in conn.execute(
        select(events).where(events.c.order_id == order_id).order_by(events.c.event_id)
    ).mappings():
        if e["run_id"] in by_run:
            by_run[e["run_id"]]["events"].append(dict(e))
    changes = conn.execute(
        select(run_changes)
        .where(run_changes.c.order_id == order_id)
        .order_by(run_changes.c.run_id, run_changes.c.seq)
    ).mappings()
    for c in changes:
        if c["run_id"] in by_run:
            by_run[c["run_id"]].setdefault("changes", []).append(dict(c))
    return out
