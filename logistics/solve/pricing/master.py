"""The LP relaxation of the candidate model (the restricted master) and its duals.

One column per candidate, ``0 <= x <= 1``; one row per order with a candidate (at most
one of them) and one per capacity the candidates hold (at most its free room). HiGHS
solves it by simplex; the row duals become prices: ``mu`` per order, ``pi`` per
capacity, both >= 0 and in the model's integer units.

Sifting: the simplex starts on a working set (each order's cheapest candidates), and
the candidates outside it whose reduced cost under the duals is negative join it,
each order's most negative first (:data:`JOIN` per order at a time), until none is
left: then the working set's LP optimum is the LP optimum over every candidate. The
matrix is the same; only the columns the simplex sees change, and it keeps its basis
between joins. Asked for a ``gap``, sifting stops as soon as the Lagrangian bound of
its prices over every candidate is within that gap of the working set's LP value:
the last joins barely move the LP (10,000 orders: the bound was within 0.1 % of the
LP after 5 of 11 solves, 36 of 48 s).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from logistics.model.ledger import Key
from logistics.solve.matrix import Matrix
from logistics.solve.milp import _check, _highspy, _new_solver, _set, _threads
from logistics.solve.problem import Problem

#: candidates per order in the first working set (the cheapest ones)
FIRST = 4
#: a reduced cost below this (model units) prices a candidate into the working set
TOLERANCE = 1e-3
#: the simplex sees costs scaled so that the largest is this (model units run to 1e7
#: and more, far beyond HiGHS's tolerances: unscaled, each re-solve after a join
#: perturbs the costs anew and cleans up with thousands of primal iterations)
COST_SCALE = 1000.0
#: candidates of one order joining the working set at once (its most negative
#: reduced costs): 5,000-order first master 9.3 s at one, 7.4-8.1 s at two, 8.7 s at
#: three, 8.9 s at four; 16.4 s when the most negative of all join, two per row of
#: the LP at a time (most of them then belong to a few orders and never enter a basis)
JOIN = 2


@dataclass(frozen=True, slots=True)
class Duals:
    """Prices of one master solve: ``value`` the dual objective of the prices (model
    units, penalties of all orders included: the Lagrangian bound over every
    candidate), ``lp`` the working set's LP value (at least the LP optimum over every
    candidate when ``solved``), ``mu`` per order index, ``pi`` per capacity key, and
    ``x`` the LP solution (per candidate)."""

    value: float
    lp: float
    mu: dict[int, float]
    pi: dict[Key, float]
    x: np.ndarray  # the LP's value of each candidate
    # the simplex finished, so ``x`` is optimal over the candidates it saw (False when
    # a limit stopped it: x may be poor); every candidate unless ``complete`` is False
    solved: bool = True
    complete: bool = True  # no candidate left out prices below 0
    within: bool = False  # sifting stopped with ``value`` within the gap asked of ``lp``
    working: np.ndarray | None = None  # the candidates the simplex saw last


def solve_master(
    problem: Problem,
    workers: int = 1,
    time_limit_s: float = math.inf,
    *,
    sift: bool = True,
    start_with: np.ndarray | None = None,
    gap: float = 0.0,
) -> Duals:
    """Solve the LP relaxation of ``problem`` (every capacity a row, binding or not)
    within ``time_limit_s``, by sifting from the working set ``start_with`` (default:
    each order's cheapest candidates; e.g. the last master's working set and the
    candidates added since) or, ``sift`` False, over every candidate at once;
    sifting stops early when its Lagrangian bound is within the relative ``gap`` of
    the working set's LP value. Any non-negative prices give a valid Lagrangian bound
    with exact pricing, so prices of an LP stopped by the limit are still usable."""
    highspy = _highspy()
    t0 = time.perf_counter()
    n = len(problem.coef)
    offset = float(sum(problem.penalty))
    if n == 0:
        return Duals(offset, offset, {}, {}, np.zeros(0), working=np.zeros(0, dtype=np.int64))
    orders = np.asarray(problem.orders, dtype=np.int64)
    weights = (
        np.asarray(problem.coef, dtype=float) - np.asarray(problem.penalty, dtype=float)[orders]
    )
    mx = problem.matrix()
    order_rows, upper = mx.order_rows, mx.upper
    # the simplex works in scaled costs; duals and reduced costs come back in model
    # units; a reduced cost joins below the tolerance the scaled simplex can tell
    scale = COST_SCALE / max(COST_SCALE, float(np.abs(weights).max()))
    tolerance = max(TOLERANCE, 1e-6 / scale)
    working = _first_working(orders, weights, start_with) if sift else np.arange(n)
    inside = np.zeros(n, dtype=bool)
    inside[working] = True
    lp = highspy.HighsLp()
    lp.num_col_ = len(working)
    lp.num_row_ = len(upper)
    lp.col_cost_ = weights[working] * scale
    lp.col_lower_ = np.zeros(len(working))
    # x <= 1 is implied by the order rows, but stating it makes the simplex about ten
    # times faster (5,000-order tight book: 98 s -> 9 s); its duals then sit partly on
    # the column bounds, which the Lagrangian bound's min(0, reduced cost) terms cover.
    lp.col_upper_ = np.ones(len(working))
    lp.row_lower_ = np.full(len(upper), -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.offset_ = offset * scale
    lp.sense_ = highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = len(working)
    lp.a_matrix_.num_row_ = len(upper)
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = mx.columns(working)
    h = _new_solver(highspy)
    _set(h, "output_flag", False)
    _set(h, "log_to_console", False)
    _threads(h, highspy, max(1, workers))
    if workers > 1:
        # the dual simplex's parallel variant (SIP): 5,000-order first master 7.0 ->
        # 5.4 s in HiGHS on two threads, 1,000 orders 0.35 -> 0.29 s
        _set(h, "simplex_strategy", 2)
    _check(h.passModel(lp), highspy, "passModel")
    while True:
        left = time_limit_s - (time.perf_counter() - t0)
        if math.isfinite(left):  # (HiGHS's run clock counts every run of the instance)
            _set(h, "time_limit", h.getRunTime() + max(1.0, left))
        _check(h.run(), highspy, "run")
        dual = np.maximum(0.0, -np.asarray(h.getSolution().row_dual)) / scale
        rc = weights + mx.priced(dual)
        solved = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        join = np.flatnonzero((rc < -tolerance) & ~inside)
        value = h.getInfo().objective_function_value / scale
        lifted = _lifted(dual, rc, orders, mx)
        bound = offset - float(np.dot(lifted, upper))
        within = solved and value - bound <= gap * max(1.0, abs(value))
        if not solved or len(join) == 0 or within or time.perf_counter() - t0 > time_limit_s:
            break
        join = _least_per_order(join, orders[join], rc[join], JOIN)
        inside[join] = True
        working = np.concatenate([working, join])
        col_start, col_index, col_value = mx.columns(join)
        _check(
            h.addCols(
                len(join),
                weights[join] * scale,
                np.zeros(len(join)),
                np.ones(len(join)),
                len(col_index),
                col_start[:-1],
                col_index,
                col_value,
            ),
            highspy,
            "addCols",
        )
    x = np.zeros(n)
    x[working] = np.asarray(h.getSolution().col_value, dtype=float)
    m = len(order_rows)
    keys = problem.row_keys()
    return Duals(
        # the dual objective of these (non-negative) prices: the Lagrangian bound over
        # every candidate, valid whatever the LP's accuracy
        value=bound,
        lp=value,
        mu={k: float(d) for k, d in zip(order_rows, lifted[:m], strict=True)},
        pi={key: float(d) for key, d in zip(keys, lifted[m:], strict=True) if d > 0.0},
        x=x,
        solved=solved,
        complete=len(join) == 0,
        within=within and len(join) > 0,
        working=working,
    )


def _lifted(dual: np.ndarray, rc: np.ndarray, orders: np.ndarray, mx: Matrix) -> np.ndarray:
    """The row prices ``dual`` with each order's price raised by its least negative
    reduced cost ``rc``. The simplex leaves part of the duals on the column bounds
    (x <= 1), so a chosen column can price below 0 (and, outside the working set, one
    not joined yet); the order row holds at most one unit, so its price can take that
    part back: prices of the LP without column bounds under which every candidate
    has rc >= 0."""
    least = np.full(int(orders.max()) + 1, np.inf)
    np.minimum.at(least, orders, rc)
    out = dual.copy()
    m = len(mx.order_rows)
    out[:m] += np.maximum(0.0, -least[mx.order_rows])
    return out


def _first_working(
    orders: np.ndarray, weights: np.ndarray, start_with: np.ndarray | None
) -> np.ndarray:
    """``start_with`` (its distinct candidates) or else the :data:`FIRST` cheapest
    candidates of each order."""
    if start_with is not None:
        return np.unique(start_with)
    return _least_per_order(np.arange(len(orders)), orders, weights, FIRST)


def _least_per_order(cols: np.ndarray, orders: np.ndarray, key: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` columns of least ``key`` of each order among ``cols`` (``orders`` and
    ``key`` given per column of ``cols``), sorted."""
    by = np.lexsort((key, orders))
    first = np.ones(len(by), dtype=bool)
    first[1:] = orders[by][1:] != orders[by][:-1]
    group = np.cumsum(first) - 1
    rank = np.arange(len(by)) - np.flatnonzero(first)[group]
    return np.sort(cols[by[rank < m]])
