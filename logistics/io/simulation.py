"""One plan's Monte Carlo as files: risk.csv, and ``p_breach`` set in the plan folder.

Written by ``logistics simulate``: :func:`write_risk` replaces the plan folder by one
with the per-order ``risk.csv`` (columns :data:`RISK_COLUMNS`) and the simulation
recorded in its orders.csv and summary.json.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.io.folders import updated_folder
from logistics.io.plan import ORDER_COLUMNS, ORDERS_FILE, SUMMARY_FILE, json_safe
from logistics.io.rows import hours, rounded, write_csv
from logistics.model.network import Network
from logistics.model.plan import Plan

if TYPE_CHECKING:  # the type only: io does not import the simulation
    from logistics.risk import SimulationResult

__all__ = ["RISK_COLUMNS", "RISK_FILE", "risk_rows", "write_risk"]

RISK_FILE = "risk.csv"
RISK_COLUMNS = (
    "order_id",
    "therapy",
    "treatment_centre",
    "status",
    "manufacturing_site",
    "v2v_h",
    "p_breach",
    "p_inbound",
    "p_hold",
    "p_late",
    "p_dropout",
    "v2v_median_h",
    "v2v_p90_h",
)


def risk_rows(plan: Plan, sim: SimulationResult) -> list[dict[str, Any]]:
    """One row per order of ``plan`` (columns: RISK_COLUMNS); unserved orders have
    no simulated values."""
    risk = sim.by_id()
    rows = []
    for p in plan.orders:
        r = risk.get(p.order_id)
        rows.append(
            {
                "order_id": p.order_id,
                "therapy": p.therapy,
                "treatment_centre": p.treatment_centre,
                "status": p.status,
                "manufacturing_site": p.manufacturing_site or "",
                "v2v_h": rounded(p.v2v_h, 3),
                "p_breach": rounded(r.p_breach, 4) if r else None,
                "p_inbound": rounded(r.p_inbound, 4) if r else None,
                "p_hold": rounded(r.p_hold, 4) if r else None,
                "p_late": rounded(r.p_late, 4) if r else None,
                "p_dropout": rounded(r.p_dropout, 4) if r else None,
                "v2v_median_h": hours(r.v2v_median_h) if r else None,
                "v2v_p90_h": hours(r.v2v_p90_h) if r else None,
            }
        )
    return rows


def write_risk(
    plan_dir: str | Path,
    plan: Plan,
    sim: SimulationResult,
    *,
    inputs: Iterable[str | Path | None] = (),
    manifest: str | None = None,
    network: Network | None = None,
) -> Path:
    """Replace the plan folder ``plan_dir`` (of ``plan``) by one with ``risk.csv``
    and the simulation ``sim`` recorded, and return the path of risk.csv. With the
    ``network`` the plan was made on, its timeline.csv, sites.geojson and report.html
    are rebuilt too (they show ``p_breach``).

    orders.csv gets each simulated order's ``p_breach`` (4 decimals) and keeps every
    other cell, column and row as it was; summary.json gets ``kpis.expected_breaches``
    (the sum of those p_breach) and ``stats.risk``, the simulation's plan-level
    figures; the other files are kept. The new folder is staged and put in place
    whole with a fresh manifest (:func:`logistics.io.folders.updated_folder`), so the
    folder is never half updated.

    Raises InputError when the folder does not match its manifest, when ``manifest``
    (the SHA-256 of the manifest.json the plan was read with,
    :func:`logistics.io.manifest.manifest_sha256`) shows that another run replaced the
    folder meanwhile, or when ``plan_dir`` holds one of ``inputs``.
    """
    folder = Path(plan_dir)
    drop = (ORDERS_FILE, SUMMARY_FILE, RISK_FILE)
    with updated_folder(folder, drop=drop, inputs=inputs, manifest=manifest) as staging:
        path = write_csv(staging / RISK_FILE, RISK_COLUMNS, risk_rows(plan, sim))
        total = _write_orders(folder / ORDERS_FILE, staging / ORDERS_FILE, sim)
        summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        if isinstance(summary.get("kpis"), dict) and summary["kpis"]:
            summary["kpis"]["expected_breaches"] = round(total, 4)
        summary.setdefault("stats", {})["risk"] = sim.kpis()
        text = json.dumps(json_safe(summary), indent=2, allow_nan=False)
        (staging / SUMMARY_FILE).write_text(text + "\n", encoding="utf-8")
        if network is not None:
            from logistics.report.extras import write_plan_extras  # plotly only here

            write_plan_extras(staging, network)
    return folder / path.name


def _write_orders(source: Path, target: Path, sim: SimulationResult) -> float:
    """Copy orders.csv with each simulated served order's p_breach set; returns their
    sum (of the 4-decimal values written)."""
    risk = sim.by_id()
    with source.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    header = table[0] if table else list(ORDER_COLUMNS)
    if "p_breach" not in header:
        header.append("p_breach")
    at = {name: header.index(name) for name in ("order_id", "status", "p_breach")}
    total = 0.0
    for row in table[1:]:
        row.extend([""] * (len(header) - len(row)))
        r = risk.get(row[at["order_id"]])
        if r is not None and row[at["status"]] != "unserved":
            row[at["p_breach"]] = f"{r.p_breach:.4f}"
            total += round(r.p_breach, 4)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(table[1:])
    return total
