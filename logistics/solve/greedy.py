"""Greedy first-come baseline (what a planner does by hand), and the rounding of an
LP solution into a first plan (by value, or by fixing its integral part)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from logistics.model.orders import Order
from logistics.solve.problem import Problem


def rounded(problem: Problem, x: Sequence[float]) -> list[int]:
    """The LP solution ``x`` (per candidate) rounded: candidates by decreasing value
    (then coefficient) each taken when its order is not served yet, it is worth
    serving (coefficient below the penalty) and it fits; then every order left takes
    its best candidate that still fits, as in :func:`greedy`."""
    coef = np.asarray(problem.coef, dtype=np.int64)
    orders = np.asarray(problem.orders, dtype=np.int64)
    if not len(coef):
        return []
    penalty = np.asarray(problem.penalty, dtype=np.int64)
    value = np.zeros(len(coef))
    m = min(len(x), len(coef))
    value[:m] = np.asarray(x, dtype=float)[:m]
    worth = coef < penalty[orders]
    index = np.arange(len(coef))
    lp = np.flatnonzero((value > 1e-6) & worth)
    lp = lp[np.lexsort((lp, coef[lp], -value[lp]))]
    rest = np.flatnonzero(worth)
    rest = rest[np.lexsort((index[rest], coef[rest], orders[rest]))]
    tries = np.concatenate([lp, rest])
    return problem.matrix().first_fit(tries, orders[tries])


def residual(problem: Problem, x: Sequence[float]) -> tuple[Problem, list[int], list[int]]:
    """The problem left once every order the LP solution ``x`` serves whole (one
    candidate at 1) keeps that candidate: the other orders with their candidates,
    under the capacity those fixed ones leave. Returns it, the fixed candidates and
    the map from its candidate indices to ``problem``'s."""
    fixed = [c for c in range(min(len(x), len(problem.coef))) if x[c] > 1.0 - 1e-6]
    done = {problem.orders[c] for c in fixed}
    keep = [c for c in range(len(problem.coef)) if problem.orders[c] not in done]
    new = {c: i for i, c in enumerate(keep)}
    _free, rows_of = capacity(problem)
    used: dict[tuple, int] = defaultdict(int)
    for c in fixed:
        for key in rows_of[c]:
            used[key] += 1
    rows = []
    for key, cap, cands in problem.rows:
        mine = [new[c] for c in cands if c in new]
        if mine:
            rows.append((key, max(0, cap - used[key]), mine))
    by_order: list[list[int]] = [[] for _ in problem.by_order]
    for i, c in enumerate(keep):
        by_order[problem.orders[c]].append(i)
    sub = Problem(
        cs=problem.cs,
        coef=[problem.coef[c] for c in keep],
        penalty=[0 if k in done else p for k, p in enumerate(problem.penalty)],
        orders=[problem.orders[c] for c in keep],
        rows=rows,
        by_order=by_order,
    )
    return sub, fixed, keep


def capacity(problem: Problem) -> tuple[dict[tuple, int], Mapping[int, list[tuple]]]:
    """The room of each capacity row of ``problem`` and the rows each candidate holds."""
    return problem.rooms(), problem.rows_of()


def urgency(orders: Sequence[Order]) -> Callable[[int], tuple]:
    """The sort key of order indices, most urgent first: earliest apheresis, then
    highest priority, then id."""
    return lambda k: (orders[k].apheresis_earliest, -orders[k].priority, orders[k].order_id)


def greedy(problem: Problem) -> list[int]:
    """Orders by earliest apheresis date then priority (most urgent first); each takes
    its best remaining candidate (lowest objective coefficient) that fits."""
    if not problem.coef:
        return []
    order_ids = sorted(
        (k for k, cands in enumerate(problem.by_order) if cands),
        key=urgency(problem.cs.book.orders),
    )
    rank = np.zeros(len(problem.by_order), dtype=np.int64)
    rank[order_ids] = np.arange(len(order_ids))
    coef = np.asarray(problem.coef, dtype=np.int64)
    orders = np.asarray(problem.orders, dtype=np.int64)
    tries = np.lexsort((np.arange(len(coef)), coef, rank[orders]))
    return problem.matrix().first_fit(tries, orders[tries])
