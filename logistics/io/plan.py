"""Plan outputs: writing a solve's plan folder and reading it back.

A plan folder holds ``orders.csv``, ``legs.csv``, ``summary.json`` and
``routes.geojson`` (see docs/data-contract.md, "Plan outputs"). Times are UTC with a
``Z`` to the second. Euros have 2 decimals, and leg hours as few digits as needed,
but never fewer than it takes to read the same float back; so
``read_plan(write_plan(...))`` gives a plan equal to the written one when its times
are whole seconds and ``p_breach`` has at most 4 decimals. ``v2v_h`` is derived from
the times and not read back.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io.legs import LEG_COLUMNS, leg_rows, utc_text
from logistics.io.table import Col, Issues, Row, check_unique, read_csv, read_text
from logistics.model.constants import MODES, TEMPERATURES
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.network import Network
from logistics.model.plan import PLAN_STATUSES, Plan, PlannedOrder

if TYPE_CHECKING:  # the solver package (OR-Tools) is not needed to write or read a plan
    from logistics.solve.result import SolveResult

log = logging.getLogger("logistics")

ORDERS_FILE = "orders.csv"
LEGS_FILE = "legs.csv"
SUMMARY_FILE = "summary.json"
ROUTES_FILE = "routes.geojson"

ORDER_COLUMNS = (
    "order_id",
    "therapy",
    "treatment_centre",
    "status",
    "apheresis_time",
    "manufacturing_site",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
    "v2v_h",
    "cost_eur",
    "p_breach",
    "reason",
)
PLAN_LEG_COLUMNS = ("order_id", "direction", *LEG_COLUMNS, "cost_eur", "wait_h")
DIRECTIONS = ("inbound", "outbound")

# Columns of a served order's schedule: filled unless the order is unserved.
_SCHEDULE = (
    "apheresis_time",
    "manufacturing_site",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
)


# ---------------------------------------------------------------------------- writing


def write_plan(result: SolveResult, out_dir: str | Path, network: Network) -> Path:
    """Write the plan folder of ``result`` to ``out_dir`` and return the folder.

    The folder is created (with its parents) when needed; files already there are
    replaced. Without a plan (``result.plan is None``) orders.csv and legs.csv hold
    only their headers, summary.json is written and no routes.geojson is left behind.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    plan = result.plan
    orders = plan.orders if plan is not None else ()
    _write_csv(folder / ORDERS_FILE, ORDER_COLUMNS, (_order_row(o) for o in orders))
    _write_csv(folder / LEGS_FILE, PLAN_LEG_COLUMNS, _leg_rows(orders))
    summary = json.dumps(json_safe(result.summary()), indent=2, allow_nan=False)
    (folder / SUMMARY_FILE).write_text(summary + "\n", encoding="utf-8")
    routes = folder / ROUTES_FILE
    if plan is None:
        routes.unlink(missing_ok=True)  # a stale map of an earlier run would mislead
    else:
        from logistics.io.geojson import write_routes  # geopandas only when writing

        write_routes(plan, network, routes)
    return folder


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Mapping[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _order_row(o: PlannedOrder) -> dict[str, str]:
    v2v = o.v2v_h
    return {
        "order_id": o.order_id,
        "therapy": o.therapy,
        "treatment_centre": o.treatment_centre,
        "status": o.status,
        "apheresis_time": _time(o.apheresis_time),
        "manufacturing_site": o.manufacturing_site or "",
        "manufacturing_start": _time(o.manufacturing_start),
        "manufacturing_end": _time(o.manufacturing_end),
        "release_time": _time(o.release_time),
        "delivery_time": _time(o.delivery_time),
        "v2v_h": "" if v2v is None else f"{v2v:.3f}",
        "cost_eur": money_text(o.cost_eur),
        "p_breach": "" if o.p_breach is None else f"{o.p_breach:.4f}",
        "reason": o.reason,
    }


def _leg_rows(orders: Iterable[PlannedOrder]) -> Iterable[dict[str, str]]:
    for o in orders:
        for direction, itinerary in (("inbound", o.inbound), ("outbound", o.outbound)):
            if itinerary is None:
                continue
            for leg, common in zip(itinerary.legs, leg_rows(itinerary), strict=True):
                yield {
                    "order_id": o.order_id,
                    "direction": direction,
                    **common,
                    "customs_h": exact_text(leg.customs_h),
                    "cost_eur": money_text(leg.cost_eur),
                    "wait_h": exact_text(leg.wait_open_h),
                }


def _time(t: datetime | None) -> str:
    return "" if t is None else utc_text(t)


def exact_text(x: float) -> str:
    """The shortest plain decimal (no exponent) that reads back as the same float:
    ``2.0`` -> ``2``, ``0.25`` -> ``0.25``, ``1e-05`` -> ``0.00001``."""
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    text = format(Decimal(repr(x)), "f")
    return text.removesuffix(".0")


def money_text(x: float) -> str:
    """Euros with 2 decimals, or more digits when cents alone would not read back as
    the same float (a sum of costs with binary noise)."""
    text = f"{x:.2f}"
    return text if float(text) == x else exact_text(x)


def json_safe(value: Any) -> Any:
    """``value`` with only JSON types: inf and nan become null, times UTC text, tuples
    and sets lists, mapping keys text, numpy scalars Python numbers."""
    if isinstance(value, Enum):
        return json_safe(value.value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        return utc_text(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [json_safe(v) for v in items]
    if isinstance(value, Path):
        return str(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return json_safe(item())
        except (TypeError, ValueError):
            pass
    return str(value)


# ---------------------------------------------------------------------------- reading


def plan_time(text: str) -> datetime:
    """An ISO 8601 datetime with a ``Z`` or an offset, returned in UTC."""
    expected = "an ISO 8601 UTC time with Z or an offset, such as 2026-12-08T13:00:00Z"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(expected) from None
    if value.tzinfo is None or len(text) <= 10:
        raise ValueError(expected)
    return value.astimezone(UTC)


def _probability(text: str) -> float:
    value = p.number(text)
    if value > 1:
        raise ValueError("a probability from 0 to 1")
    return value


def _seq(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError("a leg number 1, 2, ... in travel order")
    return int(text)


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
    "v2v_h": Col(partial(p.number, minimum=None)),
    "cost_eur": Col(p.number, default=0.0),
    "p_breach": Col(_probability),
    "reason": Col(default=""),
}

LEGS_SCHEMA = {
    "order_id": Col(p.ident, required=True),
    "direction": Col(p.choice(*DIRECTIONS), required=True),
    "seq": Col(_seq, required=True),
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


def read_plan(plan_dir: str | Path) -> tuple[Plan, dict[str, Any]]:
    """Read a plan folder back: the Plan (itineraries rebuilt from legs.csv) and the
    content of summary.json.

    ``plan_dir`` is a folder written by ``write_plan``. Every problem in the three
    files is collected and raised as one InputError whose issues name the file, the
    row (header = 1) and the column. Unknown extra columns are logged as warnings and
    ignored. An order without legs in a direction has no
    itinerary for it (``None``).
    """
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise InputError([Issue(str(folder), None, None, "a plan folder", "no such folder")])
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
    missing = [c for c in _SCHEDULE if rows and c not in header]
    for column in missing:
        issues.add(ORDERS_FILE, 1, column, f"a column '{column}'", "no such column")
    for row in rows:
        status = row.values.get("status")
        if not row.ok("status") or status is None or status == "unserved":
            continue
        for column in _SCHEDULE:
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
