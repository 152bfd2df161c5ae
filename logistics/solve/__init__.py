"""The nightly schedule solve (OR-Tools lives here and only here)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from logistics.io.order_checks import validate_orders
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan
from logistics.solve.assemble import assemble
from logistics.solve.bounds import capacity_free_bound
from logistics.solve.candidates import build_candidates
from logistics.solve.cpsat import Improvement, solve_cpsat
from logistics.solve.greedy import greedy
from logistics.solve.params import SolveParams, Weights, load_params
from logistics.solve.problem import SCALE, build_problem, previous_selection
from logistics.solve.result import SolveResult, Status
from logistics.solve.risk import cap_breach, simulate_candidates

__all__ = [
    "SolveParams",
    "SolveResult",
    "Status",
    "Weights",
    "build_candidates",
    "build_problem",
    "load_params",
    "solve",
]

log = logging.getLogger("logistics")
ENGINES = ("auto", "cp-sat", "greedy", "highs")
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
    engine: str = "cp-sat",
    progress: Callable[[str, float], None] | None = None,
    on_improve: Improvement | None = None,
) -> SolveResult:
    """Plan every order of ``book`` on ``network``.

    ``engine`` is ``cp-sat`` (default), ``highs`` (the same model as a MILP),
    ``auto`` (CP-SAT up to ``AUTO_MILP_CANDIDATES`` candidates, HiGHS above when
    highspy is installed) or ``greedy`` (the first-come baseline). The reported bound
    is the engine's, raised to the capacity-free bound when that is stronger.
    Unserved orders are a result, never an exception; only bad input and internal
    faults raise.

    ``params`` are the solver settings (defaults: ``SolveParams()``); ``previous``
    is last night's plan, whose frozen and committed orders are kept; ``progress``
    is called with (message, fraction) while candidates are built; ``on_improve`` is
    called with each better plan's objective and bound. Returns a SolveResult;
    raises InputError when an order breaks a rule of the network
    (``validate_orders``), ValueError for an unknown ``engine``.
    """
    validate_orders(book, network)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
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
    if engine == "auto":
        engine = "highs" if len(cs.candidates) > AUTO_MILP_CANDIDATES and _has_highs() else "cp-sat"
    objective: int | None
    bound: float | None
    stats: dict[str, Any]
    if engine == "greedy":
        chosen, status, termination, bound = start, Status.FEASIBLE, "greedy", None
        stats = {"engine": "greedy"}
        objective = problem.objective(chosen)
    elif engine == "highs":
        from logistics.solve.milp import solve_highs

        sol = solve_highs(problem, params)
        chosen, status, termination = sol.chosen, sol.status, sol.termination
        objective, bound, stats = sol.objective, sol.bound, sol.stats
    else:
        sol = solve_cpsat(problem, params, hint, on_improve)
        chosen, status, termination = sol.chosen, sol.status, sol.termination
        objective, bound, stats = sol.objective, sol.bound, sol.stats
    if bound is not None:
        bound = max(bound, capacity_free_bound(problem)["objective"])
    if status is Status.UNKNOWN and problem.feasible(start):
        # The limit came before the engine found a plan: keep the greedy one.
        chosen, status, termination = start, Status.FEASIBLE, f"{termination}, greedy plan"
        objective = problem.objective(start)
    plan = assemble(problem, chosen) if status in (Status.OPTIMAL, Status.FEASIBLE) else None
    stats = {
        **stats,
        "orders": len(book),
        "candidates": len(cs.candidates),
        "capacity_rows": len(problem.rows),
        "greedy_objective": problem.objective(start) / SCALE,
        "overbooked_resources": [list(map(str, k)) for k in problem.overbooked],
    }
    return SolveResult(
        status=status,
        termination=termination,
        engine=engine,
        plan=plan,
        objective=None if objective is None else objective / SCALE,
        bound=None if bound is None else bound / SCALE,
        wall_s=time.perf_counter() - t0,
        params={**params.to_dict(), "network": network.source, "orders": book.source},
        input_hashes={
            **{f"network/{k}": v for k, v in network.input_hashes.items()},
            **({"orders": book.sha256} if book.sha256 else {}),
        },
        stats=stats,
        versions=_versions(),
    )


def _has_highs() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def _versions() -> dict[str, str]:
    out = {}
    for package in ("atmp-logistics", "ortools", "highspy", "networkx", "numpy", "holidays"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out
