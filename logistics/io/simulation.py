"""One plan's Monte Carlo as files: risk.csv, and ``p_breach`` set in the plan folder.

Written by ``logistics simulate``: :func:`write_risk` writes the plan's per-order
``risk.csv`` (columns :data:`RISK_COLUMNS`) and records the simulation in its
orders.csv and summary.json.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.io.plan import ORDER_COLUMNS, ORDERS_FILE, SUMMARY_FILE, json_safe
from logistics.io.rows import hours, rounded, write_csv
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


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file (never half a file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_risk(plan_dir: str | Path, plan: Plan, sim: SimulationResult) -> Path:
    """Write ``risk.csv`` into the plan folder ``plan_dir`` (of ``plan``) and record
    the simulation ``sim`` in it.

    orders.csv gets each simulated order's ``p_breach`` (4 decimals) and keeps every
    other cell, column and row as it was; summary.json gets ``kpis.expected_breaches``
    (the sum of those p_breach) and ``stats.risk``, the simulation's plan-level
    figures. Returns the path of risk.csv.
    """
    folder = Path(plan_dir)
    path = write_csv(folder / RISK_FILE, RISK_COLUMNS, risk_rows(plan, sim))
    risk = sim.by_id()
    orders_path = folder / ORDERS_FILE
    with orders_path.open(encoding="utf-8-sig", newline="") as fh:
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(table[1:])
    _replace_file(orders_path, buffer.getvalue())
    summary_path = folder / SUMMARY_FILE
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if isinstance(summary.get("kpis"), dict) and summary["kpis"]:
        summary["kpis"]["expected_breaches"] = round(total, 4)
    summary.setdefault("stats", {})["risk"] = sim.kpis()
    text = json.dumps(json_safe(summary), indent=2, allow_nan=False)
    _replace_file(summary_path, text + "\n")
    return path
