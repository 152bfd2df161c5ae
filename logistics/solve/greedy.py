"""Greedy first-come baseline: what a planner does by hand."""

from __future__ import annotations

from collections import defaultdict

from logistics.solve.problem import Problem


def greedy(problem: Problem) -> list[int]:
    """Orders by earliest apheresis date then priority (most urgent first); each takes
    its best remaining candidate (lowest objective coefficient) that fits."""
    cs = problem.cs
    free: dict[tuple, int] = {}
    rows_of: dict[int, list[tuple]] = defaultdict(list)
    for key, cap, cands in problem.rows:
        free[key] = cap
        for c in cands:
            rows_of[c].append(key)
    order_ids = sorted(
        (k for k, cands in enumerate(problem.by_order) if cands),
        key=lambda k: (
            cs.book.orders[k].apheresis_earliest,
            -cs.book.orders[k].priority,
            cs.book.orders[k].order_id,
        ),
    )
    chosen = []
    for k in order_ids:
        for c in sorted(problem.by_order[k], key=lambda c: (problem.coef[c], c)):
            if all(free[key] > 0 for key in rows_of[c]):
                for key in rows_of[c]:
                    free[key] -= 1
                chosen.append(c)
                break
    return chosen
