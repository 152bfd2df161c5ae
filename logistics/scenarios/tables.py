"""The tables of a sweep, as rows: comparison.csv and impact.csv.

The columns are documented with their writer, :func:`logistics.io.sweep.
write_sweep_files`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from logistics.io.rows import hours, rounded
from logistics.io.sweep import PLANS_DIR
from logistics.model.plan import Plan
from logistics.scenarios.outcomes import ScenarioOutcome

__all__ = ["BREAKS_ABOVE", "comparison_rows", "impact_rows"]

BREAKS_ABOVE = 0.5  # an order "breaks" when its breach probability is above this


def _breaking(plan: Plan) -> int:
    return sum(p.served and (p.p_breach or 0.0) > BREAKS_ABOVE for p in plan.orders)


def _row(o: ScenarioOutcome, samples: int) -> dict[str, Any]:
    """The comparison row of one scenario."""
    result = o.replanned.result
    k = result.kpis
    sim = o.replanned.risk
    imp = o.impact
    isim = imp.risk
    s = o.scenario
    return {
        "scenario": s.name,
        "orders": o.replanned.orders,
        "served": k.served if k else None,
        "unserved": k.unserved if k else None,
        "v2v_median_h": hours(sim.v2v_median_h) if sim else None,
        "v2v_p90_h": hours(sim.v2v_p90_h) if sim else None,
        "cost_eur": k.cost_eur if k else None,
        "expected_breaches": rounded(sim.expected_breaches, 4) if sim else None,
        "expected_breaches_se": rounded(sim.expected_breaches_se, 4) if sim else None,
        "expected_dropouts": rounded(sim.expected_dropouts, 4) if sim else None,
        "expected_dropouts_se": rounded(sim.expected_dropouts_se, 4) if sim else None,
        "expected_late": rounded(sim.expected_late, 4) if sim else None,
        "expected_late_se": rounded(sim.expected_late_se, 4) if sim else None,
        "impact_served": len(imp.plan.served),
        "impact_unserved": len(imp.plan.unserved),
        "impact_v2v_median_h": hours(isim.v2v_median_h) if isim else None,
        "impact_v2v_p90_h": hours(isim.v2v_p90_h) if isim else None,
        "impact_expected_breaches": rounded(isim.expected_breaches, 4) if isim else None,
        "impact_expected_breaches_se": rounded(isim.expected_breaches_se, 4) if isim else None,
        "impact_expected_dropouts": rounded(isim.expected_dropouts, 4) if isim else None,
        "impact_expected_late": rounded(isim.expected_late, 4) if isim else None,
        "impact_orders_breaking": _breaking(imp.plan),
        "impact_orders_displaced": len(imp.displaced),
        "exposed_shipments": imp.exposed,
        "status": str(result.status),
        "gap": rounded(result.gap, 6),
        "checker_violations": len(o.replanned.violations),
        "wall_s": round(o.wall_s, 3),
        "seed": o.seed,
        "samples": samples,
        "scenario_file": str(s.path) if s.path is not None else "",
        "scenario_sha256": s.sha256,
        "plan_dir": f"{PLANS_DIR}/{o.slug}",
    }


def comparison_rows(outcomes: Iterable[ScenarioOutcome], samples: int) -> list[dict[str, Any]]:
    """One row per outcome of ``outcomes`` (the baseline first), simulated with
    ``samples`` draws (columns: :data:`~logistics.io.sweep.COMPARISON_COLUMNS`)."""
    return [_row(o, samples) for o in outcomes]


def impact_rows(
    baseline: ScenarioOutcome, scenarios: Iterable[ScenarioOutcome]
) -> list[dict[str, Any]]:
    """One row per outcome of ``scenarios`` and order of the scenario's book, against
    tonight's plan, the ``baseline`` (columns:
    :data:`~logistics.io.sweep.IMPACT_COLUMNS`).

    ``status`` is the order's status in tonight's plan (``added`` for an order the
    scenario added); ``displaced`` is true when a capacity the scenario cuts no longer
    holds tonight's plan for it; ``p_breach_baseline`` and ``v2v_median_h_baseline``
    are tonight's simulation, the ``_disrupted`` ones the same plan's under the
    scenario (empty for a displaced order), with ``delta_v2v_h`` the change of the
    median and ``breaks`` true when the breach probability under the scenario is above
    0.5. ``replan_status`` and ``replan_p_breach`` are the order's in the re-plan.
    """
    base = baseline.replanned
    tonight = base.risk.by_id() if base.risk is not None else {}
    planned = base.result.plan.by_id() if base.result.plan is not None else {}
    rows: list[dict[str, Any]] = []
    for o in scenarios:
        disrupted = o.impact.risk.by_id() if o.impact.risk is not None else {}
        plan = o.replanned.result.plan
        replanned = plan.by_id() if plan is not None else {}
        lost = set(o.impact.displaced)
        for p in o.impact.plan.orders:
            before, after = tonight.get(p.order_id), disrupted.get(p.order_id)
            was = planned.get(p.order_id)
            v_before = hours(before.v2v_median_h) if before else None
            v_after = hours(after.v2v_median_h) if after else None
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
                    "p_breach_baseline": rounded(before.p_breach, 4) if before else None,
                    "p_breach_disrupted": rounded(after.p_breach, 4) if after else None,
                    "v2v_median_h_baseline": v_before,
                    "v2v_median_h_disrupted": v_after,
                    "delta_v2v_h": rounded(delta, 2),
                    "breaks": (after.p_breach > BREAKS_ABOVE) if after else None,
                    "replan_status": q.status if q is not None else "",
                    "replan_p_breach": q.p_breach if q is not None else None,
                }
            )
    return rows
