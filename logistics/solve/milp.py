"""The candidate model as a MILP in HiGHS (the ``highs`` engine and a baseline).

Exactly the model of ``cpsat.py``: one binary per candidate, at most one per order,
every capacity row, minimise the chosen coefficients minus the penalty each served
order saves, plus the sum of all penalties. highspy is imported only when this engine
runs.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import numpy as np

from logistics.solve.params import SolveParams
from logistics.solve.problem import Problem
from logistics.solve.solution import Solution, no_candidates
from logistics.solve.stats import HighsStats
from logistics.solve.termination import TerminationReason, from_highs

INSTALL_HINT = "the 'highs' engine needs highspy, which is not installed: pip install highspy"


# HiGHS presolve is the slow part on this model, and it buys nothing: the root LP
# relaxation has been integral on every benchmark book. Measured with highspy 1.16
# (bench/solve.py books, relative gap 1 %, 2 threads): 1,000 orders 6.8 s -> 1.7 s,
# 5,000 orders 134 s -> 8.4 s, the capacity-tight 5,000 160 s -> 22 s, same optima.
PRESOLVE = "off"


def _highspy() -> Any:
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(INSTALL_HINT) from exc
    return highspy


def _new_solver(highspy: Any) -> Any:
    """A bare HiGHS instance. The core class is preferred: the Python wrapper installs
    a logging callback whose first use prints a banner, and the library never prints."""
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    return (core or highspy.Highs)()


def row_matrix(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The constraint rows in compressed row form: ``(start, index, value, upper)``.

    One row per order with two or more candidates (at most one of them) and one per
    capacity row (at most its free slots). A candidate listed twice in a capacity row
    gets coefficient 2, as a sum over the listed members would give it.
    """
    starts = [0]
    index: list[np.ndarray] = []
    value: list[np.ndarray] = []
    upper: list[int] = []
    for cands in problem.by_order:
        if len(cands) > 1:
            index.append(np.asarray(cands, dtype=np.int32))
            value.append(np.ones(len(cands)))
            upper.append(1)
            starts.append(starts[-1] + len(cands))
    for _key, cap, cands in problem.rows:
        members, counts = np.unique(np.asarray(cands, dtype=np.int32), return_counts=True)
        index.append(members.astype(np.int32))
        value.append(counts.astype(float))
        upper.append(cap)
        starts.append(starts[-1] + len(members))
    return (
        np.asarray(starts, dtype=np.int32),
        np.concatenate(index) if index else np.zeros(0, dtype=np.int32),
        np.concatenate(value) if value else np.zeros(0),
        np.asarray(upper, dtype=float),
    )


def solve_highs(problem: Problem, params: SolveParams, hint: list[int] | None = None) -> Solution:
    """Solve the candidate model with HiGHS under the limits of ``params``.

    ``time_limit_s``, ``relative_gap``, ``seed`` and ``workers`` map to HiGHS's
    ``time_limit``, ``mip_rel_gap``, ``random_seed`` and ``threads``; output is off.
    ``hint`` (candidate indices, e.g. the greedy plan) is passed as a start solution.
    Returns the Solution, its termination mapped in ``termination.py``; raises
    RuntimeError when highspy is not installed.
    """
    highspy = _highspy()
    t0 = time.perf_counter()
    n = len(problem.coef)
    offset = sum(problem.penalty)
    if n == 0:
        return no_candidates(offset)
    orders = np.asarray(problem.orders, dtype=np.int64)
    weights = (
        np.asarray(problem.coef, dtype=np.int64)
        - np.asarray(problem.penalty, dtype=np.int64)[orders]
    )
    start, index, value, upper = row_matrix(problem)

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(upper)
    lp.col_cost_ = weights.astype(float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(upper), -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.offset_ = float(offset)
    lp.sense_ = highspy.ObjSense.kMinimize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(upper)
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value

    h = _new_solver(highspy)
    _set(h, "output_flag", False)
    _set(h, "log_to_console", False)
    _set(h, "time_limit", float(params.time_limit_s))
    _set(h, "mip_rel_gap", float(params.relative_gap))
    # Every coefficient is an integer, so any better plan is at least 1 lower.
    _set(h, "mip_abs_gap", 1.0 - 1e-6)
    _set(h, "random_seed", int(params.seed))
    _set(h, "presolve", PRESOLVE)
    _threads(h, highspy, max(1, params.workers))
    _check(h.passModel(lp), highspy, "passModel")
    if hint:
        sol = highspy.HighsSolution()
        x0 = np.zeros(n)
        x0[np.asarray(hint, dtype=np.int64)] = 1.0
        sol.col_value = x0
        sol.value_valid = True
        h.setSolution(sol)  # a rejected start only costs the hint
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    _check(h.run(), highspy, "run")
    solve_s = time.perf_counter() - t1
    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    bound = float(info.mip_dual_bound)
    bound_out = bound if math.isfinite(bound) else None
    stats = HighsStats(
        nodes=int(info.mip_node_count),
        presolve=PRESOLVE,
        model_status=h.modelStatusToString(model_status),
        highs_version=f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}",
    )
    chosen: list[int] = []
    objective: int | None = None
    if has_solution:
        x = np.asarray(h.getSolution().col_value)
        chosen = [int(i) for i in np.flatnonzero(x > 0.5)]
        objective = int(weights[chosen].sum()) + offset  # exact, in integers
        stats = replace(
            stats,
            highs_objective=float(info.objective_function_value),
            mip_gap=float(info.mip_gap),
        )
    termination = from_highs(model_status.name, objective=objective, bound=bound_out)
    if not termination.has_plan:
        chosen, objective = [], None
    return Solution(
        termination,
        chosen,
        objective,
        bound_out if termination.reason is not TerminationReason.INFEASIBLE else None,
        build_s=round(build_s, 3),
        solve_s=round(solve_s, 3),
        stats=stats,
    )


def _set(h: Any, name: str, value: Any) -> None:
    h.setOptionValue(name, value)


def _check(status: Any, highspy: Any, what: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS {what} failed")


_scheduler: dict[str, int | None] = {
    "threads": None
}  # the thread count HiGHS's scheduler was last sized to


def _threads(h: Any, highspy: Any, threads: int) -> None:
    """HiGHS runs one global task scheduler per process, sized by the first solve; a
    run asking for a different ``threads`` fails unless the scheduler is rebuilt, so
    it is rebuilt when the count changes (not while another HiGHS solve runs)."""
    _set(h, "threads", threads)
    if _scheduler["threads"] != threads:
        reset = getattr(type(h), "resetGlobalScheduler", None)
        if reset is not None:
            reset(True)
        _scheduler["threads"] = threads
