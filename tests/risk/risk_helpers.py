"""Shared helpers of the risk tests: tiny bundle copies with edited cells, solving."""

from __future__ import annotations

import csv
import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import logistics as lg
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan
from logistics.solve import SolveParams, solve

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
PARAMS = SolveParams(workers=1, time_limit_s=10)


def edit_csv(path: Path, edit: Callable[[dict[str, str]], None]) -> None:
    """Rewrite a CSV file with ``edit`` applied to every row (a dict, changed in place)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or ())
        rows = list(reader)
    for row in rows:
        edit(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_therapy(path: Path, key: str, value: float) -> None:
    """Set ``key = value`` in the (single) therapy of a copied therapies.toml."""
    toml = path / "therapies.toml"
    text = toml.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{key}\s*=.*$", re.MULTILINE)
    line = f"{key} = {value}"
    text = pattern.sub(line, text) if pattern.search(text) else text.rstrip("\n") + f"\n{line}\n"
    toml.write_text(text, encoding="utf-8")


def deterministic_copy(tmp: Path, name: str = "det") -> Path:
    """tests/data/tiny copied to ``tmp/name`` with no uncertainty left: p90 = median on
    every lane and customs rule, hold_cv 0 (and no network.toml: no cancellations)."""
    folder = tmp / name
    shutil.copytree(TINY, folder)

    def lanes(row: dict[str, str]) -> None:
        row["duration_p90_h"] = row["duration_h"]

    def customs(row: dict[str, str]) -> None:
        row["clearance_p90_h"] = row["clearance_median_h"]

    edit_csv(folder / "lanes.csv", lanes)
    edit_csv(folder / "customs.csv", customs)
    set_therapy(folder, "hold_cv", 0)
    return folder


def bundle(folder: Path) -> tuple[Network, OrderBook]:
    """The network of a bundle folder and its orders.csv."""
    net = lg.read_network(folder)
    return net, lg.read_orders(folder / "orders.csv", net)


def plan_of(net: Network, book: OrderBook) -> Plan:
    """A solved plan (one worker, deterministic)."""
    result = solve(net, book, PARAMS)
    assert result.plan is not None, result.status
    return result.plan


def with_lane(net: Network, lane_id: str, **changes) -> Network:
    """``net`` with one lane changed by ``dataclasses.replace``."""
    lanes = tuple(
        dataclasses.replace(lane, **changes) if lane.lane_id == lane_id else lane
        for lane in net.lanes
    )
    assert lanes != net.lanes, lane_id
    return dataclasses.replace(net, lanes=lanes)


def transit_h(plan: Plan, order_id: str) -> float:
    """Planned hours from apheresis to manufacturing start of one order."""
    po = plan.by_id()[order_id]
    assert po.manufacturing_start is not None and po.apheresis_time is not None
    return (po.manufacturing_start - po.apheresis_time).total_seconds() / 3600
