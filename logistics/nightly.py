"""The nightly run on the live book: last night's plan from the store, what happened
since (events), commitments kept to the leg, a re-solve with stability, the changes,
one atomic plan folder and one store transaction.

Safe under faults: the whole run holds the store's lock (``logistics.store.lock``)
inside one transaction that commits last, after the plan folder was written to a
temporary folder and renamed into place. A run killed at any moment leaves the store
as it was (the transaction rolls back) and its folder absent, or complete but not
recorded; the next run replaces such an unrecorded folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue, SolveError
from logistics.io.changes import CHANGES_FILE, write_changes
from logistics.io.events import read_events
from logistics.io.folders import check_out, output_folder
from logistics.io.nightly import write_plan_files
from logistics.io.write_orders import write_orders
from logistics.model.changes import Change, counts, diff, stamp
from logistics.model.commitments import BookedLeg, Commitment
from logistics.model.constants import OrderStatus
from logistics.model.events import Event, EventKind
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlannedOrder
from logistics.pipeline import NightlyPlan
from logistics.pipeline import plan as nightly_plan
from logistics.solve.candidates.booked import broken_commitments, reopened
from logistics.solve.params import Engine, SolveParams
from logistics.store import locked, make_engine, upgrade
from logistics.store.runs import StoredRun, event_key, last_run, record_run, run_dirs, stored_events

__all__ = ["NightlyRun", "effective_book", "nightly", "nightly_settings", "verify_folder"]

log = logging.getLogger("logistics")

BOOK_FILE = "book.csv"  # the order book as planned tonight (events and commitments in)
META_FILE = "nightly.json"
# How far along the chain each status is; cancelled is final.
RANK = {
    OrderStatus.NEW: 0,
    OrderStatus.COMMITTED: 1,
    OrderStatus.COLLECTED: 2,
    OrderStatus.MANUFACTURING: 3,
    OrderStatus.SHIPPED: 4,
    OrderStatus.INFUSED: 5,
}
# The status an event puts an order in (at least).
EVENT_STATUS = {
    EventKind.COLLECTED: OrderStatus.COLLECTED,
    EventKind.SHIPPED: OrderStatus.COLLECTED,
    EventKind.RECEIVED: OrderStatus.COLLECTED,
    EventKind.MANUFACTURING_STARTED: OrderStatus.MANUFACTURING,
    EventKind.RELEASED: OrderStatus.MANUFACTURING,
    EventKind.DISPATCHED: OrderStatus.SHIPPED,
    EventKind.DELIVERED: OrderStatus.SHIPPED,
    EventKind.INFUSED: OrderStatus.INFUSED,
}


def nightly_settings(path: str | Path | None = None) -> dict[str, Any]:
    """The ``[nightly]`` table of config/nightly.toml (``path``: another file)."""
    source = Path(path) if path else embedded_path("logistics._config", "nightly.toml")
    if not source.is_file():  # a source checkout run beside another installed copy
        source = Path(__file__).resolve().parents[1] / "config" / "nightly.toml"
    with source.open("rb") as fh:
        return dict(tomllib.load(fh).get("nightly", {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class NightlyRun:
    """One recorded nightly run: its id, folder, plan, changes and their counts."""

    run_id: int
    folder: Path
    result: NightlyPlan
    changes: tuple[Change, ...]
    counts: Mapping[str, int]
    book: OrderBook  # the book as planned: events and commitments taken in

    def summary(self) -> str:
        """ "N patients unchanged, M moved, K new, J dropped", or "no changes"."""
        if not self.changes:
            return "no changes"
        c = self.counts
        return (
            f"{c['unchanged']} patients unchanged, {c['moved']} moved, "
            f"{c['new']} new, {c['dropped']} dropped"
        )


def effective_book(
    book: OrderBook,
    last: StoredRun | None,
    events: Sequence[Event],
    fresh: Sequence[Event],
    now: datetime,
    freeze_h: float,
) -> tuple[OrderBook, dict[str, Commitment], dict[str, str]]:
    """Tonight's book: each order at the furthest of its own status, last night's and
    its events'; committed when last night's plan puts its apheresis or a shipment
    within ``freeze_h`` hours of ``now``. Returns the book, the commitments of its
    booked orders (last night's legs where the booking matches) and, per order, why
    tonight may change it (the ``fresh`` events taken in)."""
    prev = last.plan.by_id() if last else {}
    states = last.states if last else {}
    booked_before = last.committed if last else {}
    by_order: dict[str, list[Event]] = {}
    for e in events:
        by_order.setdefault(e.order_id, []).append(e)
    fresh_keys = {event_key(e) for e in fresh}
    orders, commitments, whys = [], {}, {}
    issues = []
    for o in book.orders:
        status, site, aph = o.status, o.committed_site, o.committed_apheresis
        p = prev.get(o.order_id)
        stored = states.get(o.order_id)
        if stored is not None and stored != OrderStatus.CANCELLED:
            stored_status = OrderStatus(stored)
            if status != OrderStatus.CANCELLED and RANK[stored_status] > RANK[status]:
                status = stored_status
                site, aph = booked_before.get(o.order_id, (site, aph))
        if status == OrderStatus.NEW and p is not None and p.served and _within(p, now, freeze_h):
            status, site, aph = OrderStatus.COMMITTED, p.manufacturing_site, p.apheresis_time
        start = release = None
        reasons = []
        for e in sorted(by_order.get(o.order_id, ()), key=lambda e: e.time):
            if event_key(e) in fresh_keys:
                note = f" ({e.note})" if e.note else ""
                reasons.append(f"event: {e.event} at {stamp(e.time)}{note}")
            if status == OrderStatus.CANCELLED:
                continue
            if e.event == EventKind.CANCELLED:
                status = OrderStatus.CANCELLED
            elif e.event == EventKind.OUT_OF_SPECIFICATION:
                status, site, aph, start, release = OrderStatus.NEW, None, None, None, None
            else:
                target = EVENT_STATUS[e.event]
                if RANK[target] > RANK[status]:
                    status = target
                if site is None and p is not None and p.served:
                    site, aph = p.manufacturing_site, aph or p.apheresis_time
                if e.event == EventKind.COLLECTED:
                    aph = e.time
                elif e.event == EventKind.MANUFACTURING_STARTED:
                    start = e.time
                elif e.event == EventKind.RELEASED:
                    release = e.time
                if site is None or aph is None:
                    unplanned = f"an order planned or booked before it is {e.event}"
                    issues.append(Issue("events.csv", None, "order_id", unplanned, o.order_id))
                    break
        if reasons:
            whys[o.order_id] = "; ".join(reasons)
        if issues and issues[-1].got == o.order_id:
            continue
        if status == OrderStatus.NEW:
            site = aph = None
            # an open order's apheresis cannot be planned before tonight
            first = min(max(o.apheresis_earliest, now), o.apheresis_latest)
            o = replace(o, apheresis_earliest=first)
        orders.append(replace(o, status=status, committed_site=site, committed_apheresis=aph))
        if status in (OrderStatus.NEW, OrderStatus.CANCELLED) or site is None or aph is None:
            continue
        same = p is not None and p.served and p.manufacturing_site == site
        commitments[o.order_id] = Commitment(
            order_id=o.order_id,
            site=site,
            apheresis=aph,
            manufacturing_start=start or (p.manufacturing_start if same and p else None),
            release=release,
            inbound=_legs(p.inbound) if same and p else (),
            outbound=_legs(p.outbound) if same and p else (),
        )
    if issues:
        raise InputError(issues)
    return replace(book, orders=tuple(orders)), commitments, whys


def _legs(it) -> tuple[BookedLeg, ...]:
    return tuple(BookedLeg(lane_id=leg.lane_id, depart=leg.depart) for leg in it.legs) if it else ()


def _within(p: PlannedOrder, now: datetime, hours: float) -> bool:
    """Whether the plan row's apheresis or a shipment departs within ``hours`` of ``now``."""
    end = now + timedelta(hours=hours)
    times = [p.apheresis_time] + [
        leg.depart for it in (p.inbound, p.outbound) if it for leg in it.legs
    ]
    return any(t is not None and now <= t <= end for t in times)


def _reopen(
    book: OrderBook,
    commitments: dict[str, Commitment],
    whys: dict[str, str],
    broken: Mapping[str, str],
) -> OrderBook:
    """Orders whose booked legs no longer run: a committed order (not yet collected) is
    planned again as new (:func:`reopened`); a collected one keeps site and apheresis
    and is re-routed. Their commitments and reasons follow."""
    for o in book.orders:
        why = broken.get(o.order_id)
        if why is None:
            continue
        if o.status == OrderStatus.COMMITTED:
            text = f"commitment not kept: {why}; re-planned"
            commitments.pop(o.order_id, None)
        else:
            text = f"commitment not kept: {why}; re-routed from the booking"
        whys[o.order_id] = "; ".join(filter(None, (whys.get(o.order_id), text)))
    return reopened(book, broken)


def verify_folder(run: StoredRun) -> None:
    """Refuse (InputError) a previous plan folder whose files were edited, truncated or
    removed since its run recorded them; a folder removed as a whole is only logged."""
    folder = Path(run.plan_dir)
    if not folder.is_dir():
        log.warning("the plan folder of run %s (%s) is gone", run.run_id, folder)
        return
    issues = []
    for name, digest in sorted(run.files.items()):
        path = folder / name
        expected = f"the file as nightly run {run.run_id} wrote it (SHA-256 {digest[:12]}...)"
        if not path.is_file():
            issues.append(Issue(str(path), None, None, expected, "no such file"))
        elif _sha256(path) != digest:
            issues.append(Issue(str(path), None, None, expected, "a truncated or edited file"))
    if issues:
        raise InputError(issues)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_nightly_folder(
    result: NightlyPlan,
    changes: Sequence[Change],
    book: OrderBook,
    network: Network,
    folder: Path,
    meta: Mapping[str, Any],
) -> dict[str, str]:
    """Write the nightly plan folder into the staged ``folder``: the plan files,
    changes.csv, the book as planned and nightly.json. Returns file name -> SHA-256
    (the manifest is added when the folder is put in place)."""
    write_plan_files(result, folder, network)
    write_changes(changes, folder / CHANGES_FILE)
    write_orders(book, network, folder / BOOK_FILE)
    (folder / META_FILE).write_text(json.dumps(dict(meta), indent=2) + "\n", encoding="utf-8")
    return {path.name: _sha256(path) for path in sorted(folder.iterdir()) if path.is_file()}


def nightly(
    network: Network,
    book: OrderBook,
    *,
    store: str,
    out: str | Path,
    now: datetime,
    events: str | Path | None = None,
    freeze_h: float | None = None,
    params: SolveParams | None = None,
    engine: Engine | str = Engine.AUTO,
    samples: int | None = None,
    fallbacks: int | None = None,
    wait_s: float | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> NightlyRun:
    """Run the nightly job on the live ``book`` and record it in the store at ``store``.

    Loads the last run, refuses its folder when edited, takes in ``events`` (an
    events.csv; events already in the store are not taken twice), commits orders
    within ``freeze_h`` hours of ``now``, keeps commitments to the leg (re-planning
    those an event or a disruption broke), solves with stability against last night,
    writes ``out`` atomically with changes.csv and records the run in one transaction.
    Defaults come from config/nightly.toml. Raises InputError for bad input (an
    ``out`` folder of a recorded run included), StoreBusy when another run holds the
    lock, SolveError when the solve finds no plan (nothing is written or recorded).
    """
    settings = nightly_settings()
    freeze_h = settings.get("freeze_hours", 48.0) if freeze_h is None else freeze_h
    samples = settings.get("samples", 200) if samples is None else samples
    fallbacks = settings.get("fallbacks", 1) if fallbacks is None else fallbacks
    wait_s = settings.get("wait_s", 0.0) if wait_s is None else wait_s
    params = params or SolveParams()
    now = now.astimezone(UTC)
    out = Path(out).resolve()
    started = datetime.now(UTC)
    say = progress or (lambda _m, _f: None)
    new_events: tuple[Event, ...] = ()
    events_hash = ""
    if events is not None:
        new_events, events_hash = read_events(events, network, book, now=now)
    check_out(out, (network.source, book.source, events))  # before any work
    db = make_engine(store, wait_s=wait_s)
    try:
        with locked(db, wait_s) as conn:
            say("reading the store", 0.0)
            upgrade(conn)
            last = last_run(conn)
            if last is not None:
                verify_folder(last)
            if str(out) in run_dirs(conn):
                raise InputError(
                    [
                        Issue(
                            "command line",
                            None,
                            "--out",
                            "a folder no recorded nightly run wrote",
                            str(out),
                        )
                    ]
                )
            seen = {event_key(e) for e in stored_events(conn)}
            fresh = []
            for e in new_events:
                if event_key(e) not in seen:
                    seen.add(event_key(e))
                    fresh.append(e)
            history = stored_events(conn) + fresh
            tonight, commitments, whys = effective_book(book, last, history, fresh, now, freeze_h)
            broken = broken_commitments(network, tonight, commitments, params.quantile)
            tonight = _reopen(tonight, commitments, whys, broken)
            tonight = replace(tonight, source=str(out / BOOK_FILE))
            previous = last.plan if last else None
            result = nightly_plan(
                network,
                tonight,
                params,
                previous=previous,
                engine=engine,
                samples=samples,
                fallbacks=fallbacks,
                progress=progress,
                commitments=commitments,
            )
            planned = result.plan
            if planned is None:
                raise SolveError(
                    f"no plan: solver status {result.result.status} "
                    f"({result.result.termination}); nothing written or recorded"
                )
            changes = diff(previous, planned, whys)
            tally = counts(planned, changes)
            run_id = (last.run_id if last else 0) + 1
            inputs = dict(result.result.input_hashes)
            if events is not None:
                inputs["events"] = events_hash
            meta = {
                "run_id": run_id,
                "now": stamp(now),
                "freeze_hours": freeze_h,
                "previous_run": last.run_id if last else None,
                "inputs": inputs,
            }
            say("writing the plan folder", 1.0)
            read = (network.source, book.source, events)
            with output_folder(out, inputs=read) as staged:
                files = write_nightly_folder(result, changes, tonight, network, staged, meta)
                recorded = record_run(
                    conn,
                    started=started,
                    finished=datetime.now(UTC),
                    now=now,
                    plan_dir=str(out),
                    status=str(result.result.status),
                    inputs=inputs,
                    params={**result.result.params, "freeze_hours": freeze_h},
                    kpis=_kpis(planned),
                    files=files,
                    plan=planned,
                    book=tonight,
                    new_events=fresh,
                    changes=[c.record() for c in changes],
                    counts=tally,
                )
                assert recorded == run_id
            # the folder is in place (complete, with its manifest): now commit the run
            say("committing the store", 1.0)
    finally:
        db.dispose()
    return NightlyRun(
        run_id=run_id, folder=out, result=result, changes=changes, counts=tally, book=tonight
    )


def _kpis(plan: Plan) -> dict[str, Any]:
    from logistics.io.plan.cells import json_safe

    return dict(json_safe(plan.kpis().to_dict()))
