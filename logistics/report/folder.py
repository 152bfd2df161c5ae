"""What a plan report reads: the plan folder's files and the network it was made on."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logistics.errors import InputError, Issue
from logistics.io.plan import ORDERS_FILE, read_plan
from logistics.model.network import Network
from logistics.model.plan import Plan

__all__ = ["FALLBACKS_FILE", "PlanFolder", "read_fallback_hours", "read_plan_folder"]

FALLBACKS_FILE = "fallbacks.csv"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFolder:
    """A plan folder as the report reads it: the plan, summary.json, and Plan B's
    hours per (order id, direction) from fallbacks.csv (None: no fallbacks.csv, so
    Plan B was not computed), with the network for names, zones and coordinates."""

    plan: Plan
    summary: Mapping[str, Any]
    network: Network = field(repr=False)
    fallback_hours: Mapping[tuple[str, str], tuple[float, ...]] | None = None
    folder: Path | None = None


def read_fallback_hours(path: Path) -> dict[tuple[str, str], tuple[float, ...]]:
    """The hours of each fallback (Plan B, C, ...) per (order id, direction) of a
    fallbacks.csv, in fallback order; a malformed file is an InputError."""
    found: dict[tuple[str, str], dict[int, float]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row_no, row in enumerate(csv.DictReader(fh), start=2):
            if not row.get("fallback"):
                continue  # a shipment without a Plan B (its note says why)
            try:
                key = (row["order_id"], row["direction"])
                k, hours = int(row["fallback"]), float(row["hours"])
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    [Issue(path.name, row_no, "hours", "a fallbacks.csv row", str(row))]
                ) from None
            if not math.isfinite(hours):
                raise InputError([Issue(path.name, row_no, "hours", "hours", row["hours"])])
            found.setdefault(key, {})[k] = hours
    return {key: tuple(v for _, v in sorted(ks.items())) for key, ks in found.items()}


def read_plan_folder(folder: str | Path, network: Network, *, verify: bool = True) -> PlanFolder:
    """Read the plan folder ``folder`` (as ``logistics plan`` writes it) for a report
    on ``network``; raises InputError for a folder that does not read, or whose plan
    names a site the network does not have (the plan was made on another network).
    ``verify`` as for :func:`logistics.io.plan.read_plan`."""
    from logistics.io.geojson import plan_sites

    path = Path(folder)
    plan, summary = read_plan(path, verify=verify)
    unknown = [s for s in plan_sites(plan) if s not in network.sites]
    if unknown:
        where = network.source or "the network"
        raise InputError(
            [
                Issue(ORDERS_FILE, None, None, f"sites of {where} (give --network)", s)
                for s in unknown[:20]
            ]
        )
    fallbacks = path / FALLBACKS_FILE
    hours = read_fallback_hours(fallbacks) if fallbacks.is_file() else None
    return PlanFolder(
        plan=plan, summary=summary, network=network, fallback_hours=hours, folder=path
    )
