"""The LP relaxation of the candidate model (the restricted master) and its duals.

One column per candidate, ``0 <= x <= 1``; one row per order with a candidate (at most
one of them) and one per capacity the candidates hold (at most its free room). HiGHS
solves it by simplex; the row duals become prices: ``mu`` per order, ``pi`` per
capacity, both >= 0 and in the model's integer units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from logistics.model.ledger import Key
from logistics.solve.milp import _check, _highspy, _new_solver, _set, _threads
from logistics.solve.problem import Problem


@dataclass(frozen=True, slots=True)
class Duals:
    """Prices of one master solve: ``value`` the dual objective of the prices (model
    units, penalties of all orders included), ``mu`` per order index, ``pi`` per
    capacity key, and ``x`` the LP solution (per candidate)."""

    value: float
    mu: dict[int, float]
    pi: dict[Key, float]
    x: np.ndarray  # the LP's value of each candidate
    optimal: bool = True  # False when a limit stopped the simplex (x may be poor)


def solve_master(problem: Problem, workers: int = 1, time_limit_s: float = math.inf) -> Duals:
    """Solve the LP relaxation of ``problem`` (every capacity a row, binding or not)
    within ``time_limit_s``. Any non-negative prices give a valid Lagrangian bound
    with exact pricing, so prices of an LP stopped by the limit are still usable."""
    highspy = _highspy()
    n = len(problem.coef)
    offset = float(sum(problem.penalty))
    if n == 0:
        return Duals(offset, {}, {}, np.zeros(0))
    orders = np.asarray(problem.orders, dtype=np.int64)
    weights = (
        np.asarray(problem.coef, dtype=float) - np.asarray(problem.penalty, dtype=float)[orders]
    )
    order_rows = [k for k, cands in enumerate(problem.by_order) if cands]
    keys = [key for key, _, _ in problem.rows]
    start: list[int] = [0]
    index: list[np.ndarray] = []
    value: list[np.ndarray] = []
    upper: list[float] = []
    for k in order_rows:
        index.append(np.asarray(problem.by_order[k], dtype=np.int32))
        value.append(np.ones(len(problem.by_order[k])))
        upper.append(1.0)
        start.append(start[-1] + len(problem.by_order[k]))
    for _key, cap, cands in problem.rows:
        members, counts = np.unique(np.asarray(cands, dtype=np.int32), return_counts=True)
        index.append(members)
        value.append(counts.astype(float))
        upper.append(float(cap))
        start.append(start[-1] + len(members))
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(upper)
    lp.col_cost_ = weights
    lp.col_lower_ = np.zeros(n)
    # x <= 1 is implied by the order rows, but stating it makes the simplex about ten
    # times faster (5,000-order tight book: 98 s -> 9 s); its duals then sit partly on
    # the column bounds, which the Lagrangian bound's min(0, reduced cost) terms cover.
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(upper), -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(upper)
    lp.offset_ = offset
    lp.sense_ = highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(upper)
    lp.a_matrix_.start_ = np.asarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.concatenate(index).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate(value)
    h = _new_solver(highspy)
    _set(h, "output_flag", False)
    _set(h, "log_to_console", False)
    _threads(h, highspy, max(1, workers))
    if math.isfinite(time_limit_s):
        _set(h, "time_limit", max(1.0, float(time_limit_s)))
    _check(h.passModel(lp), highspy, "passModel")
    _check(h.run(), highspy, "run")
    solution = h.getSolution()
    dual = np.maximum(0.0, -np.asarray(solution.row_dual))
    # Reduced costs under these prices; the simplex leaves part of the duals on the
    # column bounds (x <= 1), so a chosen column can price below 0. Its order's price
    # takes that part back (the order row holds at most one unit), which gives the
    # prices of the LP without column bounds and keeps every column at rc >= 0.
    idx = np.concatenate(index).astype(np.int64)
    rows = np.repeat(np.arange(len(upper)), np.diff(np.asarray(start)))
    rc = weights.copy()
    np.add.at(rc, idx, dual[rows] * np.concatenate(value))
    m = len(order_rows)
    for i, k in enumerate(order_rows):
        dual[i] += max(0.0, -float(rc[problem.by_order[k]].min()))
    return Duals(
        # the dual objective of these (non-negative) prices: with the least reduced
        # costs it makes the Lagrangian bound, valid whatever the LP's accuracy
        value=offset - float(np.dot(dual, np.asarray(upper))),
        mu={k: float(d) for k, d in zip(order_rows, dual[:m], strict=True)},
        pi={key: float(d) for key, d in zip(keys, dual[m:], strict=True) if d > 0.0},
        x=np.asarray(solution.col_value, dtype=float),
        optimal=h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
    )
