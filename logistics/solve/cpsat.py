"""The candidate model in OR-Tools CP-SAT."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from logistics.solve.params import SolveParams
from logistics.solve.problem import SCALE, Problem
from logistics.solve.solution import Improvement, Solution, no_candidates
from logistics.solve.stats import CpSatStats
from logistics.solve.termination import from_cpsat


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_improve: Improvement) -> None:
        super().__init__()
        self.on_improve = on_improve
        self.start = time.perf_counter()

    def on_solution_callback(self) -> None:
        self.on_improve(
            self.objective_value / SCALE,
            self.best_objective_bound / SCALE,
            time.perf_counter() - self.start,
        )


def solve_cpsat(
    problem: Problem,
    params: SolveParams,
    hint: list[int] | None = None,
    on_improve: Improvement | None = None,
) -> Solution:
    """Solve the candidate model: at most one candidate per order, capacity rows,
    minimise chosen coefficients minus the penalty each served order saves.

    ``params`` gives the limits, seed and workers; ``hint`` candidate indices to start
    from; ``on_improve`` is called with each better plan (weight units). Returns the
    Solution, its termination mapped in ``termination.py``.
    """
    t0 = time.perf_counter()
    n = len(problem.coef)
    offset = sum(problem.penalty)
    if n == 0:
        return no_candidates(offset)
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
    callback = _Progress(on_improve) if on_improve else None
    code = solver.solve(model, callback)
    stats = CpSatStats(
        deterministic_time=round(solver.deterministic_time, 3),
        branches=solver.num_branches,
        conflicts=solver.num_conflicts,
    )
    chosen: list[int] = []
    objective: int | None = None
    bound: float | None = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [i for i in range(n) if solver.boolean_value(x[i])]
        objective = round(solver.objective_value)
        bound = solver.best_objective_bound
    termination = from_cpsat(
        solver.status_name(code),
        objective=objective,
        bound=bound,
        wall_s=solver.wall_time,
        deterministic_time=solver.deterministic_time,
        time_limit_s=params.time_limit_s,
        deterministic_limit=params.deterministic_time_s,
    )
    return Solution(
        termination,
        chosen,
        objective,
        bound,
        build_s=round(build_s, 3),
        solve_s=round(solver.wall_time, 3),
        stats=stats,
    )
