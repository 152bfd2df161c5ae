"""Capacity-free lower bounds of the candidate model.

With every capacity row dropped, orders no longer compete: each one takes its own
best option alone. That gives, per order, the least vein-to-vein time any plan can
reach, and a lower bound on the objective of every plan (each order pays the smaller
of its cheapest candidate and its unserved penalty). A plan's distance to these
numbers is what capacity costs it.
"""

from __future__ import annotations

import statistics
from typing import Any

from logistics.solve.problem import Problem


def capacity_free_bound(problem: Problem) -> dict[str, Any]:
    """Per-order and overall bounds of ``problem`` with capacities ignored.

    Returns a dict with
    ``v2v_h``: per order of the book (by index), the least vein-to-vein hours over
    its candidates, or None for an order without candidates;
    ``objective``: the least objective (``Problem`` units) of any selection, each
    order alone taking min(cheapest candidate coefficient, its penalty);
    ``servable``: how many orders have at least one candidate (an upper bound on
    the orders any plan schedules);
    ``mean_v2v_h``: the mean of ``v2v_h`` over the orders that have one.
    """
    cands = problem.cs.candidates
    v2v: list[float | None] = []
    objective = 0
    for k, members in enumerate(problem.by_order):
        penalty = problem.penalty[k]
        if not members:
            v2v.append(None)
            objective += penalty
            continue
        v2v.append(min(cands[i].v2v_h for i in members))
        objective += min(penalty, min(problem.coef[i] for i in members))
    known = [h for h in v2v if h is not None]
    return {
        "v2v_h": v2v,
        "objective": objective,
        "servable": len(known),
        "mean_v2v_h": statistics.fmean(known) if known else None,
    }


def v2v_excess(
    problem: Problem, chosen: list[int], bound: dict[str, Any] | None = None
) -> float | None:
    """Mean hours by which the chosen candidates' vein-to-vein time exceeds each
    order's capacity-free least (over the orders ``chosen`` schedules; None when it
    schedules none)."""
    bound = bound if bound is not None else capacity_free_bound(problem)
    least = bound["v2v_h"]
    cands = problem.cs.candidates
    excess = [cands[c].v2v_h - least[problem.orders[c]] for c in chosen]
    return statistics.fmean(excess) if excess else None
