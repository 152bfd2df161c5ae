"""Around one design: the cost against vein-to-vein trade-off, and disruptions.

``pareto_points`` solves the design with euros plus a growing weight per hour of
vein to vein (from 0: cost alone), one point per weight; ``under_scenarios``
replans the chosen design's network under each disruption scenario (the nightly
solve, design fixed) and counts the patients who break the cap or are left unserved.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from logistics.design.model import Design
from logistics.design.solve import COST_PENALTY_EUR, COST_UNIT, DesignResult, solve_design
from logistics.io.rows import write_csv
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.solve.params import SolveParams, Weights

__all__ = ["pareto_points", "pareto_results", "under_scenarios", "write_pareto"]

SCENARIO_COLUMNS = (
    "scenario",
    "status",
    "served",
    "unserved",
    "beyond_cap",
    "transport_cost_eur",
    "v2v_mean_h",
)


def pareto_results(
    network: Network,
    book: OrderBook,
    design: Design,
    params: SolveParams,
    points: int,
) -> list[tuple[float, DesignResult]]:
    """Solve ``points`` designs, weighing an hour of mean vein to vein from 0 EUR to
    1,000 EUR per patient (geometric steps); (euros per hour, result) each."""
    out = []
    for i in range(points):
        eur_per_h = 0.0 if i == 0 else 1000.0 ** (i / (points - 1))
        w = Weights(
            unserved_penalty=COST_PENALTY_EUR * COST_UNIT,
            v2v_per_h=eur_per_h * COST_UNIT,
            wait_per_h=0.0,
            cost_per_eur=COST_UNIT,
            risk=0.0,
            stability=0.0,
            priority={p: 1.0 for p in range(1, 6)},
        )
        r = solve_design(network, book, design, replace(params, weights=w), objective="weighted")
        out.append((eur_per_h, r))
    return out


def write_pareto(results: Sequence[tuple[float, DesignResult]], out: str | Path) -> Path:
    """Write pareto.csv of :func:`pareto_results` into ``out``."""
    from logistics.io.design import PARETO_COLUMNS

    rows = []
    for i, (eur_per_h, r) in enumerate(results):
        served = r.plan.served if r.plan is not None else ()
        v2v = [p.v2v_h for p in served if p.v2v_h is not None]
        total = r.costs_eur.get("total")
        rows.append(
            {
                "point": i + 1,
                "v2v_weight_per_h": round(eur_per_h, 3),
                "status": r.status,
                "total_cost_eur": total,
                "cost_per_therapy_eur": round(total / len(served), 2) if served and total else None,
                "v2v_mean_h": round(statistics.fmean(v2v), 3) if v2v else None,
                "open_sites": ";".join(f"{s}:{n}" for s, n in r.lines.items()),
                "gap": r.gap,
            }
        )
    return write_csv(Path(out) / "pareto.csv", PARETO_COLUMNS, rows)


def pareto_points(
    network: Network,
    book: OrderBook,
    design: Design,
    params: SolveParams,
    points: int,
    out: str | Path,
) -> Path:
    """Solve ``points`` designs (:func:`pareto_results`) and write pareto.csv into
    ``out``."""
    return write_pareto(pareto_results(network, book, design, params, points), out)


def under_scenarios(
    result: DesignResult,
    network: Network,
    book: OrderBook,
    params: SolveParams,
    paths: Sequence[str | Path],
    out: str | Path,
) -> Path:
    """Replan ``book`` on the chosen design under each scenario file (and without
    any, first) and write scenarios.csv into ``out``: served, unserved, patients
    beyond the design's vein-to-vein cap, transport cost and mean vein to vein."""
    from logistics.io.scenarios import read_scenario
    from logistics.scenarios import apply
    from logistics.solve import solve

    cap = result.design.settings.v2v_cap_days
    rows = []
    cases: list[tuple[str, Network, OrderBook]] = [("baseline", result.network, book)]
    for path in paths:
        scenario = read_scenario(path, result.network)
        net, bk = apply(scenario, result.network, book)
        cases.append((scenario.name, net, bk))
    for name, net, bk in cases:
        res = solve(net, bk, params, engine="auto")
        plan = res.plan
        served = plan.served if plan is not None else ()
        v2v = [p.v2v_h for p in served if p.v2v_h is not None]
        rows.append(
            {
                "scenario": name,
                "status": str(res.termination.status),
                "served": len(served),
                "unserved": len(bk) - len(served),
                "beyond_cap": sum(h > cap * 24 for h in v2v) if cap is not None else None,
                "transport_cost_eur": round(sum(p.cost_eur or 0.0 for p in served), 2),
                "v2v_mean_h": round(statistics.fmean(v2v), 3) if v2v else None,
            }
        )
    del network
    return write_csv(Path(out) / "scenarios.csv", SCENARIO_COLUMNS, rows)
