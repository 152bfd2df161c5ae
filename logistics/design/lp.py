"""The design model over a candidate set, as an LP (the pricing master) or a MILP.

Columns: one ``x`` per candidate (``0..1``), one ``y`` per design site that may open
(``0..1``; 1 for ``must_open``), one ``L`` (lines) per site with sizing. Rows, all
``<=``:

- per order with candidates: ``sum x <= 1``;
- per capacity row of a site outside the design (apheresis, shippers, plants that
  always stay open): ``sum x <= room``;
- per manufacturing day of a design site: ``sum x - (lines - taken) y <= 0``, with
  sizing ``sum x - L + taken y <= 0``: the site takes new orders only when open,
  within its lines less the slots ``taken`` that day by booked orders (and, for a
  fixed design under a scenario, the lines the scenario removes), at most its
  (most) lines. A booking finishes at its site whatever the design: it never forces
  the site open. With sizing an open site therefore has at least the lines its
  bookings take on their busiest day (up to its most lines): ``lines`` carries that
  least;
- per candidate at a design site: ``x - y <= 0`` (strengthens the relaxation; its
  prices are not needed by pricing, which prices the capacity rows);
- sizing: ``L - max_lines y <= 0``, ``min_lines y - L <= 0``; ``sum y <= max_open``.

Objective (model units): ``sum (coef - penalty) x + sum open cost y + line cost L +
sum penalty``. HiGHS solves both; highspy is imported on the first solve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from logistics.model.ledger import Key
from logistics.solve.milp import _check, _highspy, _new_solver, _set, _threads

# HiGHS's MILP presolve checks the time limit only between its passes: on the
# 5,000-order Europe design (6 M nonzeros) one pass took 58 s of a 30 s limit, and the
# root LP did not finish either way, so a MILP larger than this starts unpresolved
PRESOLVE_MAX_NONZEROS = 1_000_000


@dataclass(slots=True)
class DesignRows:
    """The data of the design model (model units)."""

    coef: list[int]  # per candidate
    orders: list[int]  # order index per candidate
    penalty: list[int]  # per order
    by_order: list[list[int]]
    rows: list[tuple[Key, int, list[int]]]  # capacity rows outside the design
    # (key, site index, slots taken before the model (at most the most lines), cands)
    site_rows: list[tuple[Key, int, int, list[int]]]
    cand_site: list[int]  # design site index per candidate, -1 when outside the design
    open_cost: list[int]  # per design site (fixed + lines x line cost without sizing)
    line_cost: list[int]  # per design site, per line (sizing only)
    # (min, max) lines per design site when open (sizing: min raised to what its
    # bookings take on their busiest day)
    lines: list[tuple[int, int]]
    sizing: list[bool]
    y_bounds: list[tuple[float, float]]
    max_open: int | None
    names: list[str] = field(default_factory=list)  # design site ids
    # most batches each design site could make over the horizon at its most lines
    # (an aggregate of its daily rows, kept by the facility-location bound)
    batch_room: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LpResult:
    """What one solve gives back."""

    status: str  # HiGHS model status
    value: float | None  # objective (model units)
    bound: float | None  # MILP dual bound (model units), the LP value for an LP
    x: np.ndarray
    y: np.ndarray
    lines: np.ndarray
    mu: dict[int, float]
    pi: dict[Key, float]


def nonzeros(d: DesignRows) -> int:
    """The nonzeros of the model :func:`solve_rows` makes of ``d``, at most (a
    candidate holding a row twice counts twice, a fixed design's links too)."""
    count = sum(len(c) for c in d.by_order) + sum(len(c) for _, _, c in d.rows)
    count += sum(len(c) + 2 for *_, c in d.site_rows)
    count += 2 * sum(1 for j in d.cand_site if j >= 0)
    return count + 4 * sum(d.sizing) + len(d.open_cost)


def solve_rows(
    d: DesignRows,
    *,
    integer: bool,
    time_limit_s: float = math.inf,
    relative_gap: float = 1e-4,
    workers: int = 1,
    seed: int = 0,
    start: Sequence[float] | None = None,
) -> LpResult:
    """Solve the design model as an LP (``integer`` False: prices come back) or as
    a MILP."""
    highspy = _highspy()
    n, m = len(d.coef), len(d.open_cost)
    sized = [j for j in range(m) if d.sizing[j]]
    col_l = {j: n + m + i for i, j in enumerate(sized)}
    ncol = n + m + len(sized)
    cost = np.zeros(ncol)
    orders = np.asarray(d.orders, dtype=np.int64)
    if n:
        cost[:n] = np.asarray(d.coef, float) - np.asarray(d.penalty, float)[orders]
    cost[n : n + m] = d.open_cost
    for j in sized:
        cost[col_l[j]] = d.line_cost[j]
    lower = np.zeros(ncol)
    upper = np.ones(ncol)
    for j, (lo, hi) in enumerate(d.y_bounds):
        lower[n + j], upper[n + j] = lo, hi
    for j in sized:
        upper[col_l[j]] = d.lines[j][1]
    index: list[np.ndarray] = []
    value: list[np.ndarray] = []
    rhs: list[float] = []
    kinds: list[tuple[str, object]] = []

    def row(
        idx: Sequence[int] | np.ndarray, val: Sequence[float] | np.ndarray, b: float, kind
    ) -> None:
        index.append(np.asarray(idx, dtype=np.int64))
        value.append(np.asarray(val, dtype=float))
        rhs.append(float(b))
        kinds.append(kind)

    for k, cands in enumerate(d.by_order):
        if cands:
            row(cands, np.ones(len(cands)), 1, ("order", k))
    for key, room, cands in d.rows:
        members, counts = np.unique(np.asarray(cands, dtype=np.int64), return_counts=True)
        row(members, counts, room, ("cap", key))
    for key, j, taken, cands in d.site_rows:
        members, counts = np.unique(np.asarray(cands, dtype=np.int64), return_counts=True)
        cols, coefs = [*members], [*counts]
        if d.sizing[j]:
            cols.append(col_l[j])
            coefs.append(-1.0)
        y = float(taken) if d.sizing[j] else float(taken - d.lines[j][1])
        if y:
            cols.append(n + j)
            coefs.append(y)
        row(cols, coefs, 0, ("cap", key))
    for i, j in enumerate(d.cand_site):
        if j < 0:
            continue
        lo, hi = d.y_bounds[j]
        if lo == hi:  # a fixed design: the link is a bound
            upper[i] = min(upper[i], hi)
        else:
            row([i, n + j], [1.0, -1.0], 0, ("link", i))
    for j in sized:
        lo, hi = d.lines[j]
        row([col_l[j], n + j], [1.0, -float(hi)], 0, ("size", j))
        row([n + j, col_l[j]], [float(lo), -1.0], 0, ("size", j))
    if d.max_open is not None and m:
        row(range(n, n + m), np.ones(m), d.max_open, ("open", None))
    intg = highspy.HighsVarType.kInteger
    lp = _rowwise(
        highspy,
        cost,
        lower,
        upper,
        rhs,
        index,
        value,
        offset=float(sum(d.penalty)),
        integrality=[intg] * ncol if integer else None,
    )
    h = _new_solver(highspy)
    _set(h, "output_flag", False)
    _set(h, "log_to_console", False)
    _threads(h, highspy, max(1, workers))
    _set(h, "random_seed", int(seed))
    if math.isfinite(time_limit_s):
        _set(h, "time_limit", max(0.5, float(time_limit_s)))
    if integer:
        if sum(len(i) for i in index) > PRESOLVE_MAX_NONZEROS:
            _set(h, "presolve", "off")
        _set(h, "mip_rel_gap", float(relative_gap))
        _set(h, "mip_abs_gap", 1.0 - 1e-6)  # integer coefficients
    _check(h.passModel(lp), highspy, "passModel")
    if integer and start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=float)
        sol.value_valid = True
        h.setSolution(sol)
    _check(h.run(), highspy, "run")
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    sol = h.getSolution()
    col = np.asarray(sol.col_value, dtype=float) if feasible else np.zeros(ncol)
    value_ = float(info.objective_function_value) if feasible else None
    mu: dict[int, float] = {}
    pi: dict[Key, float] = {}
    bound: float | None
    if integer:
        dual_bound = float(info.mip_dual_bound)
        bound = dual_bound if math.isfinite(dual_bound) else None
    else:
        bound = value_
        duals = np.maximum(0.0, -np.asarray(sol.row_dual, dtype=float))
        for (kind, what), dual in zip(kinds, duals, strict=True):
            if dual <= 0.0:
                continue
            if kind == "order":
                mu[what] = float(dual)  # type: ignore[index]
            elif kind == "cap":
                pi[what] = float(dual)  # type: ignore[index]
    lines = np.zeros(m)
    for j in range(m):
        lines[j] = col[col_l[j]] if j in col_l else d.lines[j][1] * col[n + j]
    return LpResult(status, value_, bound, col[:n], col[n : n + m], lines, mu, pi)


def ufl_bound(
    open_value: Sequence[float],
    least: np.ndarray,
    y_bounds: Sequence[tuple[float, float]],
    max_open: int | None,
    time_limit_s: float = 30.0,
    batch_room: Sequence[float] = (),
) -> float:
    """A lower bound on ``min over designs y of sum open_value[j] y_j + sum over
    orders of min(0, least reduced cost among the open groups)``: ``least`` is an
    (orders x groups) array whose last column is the group of sites always open; a
    small facility-location MILP solved by HiGHS, whose dual bound is returned (valid
    whether or not it finishes). ``batch_room`` (per design site) caps the orders a
    site may take when open: its lines over the whole horizon, a relaxation of its
    daily rows.

    The MILP is written from each order's least over the groups that may open
    ``b_k``: an order served at group g costs ``least[k, g] - b_k >= 0`` and one left
    out ``-b_k``, capped at the dearest site plus the dearest detour (a cap that
    binds only where ``max_open`` keeps every site of an order shut; lowering a cost
    only relaxes, so the bound stays valid); costs are rounded down to whole model
    units, orders with the same costs at the same groups become one class weighted by
    their number (5,000 orders of a year on the default bundle make some hundreds),
    and the costs are scaled so the largest is 1,000.
    Unshifted, the penalties inside ``least`` (1e8 and more) left HiGHS's root LP
    unfinished in 30 s on 5,000 orders."""
    highspy = _highspy()
    m = len(open_value)
    k_n, g_n = least.shape
    shut = [j for j, (_, hi) in enumerate(y_bounds) if hi < 0.5]
    least = least.copy()
    least[:, shut] = 0.0  # a site that may not open serves nobody
    best = np.minimum(least.min(axis=1), 0.0) if k_n and g_n else np.zeros(k_n)
    # costs rounded down to whole model units (lower costs only relax)
    detour = np.where(least < 0, np.floor(least - best[:, None]), np.nan)
    dearest = float(np.nanmax(detour)) if np.any(least < 0) else 0.0
    cap = max([0.0, *open_value]) + dearest + 1.0
    left_out = np.floor(np.minimum(-best, cap))
    # orders with the same costs everywhere are one class, counted ``weight`` times:
    # the same bound (for fixed y the LP is symmetric in them), a model far smaller
    classes: dict[tuple, list[int]] = {}
    for k in np.flatnonzero(np.any(least < 0, axis=1)).tolist():
        gs_k = np.flatnonzero(least[k] < 0)
        key = (tuple(gs_k.tolist()), tuple(detour[k, gs_k].tolist()), float(left_out[k]))
        classes.setdefault(key, []).append(k)
    weight = [len(ks) for ks in classes.values()]
    pairs = [
        (c, g, d, w)
        for c, ((gs, ds, _), w) in enumerate(zip(classes, weight, strict=True))
        for g, d in zip(gs, ds, strict=True)
    ]
    nz = len(pairs)
    ncol = m + nz + len(classes)
    cost = np.concatenate(
        [
            np.asarray(open_value, float),
            np.array([w * d for _, _, d, w in pairs], dtype=float),
            np.array([w * key[2] for key, w in zip(classes, weight, strict=True)], dtype=float),
        ]
    )
    lower = np.zeros(ncol)
    upper = np.ones(ncol)
    for j, (lo, hi) in enumerate(y_bounds):
        lower[j], upper[j] = lo, hi
    index: list[list[int]] = []
    value: list[list[float]] = []
    rhs: list[float] = []
    row_lower: list[float] = []
    per_class: dict[int, list[int]] = {}
    for i, (c, g, _, _) in enumerate(pairs):
        per_class.setdefault(c, []).append(m + i)
        if g < m:  # a design site: only when open
            index.append([m + i, g])
            value.append([1.0, -1.0])
            rhs.append(0.0)
            row_lower.append(-math.inf)
    for c in range(len(classes)):  # served somewhere or left out
        cols = [*per_class[c], m + nz + c]
        index.append(cols)
        value.append([1.0] * len(cols))
        rhs.append(1.0)
        row_lower.append(1.0)
    if max_open is not None and m:
        index.append(list(range(m)))
        value.append([1.0] * m)
        rhs.append(float(max_open))
        row_lower.append(-math.inf)
    if len(batch_room):
        at: dict[int, list[tuple[int, int]]] = {}
        for i, (_, g, _, w) in enumerate(pairs):
            if g < m:
                at.setdefault(g, []).append((m + i, w))
        for site, held in at.items():
            if sum(n for _, n in held) > batch_room[site]:
                index.append([*(col for col, _ in held), site])
                value.append([float(n) for _, n in held] + [-float(batch_room[site])])
                rhs.append(0.0)
                row_lower.append(-math.inf)
    scale = 1000.0 / max(1.0, float(np.abs(cost).max()) if ncol else 1.0)
    kinds = highspy.HighsVarType
    lp = _rowwise(
        highspy,
        cost * scale,
        lower,
        upper,
        rhs,
        index,
        value,
        integrality=[kinds.kInteger] * m + [kinds.kContinuous] * (ncol - m),
    )
    lp.row_lower_ = np.where(np.isinf(row_lower), -highspy.kHighsInf, row_lower)
    h = _new_solver(highspy)
    _set(h, "output_flag", False)
    _set(h, "log_to_console", False)
    _set(h, "time_limit", float(time_limit_s))
    _set(h, "mip_rel_gap", 0.0)
    _check(h.passModel(lp), highspy, "passModel")
    _check(h.run(), highspy, "run")
    info = h.getInfo()
    # without the links between orders and sites (every order at its least over all
    # groups, every site at its cheaper bound): valid, and the floor when the MILP
    # stops before its own bound says more
    offset = float(best.sum())
    trivial = offset + sum(
        min(v * lo, v * hi) for v, (lo, hi) in zip(open_value, y_bounds, strict=True)
    )
    b = float(info.mip_dual_bound) / scale + offset
    return max(trivial, b) if math.isfinite(b) else trivial


def _rowwise(
    highspy: Any,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rhs: Sequence[float],
    index: Sequence[Any],
    value: Sequence[Any],
    *,
    offset: float = 0.0,
    integrality: list | None = None,
) -> Any:
    """A HighsLp minimising ``cost`` (plus ``offset``) over ``lower <= x <= upper``
    with one row ``sum(value x over index) <= rhs`` per entry."""
    ncol = len(cost)
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = len(rhs)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.full(len(rhs), -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(rhs, dtype=float)
    lp.offset_ = offset
    lp.sense_ = highspy.ObjSense.kMinimize
    if integrality is not None:
        lp.integrality_ = integrality
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = ncol
    lp.a_matrix_.num_row_ = len(rhs)
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum([len(i) for i in index])]).astype(np.int32)
    flat = [np.asarray(r, dtype=float) for r in value]
    lp.a_matrix_.index_ = (
        np.concatenate([np.asarray(r, dtype=np.int64) for r in index]) if index else np.zeros(0)
    ).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate(flat) if flat else np.zeros(0)
    return lp
