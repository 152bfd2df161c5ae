"""The nightly schedule solve (OR-Tools lives here and only here)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from logistics.io.order_checks import validate_orders
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlanKpis
from logistics.solve.assemble import assemble
from logistics.solve.bounds import capacity_free_bound
from logistics.solve.breach import cap_breach, simulate_candidates
from logistics.solve.candidates import build_candidates
from logistics.solve.greedy import greedy
from logistics.solve.params import Engine, SolveParams, Weights, load_params
from logistics.solve.problem import SCALE, build_problem, previous_selection
from logistics.solve.result import SolveResult
from logistics.solve.solution import Improvement, Solution
from logistics.solve.stats import ObjectiveBounds, SolveStats
from logistics.solve.termination import Limit, Status, Termination, TerminationReason, heuristic
from logistics.solve.unserved import UnservedKind, UnservedOrder

__all__ = [
    "Engine",
    "Limit",
    "ObjectiveBounds",
    "PlanKpis",
    "SolveParams",
    "SolveResult",
    "SolveStats",
    "Status",
    "Termination",
    "TerminationReason",
    "UnservedKind",
    "UnservedOrder",
    "Weights",
    "build_candidates",
    "build_problem",
    "load_params",
    "solve",
]

log = logging.getLogger("logistics")
# Measured (bench/solve.py, 2 cores): CP-SAT proves small books optimal in seconds but
# stalls at a few per cent of gap from about 40,000 candidates (1,000 orders), where the
# LP relaxation is nearly integral and HiGHS proves optimality in seconds.
AUTO_MILP_CANDIDATES = 20_000


def solve(
    network: Network,
    book: OrderBook,
    params: SolveParams | None = None,
    *,
    previous: Plan | None = None,
    engine: Engine | str = Engine.CP_SAT,
    progress: Callable[[str, float], None] | None = None,
    on_improve: Improvement | None = None,
) -> SolveResult:
    """Plan every order of ``book`` on ``network``.

    ``engine`` is ``cp-sat`` (default), ``highs`` (the same model as a MILP),
    ``auto`` (CP-SAT up to ``AUTO_MILP_CANDIDATES`` candidates, HiGHS above) or
    ``greedy`` (the first-come baseline); see :class:`Engine`. The reported bound
    is the engine's, raised to the capacity-free bound when that is stronger.
    Unserved orders are a result, never an exception; only bad input and internal
    faults raise.

    ``params`` are the solver settings (defaults: ``SolveParams()``); ``previous``
    is last night's plan, whose frozen and committed orders are kept; ``progress``
    is called with (message, fraction) while candidates are built; ``on_improve`` is
    called with each better plan's objective and bound (weight units) and the
    seconds spent. Returns a SolveResult; raises InputError when an order breaks a
    rule of the network (``validate_orders``), ValueError for an unknown ``engine``.
    """
    try:
        engine = Engine(engine)
    except ValueError:
        raise ValueError(f"engine must be one of {', '.join(Engine)}") from None
    validate_orders(book, network)
    params = params or SolveParams()
    t0 = time.perf_counter()
    cs = build_candidates(network, book, params.quantile, progress)
    samples = params.risk_samples or (64 if params.max_breach is not None else 0)
    if samples:
        if progress:
            progress(f"simulating {len(cs.candidates)} candidates ({samples} draws)", 1.0)
        simulate_candidates(cs, samples, params.seed)
    if params.max_breach is not None:
        cap_breach(cs, params.max_breach)
    problem = build_problem(cs, params, previous)
    if progress:
        progress(f"{len(cs.candidates)} candidates, {len(problem.rows)} capacity rows", 1.0)
    start = greedy(problem)
    hint = previous_selection(previous, cs) or start
    if engine is Engine.AUTO:
        big = len(cs.candidates) > AUTO_MILP_CANDIDATES
        engine = Engine.HIGHS if big else Engine.CP_SAT
    if engine is Engine.GREEDY:
        sol = Solution(heuristic(), start, problem.objective(start), None)
    elif engine is Engine.HIGHS:
        from logistics.solve.milp import solve_highs

        sol = solve_highs(problem, params)
    else:
        from logistics.solve.cpsat import solve_cpsat  # OR-Tools loads on the first solve

        sol = solve_cpsat(problem, params, hint, on_improve)
    chosen, termination, objective, bound = sol.chosen, sol.termination, sol.objective, sol.bound
    if bound is not None:
        bound = max(bound, capacity_free_bound(problem)["objective"])
    if sol.status is Status.UNKNOWN and problem.feasible(start):
        # A limit came before the engine found a plan: keep the greedy one.
        chosen, termination = start, heuristic(termination.limit)
        objective = problem.objective(start)
    plan = assemble(problem, chosen) if termination.has_plan else None
    stats = SolveStats(
        engine=str(engine),
        orders=len(book),
        candidates=len(cs.candidates),
        capacity_rows=len(problem.rows),
        greedy_objective=problem.objective(start) / SCALE,
        overbooked_resources=tuple(tuple(map(str, k)) for k in problem.overbooked),
        build_s=None if engine is Engine.GREEDY else sol.build_s,
        solve_s=None if engine is Engine.GREEDY else sol.solve_s,
        engine_stats=sol.stats,
    )
    return SolveResult(
        termination=termination,
        engine=str(engine),
        plan=plan,
        bounds=ObjectiveBounds(
            primal=None if objective is None or plan is None else objective / SCALE,
            dual=None if bound is None else bound / SCALE,
        ),
        wall_s=time.perf_counter() - t0,
        params={**params.to_dict(), "network": network.source, "orders": book.source},
        input_hashes={
            **{f"network/{k}": v for k, v in network.input_hashes.items()},
            **({"orders": book.sha256} if book.sha256 else {}),
        },
        stats=stats,
        versions=_versions(),
    )


def _versions() -> dict[str, str]:
    out = {}
    for package in ("atmp-logistics", "ortools", "highspy", "networkx", "numpy", "holidays"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out
