"""The tables of a sweep, and the files it writes.

``comparison.csv``: one row per scenario, the baseline first. The KPI columns describe
the re-planned outcome (the disrupted inputs solved again and simulated); the
``impact_`` columns tonight's plan kept as it is under the disruption, simulated on the
disrupted network. In the impact, orders a scenario adds are unserved, and so are
orders whose manufacturing, apheresis or shipper capacity the scenario cuts
(``impact_orders_displaced``). v2v figures are the simulated ones (over every served
order and sample); ``cost_eur`` is the plan's transport cost. ``wall_s`` is the only
column that varies between two runs of the same sweep.

``impact.csv``: one row per scenario (not the baseline) and order of its book: what
tonight's plan becomes for that patient, and what the re-plan gives instead.

``plans/<slug>/``: the re-planned plan folder of each scenario (``plans/baseline/`` is
tonight's), written by :func:`logistics.io.plan.write_plan` with ``p_breach`` from the
simulation; summary.json's ``settings`` name the scenario and ``stats.risk``
holds the simulation's figures.

``sweep.json``: the settings of the sweep (seed, samples, backend, solver settings,
scenario files and hashes) so it can be run again.

:func:`write_risk` writes one plan's per-order ``risk.csv`` and sets ``p_breach`` in
its orders.csv (``logistics simulate``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.io.plan import ORDER_COLUMNS, ORDERS_FILE, SUMMARY_FILE, json_safe, write_plan
from logistics.model.plan import Plan

if TYPE_CHECKING:
    from logistics.risk import SimulationResult
    from logistics.scenarios.sweep import ScenarioOutcome, SweepResult

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_FILE",
    "IMPACT_COLUMNS",
    "IMPACT_FILE",
    "PLANS_DIR",
    "RISK_COLUMNS",
    "RISK_FILE",
    "SWEEP_FILE",
    "comparison_rows",
    "impact_rows",
    "risk_rows",
    "write_csv",
    "write_risk",
    "write_sweep",
]

COMPARISON_FILE = "comparison.csv"
IMPACT_FILE = "impact.csv"
SWEEP_FILE = "sweep.json"
RISK_FILE = "risk.csv"
PLANS_DIR = "plans"
BREAKS_ABOVE = 0.5  # an order "breaks" when its breach probability is above this
NO_DELIVERY_H = 1e6  # simulated hours this large mean "never delivered"

COMPARISON_COLUMNS = (
    "scenario",
    "orders",
    "served",
    "unserved",
    "v2v_median_h",
    "v2v_p90_h",
    "cost_eur",
    "expected_breaches",
    "expected_breaches_se",
    "expected_dropouts",
    "expected_dropouts_se",
    "expected_late",
    "expected_late_se",
    "impact_served",
    "impact_unserved",
    "impact_v2v_median_h",
    "impact_v2v_p90_h",
    "impact_expected_breaches",
    "impact_expected_breaches_se",
    "impact_expected_dropouts",
    "impact_expected_late",
    "impact_orders_breaking",
    "impact_orders_displaced",
    "status",
    "gap",
    "wall_s",
    "seed",
    "samples",
    "scenario_file",
    "scenario_sha256",
    "plan_dir",
)

IMPACT_COLUMNS = (
    "scenario",
    "order_id",
    "status",
    "displaced",
    "p_breach_baseline",
    "p_breach_disrupted",
    "v2v_median_h_baseline",
    "v2v_median_h_disrupted",
    "delta_v2v_h",
    "breaks",
    "replan_status",
    "replan_p_breach",
)

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


# ---------------------------------------------------------------------------- rows


def _num(x: Any, digits: int) -> float | None:
    """A rounded float; None for a missing or undefined (NaN) value; inf kept."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return x if math.isinf(x) else round(x, digits)


def _hours(x: Any) -> float | None:
    """Simulated hours, 3 decimals; beyond NO_DELIVERY_H (samples that never arrive,
    interpolated with ones that do) is infinite."""
    value = _num(x, 3)
    return math.inf if value is not None and value >= NO_DELIVERY_H else value


def _breaking(plan: Plan) -> int:
    return sum(p.served and (p.p_breach or 0.0) > BREAKS_ABOVE for p in plan.orders)


def _row(o: ScenarioOutcome, samples: int) -> dict[str, Any]:
    result = o.replanned.result
    k = result.kpis.to_dict() if result.kpis is not None else {}
    sim = o.replanned.risk
    imp = o.impact
    isim = imp.risk
    s = o.scenario
    return {
        "scenario": s.name,
        "orders": o.replanned.orders,
        "served": k.get("served"),
        "unserved": k.get("unserved"),
        "v2v_median_h": _hours(sim.v2v_median_h) if sim else None,
        "v2v_p90_h": _hours(sim.v2v_p90_h) if sim else None,
        "cost_eur": k.get("cost_eur"),
        "expected_breaches": _num(sim.expected_breaches, 4) if sim else None,
        "expected_breaches_se": _num(sim.expected_breaches_se, 4) if sim else None,
        "expected_dropouts": _num(sim.expected_dropouts, 4) if sim else None,
        "expected_dropouts_se": _num(sim.expected_dropouts_se, 4) if sim else None,
        "expected_late": _num(sim.expected_late, 4) if sim else None,
        "expected_late_se": _num(sim.expected_late_se, 4) if sim else None,
        "impact_served": len(imp.plan.served),
        "impact_unserved": len(imp.plan.unserved),
        "impact_v2v_median_h": _hours(isim.v2v_median_h) if isim else None,
        "impact_v2v_p90_h": _hours(isim.v2v_p90_h) if isim else None,
        "impact_expected_breaches": _num(isim.expected_breaches, 4) if isim else None,
        "impact_expected_breaches_se": _num(isim.expected_breaches_se, 4) if isim else None,
        "impact_expected_dropouts": _num(isim.expected_dropouts, 4) if isim else None,
        "impact_expected_late": _num(isim.expected_late, 4) if isim else None,
        "impact_orders_breaking": _breaking(imp.plan),
        "impact_orders_displaced": len(imp.displaced),
        "status": str(result.status),
        "gap": _num(result.gap, 6),
        "wall_s": round(o.wall_s, 3),
        "seed": o.seed,
        "samples": samples,
        "scenario_file": str(s.path) if s.path is not None else "",
        "scenario_sha256": s.sha256,
        "plan_dir": f"{PLANS_DIR}/{o.slug}",
    }


def comparison_rows(sweep: SweepResult) -> list[dict[str, Any]]:
    """One row per scenario, the baseline first (columns: COMPARISON_COLUMNS)."""
    return [_row(o, sweep.samples) for o in sweep.outcomes]


def impact_rows(sweep: SweepResult) -> list[dict[str, Any]]:
    """One row per scenario and order of the scenario's book (columns: IMPACT_COLUMNS).

    ``status`` is the order's status in tonight's plan (``added`` for an order the
    scenario added); ``displaced`` is true when a capacity the scenario cuts no longer
    holds tonight's plan for it; ``p_breach_baseline`` and ``v2v_median_h_baseline``
    are tonight's simulation, the ``_disrupted`` ones the same plan's under the
    scenario (empty for a displaced order), with ``delta_v2v_h`` the change of the
    median and ``breaks`` true when the breach probability under the scenario is above
    0.5. ``replan_status`` and ``replan_p_breach`` are the order's in the re-plan.
    """
    base = sweep.baseline.replanned
    tonight = base.risk.by_id() if base.risk is not None else {}
    planned = base.result.plan.by_id() if base.result.plan is not None else {}
    rows: list[dict[str, Any]] = []
    for o in sweep.scenarios:
        disrupted = o.impact.risk.by_id() if o.impact.risk is not None else {}
        plan = o.replanned.result.plan
        replanned = plan.by_id() if plan is not None else {}
        lost = set(o.impact.displaced)
        for p in o.impact.plan.orders:
            before, after = tonight.get(p.order_id), disrupted.get(p.order_id)
            was = planned.get(p.order_id)
            v_before = _hours(before.v2v_median_h) if before else None
            v_after = _hours(after.v2v_median_h) if after else None
            delta = None
            if v_before is not None and v_after is not None:
                delta = v_after - v_before if math.isfinite(v_after) else math.inf
            q = replanned.get(p.order_id)
            rows.append(
                {
                    "scenario": o.name,
                    "order_id": p.order_id,
                    "status": was.status if was is not None else "added",
                    "displaced": p.order_id in lost,
                    "p_breach_baseline": _num(before.p_breach, 4) if before else None,
                    "p_breach_disrupted": _num(after.p_breach, 4) if after else None,
                    "v2v_median_h_baseline": v_before,
                    "v2v_median_h_disrupted": v_after,
                    "delta_v2v_h": _num(delta, 3),
                    "breaks": (after.p_breach > BREAKS_ABOVE) if after else None,
                    "replan_status": q.status if q is not None else "",
                    "replan_p_breach": q.p_breach if q is not None else None,
                }
            )
    return rows


# ---------------------------------------------------------------------------- files


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    return str(value)


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write rows as UTF-8 CSV (empty cell for None, true/false, inf as ``inf``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    return path


def _plan_result(o: ScenarioOutcome):
    """The re-plan's SolveResult with the scenario in its settings and the simulation
    in its stats."""
    result = o.replanned.result
    s = o.scenario
    settings = {
        **result.params,
        "scenario": s.name,
        "scenario_file": str(s.path) if s.path is not None else None,
        "scenario_sha256": s.sha256 or None,
        "simulation_seed": o.seed,
    }
    stats = result.stats
    if o.replanned.risk is not None:
        stats = replace(stats, risk=o.replanned.risk.kpis())  # as `logistics plan` records it
    return replace(result, params=settings, stats=stats)


def write_sweep(sweep: SweepResult, out_dir: str | Path) -> Path:
    """Write comparison.csv, impact.csv, sweep.json and plans/<slug>/ under
    ``out_dir`` (created when missing; files there are replaced)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / COMPARISON_FILE, COMPARISON_COLUMNS, sweep.rows())
    write_csv(folder / IMPACT_FILE, IMPACT_COLUMNS, sweep.impact_rows())
    for o in sweep.outcomes:
        write_plan(_plan_result(o), folder / PLANS_DIR / o.slug, sweep.network)
    base = sweep.baseline.replanned.result
    info = {
        "seed": sweep.seed,
        "samples": sweep.samples,
        "common_random_numbers": sweep.common_random_numbers,
        "backend": sweep.backend,
        "wall_s": round(sweep.wall_s, 3),
        "network": base.params.get("network"),
        "orders": base.params.get("orders"),
        "solver": {k: v for k, v in base.params.items() if k not in ("network", "orders")},
        "engine": base.engine,
        "input_hashes": dict(base.input_hashes),
        "versions": dict(base.versions),
        "scenarios": [
            {
                "name": o.name,
                "description": o.scenario.description,
                "file": str(o.scenario.path) if o.scenario.path is not None else None,
                "sha256": o.scenario.sha256 or None,
                "seed": o.seed,
                "plan_dir": f"{PLANS_DIR}/{o.slug}",
                "orders_added": list(o.impact.added),
                "orders_removed": list(o.impact.removed),
            }
            for o in sweep.outcomes
        ],
    }
    text = json.dumps(json_safe(info), indent=2, allow_nan=False)
    (folder / SWEEP_FILE).write_text(text + "\n", encoding="utf-8")
    return folder


# ------------------------------------------------------------- one plan's risk


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
                "v2v_h": _num(p.v2v_h, 3),
                "p_breach": _num(r.p_breach, 4) if r else None,
                "p_inbound": _num(r.p_inbound, 4) if r else None,
                "p_hold": _num(r.p_hold, 4) if r else None,
                "p_late": _num(r.p_late, 4) if r else None,
                "p_dropout": _num(r.p_dropout, 4) if r else None,
                "v2v_median_h": _hours(r.v2v_median_h) if r else None,
                "v2v_p90_h": _hours(r.v2v_p90_h) if r else None,
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
    """Write ``risk.csv`` into a plan folder and record the simulation in it.

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
