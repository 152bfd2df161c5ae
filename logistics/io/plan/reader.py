"""Reading a plan folder back, every problem collected into one InputError."""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path
from typing import Any

from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io.manifest import verify_folder
from logistics.io.plan.cells import plan_time, probability, seq
from logistics.io.plan.layout import (
    DIRECTIONS,
    LEGS_FILE,
    ORDERS_FILE,
    SCHEDULE_COLUMNS,
    SUMMARY_FILE,
)
from logistics.io.table import Col, Issues, Row, check_unique, read_csv, read_text
from logistics.model.constants import MODES, TEMPERATURES
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.plan import PLAN_STATUSES, Plan, PlannedOrder

log = logging.getLogger("logistics")

ORDERS_SCHEMA = {
    "order_id": Col(p.ident, required=True),
    "therapy": Col(p.ident, required=True),
    "treatment_centre": Col(p.ident, required=True),
    "status": Col(p.choice(*PLAN_STATUSES), required=True),
    "apheresis_time": Col(plan_time),
    "manufacturing_site": Col(p.ident),
    "manufacturing_start": Col(plan_time),
    "manufacturing_end": Col(plan_time),
    "release_time": Col(plan_time),
    "delivery_time": Col(plan_time),
    "lymphodepletion_start": Col(plan_time),
    "infusion_time": Col(plan_time),
    "v2v_h": Col(partial(p.number, minimum=None)),
    "apheresis_to_delivery_h": Col(partial(p.number, minimum=None)),
    "cost_eur": Col(p.number, default=0.0),
    "p_breach": Col(probability),
    "reason": Col(default=""),
}

LEGS_SCHEMA = {
    "order_id": Col(p.ident, required=True),
    "direction": Col(p.choice(*DIRECTIONS), required=True),
    "seq": Col(seq, required=True),
    "lane_id": Col(required=True),  # generated legs are named road:A>B
    "carrier": Col(required=True),
    "mode": Col(p.choice(*MODES), required=True),
    "from_site": Col(p.ident, required=True),
    "to_site": Col(p.ident, required=True),
    "depart": Col(plan_time, required=True),
    "arrive": Col(plan_time, required=True),
    "temperature": Col(p.choice(*TEMPERATURES), required=True),
    "customs_from": Col(p.ident),
    "customs_to": Col(p.ident),
    "customs_h": Col(p.number, default=0.0),
    "cost_eur": Col(p.number, default=0.0),
    "wait_h": Col(p.number, default=0.0),
}


def read_plan(plan_dir: str | Path, *, verify: bool = True) -> tuple[Plan, dict[str, Any]]:
    """Read a plan folder back: the Plan (itineraries rebuilt from legs.csv) and the
    content of summary.json.

    ``plan_dir`` is a folder written by ``write_plan``. Its files are first checked
    (unless ``verify`` is False: a folder being staged, before its manifest exists)
    against its manifest.json (:func:`logistics.io.manifest.verify_folder`): a
    missing manifest, a missing, truncated or edited file, or a file it does not
    list raises InputError naming the file. Then every problem in the three
    files is collected and raised as one InputError whose issues name the file, the
    row (header = 1) and the column. Unknown extra columns are logged as warnings and
    ignored. An order without legs in a direction has no
    itinerary for it (``None``).
    """
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise InputError([Issue(str(folder), None, None, "a plan folder", "no such folder")])
    if verify:
        verify_folder(folder)
    issues = Issues()
    for name in (ORDERS_FILE, LEGS_FILE, SUMMARY_FILE):
        if not (folder / name).is_file():
            issues.add(name, None, None, f"a file {name} in {folder}", "no such file")

    order_rows: list[Row] = []
    orders_read = False
    if (folder / ORDERS_FILE).is_file():
        before = len(issues.errors)
        order_rows = read_csv(folder / ORDERS_FILE, ORDERS_SCHEMA, issues)
        orders_read = bool(order_rows) or len(issues.errors) == before
        check_unique(ORDERS_FILE, order_rows, "order_id", issues)
    leg_rows_: list[Row] = []
    if (folder / LEGS_FILE).is_file():
        leg_rows_ = read_csv(folder / LEGS_FILE, LEGS_SCHEMA, issues)
    summary: dict[str, Any] = {}
    if (folder / SUMMARY_FILE).is_file():
        summary = _read_summary(folder / SUMMARY_FILE, issues)

    _check_schedule_columns(order_rows, issues)
    heads = _order_heads(order_rows)
    itineraries = _itineraries(leg_rows_, heads, orders_read, issues)

    orders: list[PlannedOrder] = []
    for row in order_rows:
        if row.bad:
            continue
        v = row.values
        orders.append(
            PlannedOrder(
                order_id=v["order_id"],
                therapy=v["therapy"],
                treatment_centre=v["treatment_centre"],
                status=v["status"],
                apheresis_time=v["apheresis_time"],
                manufacturing_site=v["manufacturing_site"],
                manufacturing_start=v["manufacturing_start"],
                manufacturing_end=v["manufacturing_end"],
                release_time=v["release_time"],
                delivery_time=v["delivery_time"],
                lymphodepletion_start=v["lymphodepletion_start"],
                infusion_time=v["infusion_time"],
                cost_eur=v["cost_eur"],
                p_breach=v["p_breach"],
                reason=v["reason"],
                inbound=itineraries.get((v["order_id"], "inbound")),
                outbound=itineraries.get((v["order_id"], "outbound")),
            )
        )
    if issues.errors:
        raise InputError(issues.errors)
    for message in issues.warnings:
        log.warning(message)
    return Plan(orders=tuple(orders)), summary


def _read_summary(path: Path, issues: Issues) -> dict[str, Any]:
    text = read_text(path, issues)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.add(path.name, exc.lineno, None, "a JSON object", exc.msg)
        return {}
    if not isinstance(data, dict):
        issues.add(path.name, 1, None, "a JSON object", type(data).__name__)
        return {}
    return data


def _check_schedule_columns(rows: list[Row], issues: Issues) -> None:
    """A served order needs its whole schedule (a missing column is reported once)."""
    header = rows[0].raw.keys() if rows else ()
    missing = [c for c in SCHEDULE_COLUMNS if rows and c not in header]
    for column in missing:
        issues.add(ORDERS_FILE, 1, column, f"a column '{column}'", "no such column")
    for row in rows:
        status = row.values.get("status")
        if not row.ok("status") or status is None or status == "unserved":
            continue
        for column in SCHEDULE_COLUMNS:
            if column in missing or not row.ok(column) or row.values.get(column) is not None:
                continue
            issues.add(ORDERS_FILE, row.row, column, f"a value (status is {status})", "")
            row.bad.add(column)
        if missing:
            row.bad.update(missing)


def _order_heads(rows: list[Row]) -> dict[str, Row]:
    """The first row of each order id (repeats are already reported)."""
    heads: dict[str, Row] = {}
    for row in rows:
        if row.ok("order_id"):
            heads.setdefault(row.values["order_id"], row)
    return heads


def _itineraries(
    rows: list[Row], heads: dict[str, Row], orders_read: bool, issues: Issues
) -> dict[tuple[str, str], Itinerary]:
    """Legs grouped by order and direction, numbered 1..n, chained into itineraries.

    ``orders_read`` is false when orders.csv could not be read at all: legs are then
    not reported again as naming unknown orders.
    """
    groups: dict[tuple[str, str], list[Row]] = {}
    legs: dict[int, Leg] = {}  # by row number, for rows without problems
    for row in rows:
        v = row.values
        if row.ok("arrive", "depart") and v["arrive"] < v["depart"]:
            issues.add(LEGS_FILE, row.row, "arrive", "a time on or after depart", row.raw["arrive"])
            row.bad.add("arrive")
        if row.ok("order_id") and v["order_id"] not in heads and orders_read:
            issues.add(LEGS_FILE, row.row, "order_id", "an order_id of orders.csv", v["order_id"])
            row.bad.add("order_id")
        if row.ok("order_id", "direction", "seq"):
            groups.setdefault((v["order_id"], v["direction"]), []).append(row)
        if row.bad:
            continue
        legs[row.row] = Leg(
            lane_id=v["lane_id"],
            carrier=v["carrier"],
            mode=v["mode"],
            from_site=v["from_site"],
            to_site=v["to_site"],
            depart=v["depart"],
            arrive=v["arrive"],
            temperature=v["temperature"],
            customs_from=v["customs_from"],
            customs_to=v["customs_to"],
            customs_h=v["customs_h"],
            cost_eur=v["cost_eur"],
            wait_open_h=v["wait_h"],
        )

    itineraries: dict[tuple[str, str], Itinerary] = {}
    for (order_id, direction), members in groups.items():
        members.sort(key=lambda row: row.values["seq"])
        ok = _numbered(order_id, direction, members, issues)
        head = heads.get(order_id)
        if head is None or head.bad:
            continue  # the order's own row is reported
        o = head.values
        ready_column = "apheresis_time" if direction == "inbound" else "release_time"
        for column in (ready_column, "manufacturing_site"):
            if o.get(column) is None:
                issues.add(
                    LEGS_FILE,
                    members[0].row,
                    "direction",
                    f"{direction} legs only for an order with a {column} "
                    f"(orders.csv row {head.row} has none)",
                    direction,
                )
                ok = False
        if not ok or any(row.bad for row in members):
            continue
        centre, plant = o["treatment_centre"], o["manufacturing_site"]
        chain = tuple(legs[row.row] for row in members)
        itineraries[(order_id, direction)] = Itinerary(
            origin=centre if direction == "inbound" else plant,
            destination=plant if direction == "inbound" else centre,
            ready=o[ready_column],
            temperature=chain[0].temperature,
            legs=chain,
        )
    return itineraries


def _numbered(order_id: str, direction: str, rows: list[Row], issues: Issues) -> bool:
    """Check that legs sorted by seq are numbered 1, 2, ... once each."""
    ok = True
    gap = False
    first: dict[int, int] = {}
    for row in rows:
        seq = row.values["seq"]
        if seq in first:
            issues.add(
                LEGS_FILE,
                row.row,
                "seq",
                f"a seq used once for the {direction} legs of {order_id} "
                f"(already on row {first[seq]})",
                str(seq),
            )
            ok = False
            continue
        expected = len(first) + 1
        first[seq] = row.row
        if seq != expected and not gap:  # one gap report per itinerary is enough
            issues.add(
                LEGS_FILE,
                row.row,
                "seq",
                f"the {direction} legs of {order_id} numbered 1, 2, ... without a "
                f"gap ({expected} here)",
                str(seq),
            )
            ok = False
            gap = True
    return ok
