"""The candidate model in OR-Tools CP-SAT."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from logistics.solve.params import SolveParams
from logistics.solve.problem import Problem
from logistics.solve.result import Status

Improvement = Callable[[float, float, float], None]  # objective, bound, seconds


@dataclass(frozen=True, slots=True)
class Solution:
    """A selection of candidates and what the engine proved about it."""

    status: Status
    termination: str
    chosen: list[int]
    objective: int | None
    bound: float | None
    stats: dict


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_improve: Improvement, offset: int) -> None:
        super().__init__()
        self.on_improve = on_improve
        self.offset = offset
        self.start = time.perf_counter()

    def on_solution_callback(self) -> None:
        self.on_improve(
            self.objective_value + self.offset,
            self.best_objective_bound + self.offset,
            time.perf_counter() - self.start,
        )


def solve_cpsat(
    problem: Problem,
    params: SolveParams,
    hint: list[int] | None = None,
    on_improve: Improvement | None = None,
) -> Solution:
    """Solve the candidate model: at most one candidate per order, capacity rows,
    minimise chosen coefficients minus the penalty each served order saves."""
    t0 = time.perf_counter()
    n = len(problem.coef)
    offset = sum(problem.penalty)
    if n == 0:
        return Solution(
            Status.OPTIMAL, "no candidates", [], offset, float(offset), {"candidates": 0}
        )
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(n)]
    for cands in problem.by_order:
        if len(cands) > 1:
            model.add_at_most_one(x[c] for c in cands)
    for _key, cap, cands in problem.rows:
        model.add(cp_model.LinearExpr.sum([x[c] for c in cands]) <= cap)
    weights = [problem.coef[i] - problem.penalty[problem.orders[i]] for i in range(n)]
    model.minimize(cp_model.LinearExpr.weighted_sum(x, weights) + offset)
    if hint:
        hinted = set(hint)
        for i in range(n):
            model.add_hint(x[i], i in hinted)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = params.time_limit_s
    if params.deterministic_time_s is not None:
        p.max_deterministic_time = params.deterministic_time_s
    p.num_workers = max(1, params.workers)
    p.random_seed = params.seed
    p.relative_gap_limit = params.relative_gap
    build_s = time.perf_counter() - t0
    callback = _Progress(on_improve, 0) if on_improve else None
    code = solver.solve(model, callback)
    status = {
        cp_model.OPTIMAL: Status.OPTIMAL,
        cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE,
    }.get(code, Status.UNKNOWN)
    stats = {
        "engine": "cp-sat",
        "candidates": n,
        "capacity_rows": len(problem.rows),
        "build_s": round(build_s, 3),
        "solve_s": round(solver.wall_time, 3),
        "deterministic_time": round(solver.deterministic_time, 3),
        "branches": solver.num_branches,
        "conflicts": solver.num_conflicts,
    }
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        chosen = [i for i in range(n) if solver.boolean_value(x[i])]
        objective = round(solver.objective_value)
        bound = solver.best_objective_bound
        gap_ok = objective - bound <= params.relative_gap * max(1.0, abs(objective)) + 1e-9
        termination = (
            "optimal" if objective - bound < 0.5 else "gap limit" if gap_ok else "time limit"
        )
        return Solution(status, termination, chosen, objective, bound, stats)
    return Solution(
        status, "time limit" if status is Status.UNKNOWN else "infeasible", [], None, None, stats
    )
