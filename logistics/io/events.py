"""Reading events.csv (what happened to orders) against a network and an order book.

Validated like every input: every problem collected and raised as one InputError of
``file:row:column`` issues; a closed set of columns (others kept with a warning) and
event names; times ISO 8601, a time without an offset in the local time of the
event's ``site_id`` (the order's treatment centre when no site is given).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io.table import Col, Issues, csv_records, parse_records, read_text
from logistics.model.events import EVENT_KINDS, Event
from logistics.model.network import Network
from logistics.model.orders import OrderBook

__all__ = ["EVENT_COLUMNS", "read_events"]

log = logging.getLogger("logistics")

EVENT_COLUMNS = ("order_id", "event", "time", "site_id", "lane_id", "note")
SCHEMA = {
    "order_id": Col(p.ident, required=True),
    "event": Col(p.choice(*EVENT_KINDS), required=True),
    "time": Col(required=True),  # parsed in the site's (or the centre's) time zone
    "site_id": Col(p.ident),
    "lane_id": Col(),
    "note": Col(default=""),
}


def read_events(
    path: str | Path, network: Network, book: OrderBook, *, now: datetime | None = None
) -> tuple[tuple[Event, ...], str]:
    """The events of ``path`` in time order (file order on ties) and the file's
    SHA-256. Refuses unknown orders, sites and lanes, and (with ``now``) an event
    after ``now``. Raises InputError listing every issue."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Issue(str(path), None, None, "an events CSV file", "no such file")])
    issues = Issues()
    name = path.name
    text = read_text(path, issues)
    records = [] if text is None else csv_records(name, text, issues)
    rows = parse_records(name, records, SCHEMA, issues)
    orders = {o.order_id: o for o in book.orders}
    lanes = {lane.lane_id for lane in network.lanes}
    events = []
    for row in rows:
        v = row.values
        order = orders.get(v["order_id"]) if row.ok("order_id") else None
        if row.ok("order_id") and order is None:
            issues.add(name, row.row, "order_id", "an order of the order book", v["order_id"])
            row.bad.add("order_id")
        site = v.get("site_id")
        if row.ok("site_id") and site is not None and site not in network.sites:
            issues.add(name, row.row, "site_id", "a site of the network", site)
            row.bad.add("site_id")
        lane = v.get("lane_id")
        if lane is not None and lane not in lanes:
            issues.add(name, row.row, "lane_id", "a lane of the network", lane)
            row.bad.add("lane_id")
        if not row.ok("time"):
            continue
        tz = None
        if site is not None and row.ok("site_id"):
            tz = network.sites[site].timezone
        elif order is not None:
            tz = network.sites[order.treatment_centre].timezone
        if tz is None:
            continue  # the zone is unknown; the order or site issue says why
        raw = row.raw["time"]
        try:
            when = p.local_datetime(raw, tz)
        except ValueError as exc:
            issues.add(name, row.row, "time", str(exc), raw)
            row.bad.add("time")
            continue
        if now is not None and when > now:
            issues.add(name, row.row, "time", f"a time before the run ({now:%Y-%m-%dT%H:%MZ})", raw)
            row.bad.add("time")
        if row.bad:
            continue
        events.append(
            Event(
                order_id=v["order_id"],
                event=v["event"],
                time=when,
                site_id=site,
                lane_id=lane,
                note=v.get("note") or "",
            )
        )
    if issues.errors:  # in file order
        raise InputError(sorted(issues.errors, key=lambda i: i.row or 0))
    for message in issues.warnings:
        log.warning(message)
    digest = issues.hashes.get(name) or hashlib.sha256(b"").hexdigest()
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].time, pair[0]))
    return tuple(e for _, e in ordered), digest
