"""The nightly schedule solve (OR-Tools lives here and only here)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from logistics.heap import gc_paused
from logistics.io.order_checks import validate_orders
from logistics.model.commitments import Commitment
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlanKpis
from logistics.solve.assemble import assemble
from logistics.solve.bounds import capacity_free_bound
from logistics.solve.breach import cap_breach, simulate_candidates
from logistics.solve.candidates import build_candidates
from logistics.solve.candidates.booked import commitments_from
from logistics.solve.greedy import greedy, residual, rounded
from logistics.solve.params import Engine, SolveParams, Weights, load_params
from logistics.solve.pricing import PricingStats, grow
from logistics.solve.problem import SCALE, build_problem, previous_selection
from logistics.solve.reasons import check_capacity_reasons
from logistics.solve.result import SolveResult
from logistics.solve.solution import Improvement, Solution
from logistics.solve.stats import ObjectiveBounds, SolveStats
from logistics.solve.termination import (
    Limit,
    Status,
    Termination,
    TerminationReason,
    heuristic,
    proven,
)
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
    "input_hashes",
    "load_params",
    "package_versions",
    "recorded_source",
    "solve",
]

log = logging.getLogger("logistics")
# Pricing's share of the time limit when not set. Measured on the generated 1,000-order
# book (60 s limit): round 1 of pricing ends at about 31 s; the integer solve after it
# takes 2-3 s there and about 15 s on the 5,000-order tight book (120 s limit).
PRICING_SHARE = 0.6


@gc_paused()  # (see logistics.heap)
def solve(
    network: Network,
    book: OrderBook,
    params: SolveParams | None = None,
    *,
    previous: Plan | None = None,
    engine: Engine | str = Engine.CP_SAT,
    progress: Callable[[str, float], None] | None = None,
    on_improve: Improvement | None = None,
    commitments: Mapping[str, Commitment] | None = None,
) -> SolveResult:
    """Plan every order of ``book`` on ``network``.

    ``engine`` is ``cp-sat`` (default), ``highs`` (the same model as a MILP),
    ``auto`` (HiGHS, then CP-SAT from its plan when HiGHS stops short of a proof) or
    ``greedy`` (the first-come baseline); see :class:`Engine`. With pricing
    (``params.pricing_rounds``) the candidates grow by column generation and the
    reported bound is pricing's, over every schedule; without it the bound is the
    engine's over the candidates, raised to their capacity-free bound.
    Unserved orders are a result, never an exception; only bad input and internal
    faults raise.

    ``params`` are the solver settings (defaults: ``SolveParams()``); ``previous``
    is last night's plan, whose frozen and committed orders are kept; ``progress``
    is called with (message, fraction) while candidates are built; ``on_improve`` is
    called with each better plan's objective and bound (weight units) and the
    seconds spent; ``commitments`` (order id -> booking) keeps booked orders to the
    leg (same lanes and departures) where the booking still runs (default: the
    bookings ``previous`` made for them). Returns a
    SolveResult; raises InputError when an order breaks a rule of the network
    (``validate_orders``), ValueError for an unknown ``engine``.
    """
    try:
        engine = Engine(engine)
    except ValueError:
        raise ValueError(f"engine must be one of {', '.join(Engine)}") from None
    validate_orders(book, network)
    params = params or SolveParams()
    t0 = time.perf_counter()
    if commitments is None and previous is not None:
        commitments = commitments_from(previous, book)
    cs = build_candidates(network, book, params.quantile, progress, commitments, params.workers)
    samples = params.risk_samples or (64 if params.max_breach is not None else 0)
    if samples:
        if progress:
            progress(f"simulating {len(cs.candidates)} candidates ({samples} draws)", 1.0)
        simulate_candidates(cs, samples, params.seed)
    if params.max_breach is not None:
        cap_breach(cs, params.max_breach)
    pricing, lp_x = None, None
    if params.pricing_rounds > 0 and engine is not Engine.GREEDY:
        first = len(cs.candidates)
        if progress:
            progress(f"pricing schedules against capacity ({first} candidates)", 1.0)
        budget = params.pricing_time_s
        if budget is None:
            # A deterministic solve prices by rounds only: wall time would change the plan.
            deterministic = params.deterministic_time_s is not None
            budget = math.inf if deterministic else PRICING_SHARE * params.time_limit_s
        pricing, lp_x = grow(
            cs,
            params,
            previous,
            max_rounds=params.pricing_rounds,
            time_limit_s=budget,
            progress=progress,
        )
        simulate_candidates(cs, samples, params.seed, first)
        if params.max_breach is not None:
            cap_breach(cs, params.max_breach)
    problem = build_problem(cs, params, previous)
    if progress:
        progress(f"{len(cs.candidates)} candidates, {len(problem.rows)} capacity rows", 1.0)
    start = greedy(problem)
    first_plan = start  # the plan the engine starts from
    fixed_lp = None
    if lp_x is not None and params.max_breach is None:  # (the cap renumbers candidates)
        lp_plan = rounded(problem, lp_x.tolist())
        if engine is not Engine.CP_SAT:
            fixed_lp = _fix_lp(problem, lp_x.tolist(), params, pricing, t0)
            if fixed_lp is not None and problem.objective(fixed_lp.chosen) < problem.objective(
                lp_plan
            ):
                lp_plan = fixed_lp.chosen
        if problem.objective(lp_plan) < problem.objective(start):
            first_plan = lp_plan
    hint = first_plan
    kept = previous_selection(previous, cs)
    if kept:
        # last night's choices, made to fit tonight's capacity, the rest filled greedily
        x = [0.0] * len(cs.candidates)
        for i in kept:
            x[i] = 1.0
        again = rounded(problem, x)
        if problem.objective(again) <= problem.objective(first_plan):
            hint = again
    left = params.time_limit_s - (time.perf_counter() - t0)
    if engine is Engine.AUTO and fixed_lp is not None and fixed_lp.status is Status.OPTIMAL:
        sol = fixed_lp  # within the gap of the bound over every schedule: nothing to prove
    elif left < 1.0 and params.deterministic_time_s is None and problem.feasible(hint):
        # The limit is spent (candidates and pricing of a large book): an engine would
        # start from the plan it is given and overrun the limit building its model.
        spent = heuristic(Limit.TIME, "no time left for the engine")
        sol = Solution(spent, hint, problem.objective(hint), None, engine="none")
    else:
        left = max(1.0, left)
        sol = _run_engine(
            engine, problem, replace(params, time_limit_s=left), start, hint, on_improve
        )
    chosen, termination, objective, bound = sol.chosen, sol.termination, sol.objective, sol.bound
    if (
        objective is not None
        and termination.status is not Status.OPTIMAL
        and problem.objective(hint) < objective
    ):
        # a limit stopped the engine below the plan it started from: keep that one
        chosen, objective = hint, problem.objective(hint)
    candidate_bound = bound
    if pricing is not None:
        # The engine's bound holds over the candidates only; pricing's over every schedule.
        bound = pricing.lp_bound if sol.status is not Status.INFEASIBLE else None
        termination = _over_every_schedule(termination, objective, bound, params, pricing)
    elif bound is not None:
        bound = max(bound, capacity_free_bound(problem)["objective"])
    if sol.status is Status.UNKNOWN and problem.feasible(hint):
        # A limit came before the engine found a plan: keep the one it started from.
        chosen, termination = hint, heuristic(termination.limit)
        objective = problem.objective(hint)
    plan = assemble(problem.cs, chosen) if termination.has_plan else None
    if plan is not None:
        if pricing is None:
            why = "it is not among the candidates (pricing is off)"
        elif termination.status is Status.OPTIMAL:
            why = "serving it would cost more than leaving it (check the weights)"
        else:
            why = f"the plan is not proven optimal over every schedule ({termination})"
        plan = check_capacity_reasons(plan, cs, chosen, params, why)
    stats = SolveStats(
        engine=sol.engine or str(engine),
        orders=len(book),
        candidates=len(cs.candidates),
        capacity_rows=len(problem.rows),
        greedy_objective=problem.objective(start) / SCALE,
        overbooked_resources=tuple(tuple(map(str, k)) for k in problem.overbooked),
        build_s=None if engine is Engine.GREEDY else sol.build_s,
        solve_s=None if engine is Engine.GREEDY else sol.solve_s,
        engine_stats=sol.stats,
        pricing=None if pricing is None else pricing.to_dict(),
        candidate_bound=None if candidate_bound is None else candidate_bound / SCALE,
    )
    cs.memo = None  # (the problem it keeps points back at cs: no cycle to outlive the solve)
    return SolveResult(
        termination=termination,
        engine=sol.engine or str(engine),
        plan=plan,
        bounds=ObjectiveBounds(
            primal=None if objective is None or plan is None else objective / SCALE,
            dual=None if bound is None else bound / SCALE,
        ),
        wall_s=time.perf_counter() - t0,
        params={
            **params.to_dict(),
            "network": recorded_source(network.source),
            "orders": recorded_source(book.source),
        },
        input_hashes=input_hashes(network, book),
        stats=stats,
        versions=package_versions(),
    )


def _run_engine(
    engine: Engine,
    problem,
    params: SolveParams,
    start: list[int],
    hint: list[int],
    on_improve: Improvement | None,
) -> Solution:
    """Solve ``problem`` with ``engine``. ``auto`` runs HiGHS (the LP relaxation is
    nearly integral: it proves most books in a second) and, when HiGHS stops short of
    a proof, CP-SAT from HiGHS's plan for the time left; the better plan and the
    higher bound are kept."""
    if engine is Engine.GREEDY:
        return Solution(heuristic(), start, problem.objective(start), None)
    if engine is Engine.CP_SAT:
        from logistics.solve.cpsat import solve_cpsat  # OR-Tools loads on the first solve

        return solve_cpsat(problem, params, hint, on_improve)
    from logistics.solve.milp import solve_highs

    t0 = time.perf_counter()
    sol = solve_highs(problem, params, hint)
    if engine is Engine.HIGHS or sol.status in (Status.OPTIMAL, Status.INFEASIBLE):
        return replace(sol, engine=str(Engine.HIGHS)) if engine is Engine.AUTO else sol
    from logistics.solve.cpsat import solve_cpsat

    left = params.time_limit_s - (time.perf_counter() - t0)
    if left < 1.0:
        return replace(sol, engine=str(Engine.HIGHS))
    polish = solve_cpsat(
        problem, replace(params, time_limit_s=left), sol.chosen or hint, on_improve
    )
    keep = polish.objective is not None and (
        sol.objective is None or polish.objective <= sol.objective
    )
    better = polish if keep else sol
    bounds = [b for b in (sol.bound, polish.bound) if b is not None]
    bound = max(bounds) if bounds else None
    termination = better.termination
    if better.objective is not None and proven(better.objective, bound):
        termination = Termination(reason=TerminationReason.OPTIMAL)
    return replace(
        better, termination=termination, bound=bound, engine=f"{Engine.HIGHS}+{Engine.CP_SAT}"
    )


def _fix_lp(
    problem, x: list[float], params: SolveParams, pricing: PricingStats | None, t0: float
) -> Solution | None:
    """The last pricing LP's solution made whole: every order it serves whole keeps its
    candidate, HiGHS solves the few orders left on the capacity they leave (see
    :func:`logistics.solve.greedy.residual`). OPTIMAL (or GAP_LIMIT) when pricing's
    bound over every schedule proves it within the relative gap asked, FEASIBLE
    otherwise; None when no plan came of it in the time left."""
    from logistics.solve.milp import solve_highs

    left = params.time_limit_s - (time.perf_counter() - t0)
    if left < 1.0:
        return None  # no time (10,000 orders: the residual alone would take 1.9 s)
    sub, fixed, keep = residual(problem, x)
    if 2 * len(fixed) < sum(1 for cands in problem.by_order if cands):
        return None  # the LP is far from whole: the engine's problem
    left = params.time_limit_s - (time.perf_counter() - t0)
    if left < 1.0:
        return None
    sol = solve_highs(sub, replace(params, time_limit_s=left))
    if not sol.termination.has_plan:
        return None
    chosen = fixed + [keep[i] for i in sol.chosen]
    if not problem.feasible(chosen):  # (an LP stopped by its limit is not whole)
        return None
    objective = problem.objective(chosen)
    bound = None if pricing is None else pricing.lp_bound
    feasible = Termination(reason=TerminationReason.FEASIBLE, detail="LP made whole")
    return Solution(
        _proof(objective, bound, params) or feasible,
        chosen,
        objective,
        bound,
        build_s=sol.build_s,
        solve_s=sol.solve_s,
        stats=sol.stats,
        engine=f"{Engine.HIGHS} (LP made whole)",
    )


def _over_every_schedule(
    termination: Termination,
    objective: int | None,
    bound: float | None,
    params: SolveParams,
    pricing: PricingStats,
) -> Termination:
    """An engine's proof covers the candidates; the plan is optimal over every
    schedule only when pricing's bound proves it too."""
    if termination.status is not Status.OPTIMAL or objective is None:
        return termination
    return _proof(objective, bound, params) or Termination(
        reason=TerminationReason.CANDIDATES_OPTIMAL,
        detail="" if pricing.closed else f"pricing stopped: {pricing.stopped}",
    )


def _proof(objective: int, bound: float | None, params: SolveParams) -> Termination | None:
    """OPTIMAL when pricing's ``bound`` over every schedule proves ``objective``,
    GAP_LIMIT when it is within the relative gap asked, else None."""
    if bound is None:
        return None
    if proven(objective, bound):
        return Termination(reason=TerminationReason.OPTIMAL)
    if (objective - bound) / max(1.0, abs(objective)) <= params.relative_gap:
        return Termination(reason=TerminationReason.GAP_LIMIT, limit=Limit.GAP)
    return None


def input_hashes(network: Network, book: OrderBook) -> dict[str, str]:
    """The SHA-256 of each input file, as summary.json records them (``network/<file>``
    and ``orders``)."""
    return {
        **{f"network/{k}": v for k, v in network.input_hashes.items()},
        **({"orders": book.sha256} if book.sha256 else {}),
    }


def recorded_source(source: str) -> str:
    """An input's source as summary.json records it: absolute when it names a file or
    folder that exists (so the plan can be checked from another folder), else as
    given (a stream's name)."""
    if source and Path(source).exists():
        return str(Path(source).resolve())
    return source


def package_versions() -> dict[str, str]:
    """The versions of this package and the solver packages (summary.json records them)."""
    out = {}
    for package in ("atmp-logistics", "ortools", "highspy", "networkx", "numpy", "holidays"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out
