"""Termination: each engine's outcome maps to the right reason and the limit that
actually stopped it (never "time limit" when another limit, or none, did)."""

from __future__ import annotations

import dataclasses

import pytest
from solve_helpers import EXACT, START, TINY, bundle, map_slots

from logistics.solve import Engine, build_candidates, build_problem, solve
from logistics.solve.cpsat import solve_cpsat
from logistics.solve.greedy import greedy
from logistics.solve.problem import Problem
from logistics.solve.termination import (
    Limit,
    Status,
    Termination,
    TerminationReason,
    from_cpsat,
    from_highs,
    heuristic,
)
from logistics.synth import generate_orders

R = TerminationReason


@pytest.fixture(scope="module")
def busy() -> Problem:
    """40 generated orders on the tiny bundle with one manufacturing slot a day."""
    net, _ = bundle(TINY)
    net = map_slots(net, "manufacturing", lambda s: 1 if s else 0)
    book = generate_orders(net, 40, START, 21, 3, committed_share=0)
    return build_problem(build_candidates(net, book), EXACT)


def _conflicting(problem: Problem) -> Problem:
    """``problem`` with commitments that already overfill every capacity row."""
    return dataclasses.replace(problem, rows=[(k, -1, c) for k, _, c in problem.rows])


def _cpsat(code: str, objective: int | None = 100, bound: float | None = 100.0, **kw):
    args = dict(wall_s=1.0, deterministic_time=0.5, time_limit_s=10.0, deterministic_limit=None)
    return from_cpsat(code, objective=objective, bound=bound, **{**args, **kw})


def test_cpsat_codes_map_to_reasons_and_limits():
    """CP-SAT OPTIMAL is optimal only when the bound proves it, else the gap limit;
    FEASIBLE and UNKNOWN name the limit that was reached, time or deterministic time,
    and 'undetermined' when neither was."""
    assert _cpsat("OPTIMAL") == Termination(reason=R.OPTIMAL)
    assert _cpsat("OPTIMAL", bound=99.2) == Termination(reason=R.OPTIMAL)  # ceil(99.2) = 100
    assert _cpsat("OPTIMAL", bound=90.0) == Termination(reason=R.GAP_LIMIT, limit=Limit.GAP)
    assert _cpsat("FEASIBLE", bound=90.0, wall_s=10.0).limit is Limit.TIME
    timed = _cpsat("FEASIBLE", bound=90.0, deterministic_time=2.0, deterministic_limit=2.0)
    assert timed == Termination(reason=R.FEASIBLE, limit=Limit.DETERMINISTIC_TIME)
    assert _cpsat("FEASIBLE", bound=90.0).limit is Limit.UNDETERMINED
    none = _cpsat("UNKNOWN", objective=None, bound=None, wall_s=10.0)
    assert none == Termination(reason=R.NO_SOLUTION_FOUND, limit=Limit.TIME)
    assert _cpsat("INFEASIBLE", objective=None, bound=None).reason is R.INFEASIBLE
    assert _cpsat("MODEL_INVALID", objective=None, bound=None).reason is R.MODEL_INVALID


def test_highs_statuses_map_to_reasons_and_limits():
    """HiGHS kOptimal is optimal or gap-limited by the bound; every limit status names
    its own limit, with or without a plan; unknown statuses keep their name."""
    assert from_highs("kOptimal", objective=100, bound=99.5).reason is R.OPTIMAL
    assert from_highs("kOptimal", objective=100, bound=90.0).limit is Limit.GAP
    assert from_highs("kTimeLimit", objective=100, bound=90.0) == Termination(
        reason=R.FEASIBLE, limit=Limit.TIME
    )
    assert from_highs("kTimeLimit", objective=None, bound=None).reason is R.NO_SOLUTION_FOUND
    assert from_highs("kSolutionLimit", objective=100, bound=90.0).limit is Limit.SOLUTION
    assert from_highs("kInterrupt", objective=None, bound=None).limit is Limit.INTERRUPTED
    assert from_highs("kInfeasible", objective=None, bound=None).reason is R.INFEASIBLE
    assert from_highs("kModelError", objective=None, bound=None).reason is R.MODEL_INVALID
    odd = from_highs("kSolveError", objective=None, bound=None)
    assert (odd.reason, odd.limit, odd.detail) == (R.NO_SOLUTION_FOUND, Limit.OTHER, "kSolveError")


def test_status_and_words_follow_the_reason():
    """The coarse status and the words in summary.json derive from reason and limit."""
    cases = [
        (Termination(reason=R.OPTIMAL), Status.OPTIMAL, "optimal"),
        (Termination(reason=R.GAP_LIMIT, limit=Limit.GAP), Status.OPTIMAL, "gap limit"),
        (Termination(reason=R.FEASIBLE, limit=Limit.TIME), Status.FEASIBLE, "time limit"),
        (
            Termination(reason=R.NO_SOLUTION_FOUND, limit=Limit.TIME),
            Status.UNKNOWN,
            "time limit, no plan",
        ),
        (heuristic(), Status.FEASIBLE, "greedy"),
        (heuristic(Limit.TIME), Status.FEASIBLE, "time limit, starting plan"),
        (Termination(reason=R.INFEASIBLE), Status.INFEASIBLE, "infeasible"),
        (Termination(reason=R.MODEL_INVALID), Status.UNKNOWN, "model invalid"),
    ]
    for termination, status, words in cases:
        assert termination.status is status
        assert str(termination) == words


def test_cpsat_optimal_on_the_tiny_book(tiny):
    """A finished CP-SAT solve with no gap asked is proven optimal, no limit."""
    net, book = tiny
    result = solve(net, book, EXACT, engine=Engine.CP_SAT)
    assert result.termination == Termination(reason=R.OPTIMAL)


def test_highs_optimal_on_the_tiny_book(tiny):
    """A finished HiGHS solve with no gap asked is proven optimal, no limit."""
    net, book = tiny
    result = solve(net, book, EXACT, engine="highs")
    assert result.termination == Termination(reason=R.OPTIMAL)


def test_greedy_engine_is_a_heuristic(tiny):
    """The greedy engine proves nothing: heuristic, no limit, status FEASIBLE."""
    net, book = tiny
    result = solve(net, book, EXACT, engine="greedy")
    assert result.termination == heuristic()
    assert result.status is Status.FEASIBLE and result.bounds.dual is None


def test_cpsat_deterministic_limit_without_plan(busy):
    """CP-SAT stopped by a zero deterministic limit has no plan, and says the
    deterministic limit stopped it, not the wall-clock one."""
    sol = solve_cpsat(busy, dataclasses.replace(EXACT, deterministic_time_s=0.0))
    assert sol.termination == Termination(
        reason=R.NO_SOLUTION_FOUND, limit=Limit.DETERMINISTIC_TIME
    )
    assert sol.chosen == [] and sol.objective is None


def test_highs_time_limit_with_and_without_plan(busy):
    """HiGHS stopped by its time limit has a plan when given a start (the greedy one)
    and none without; both say the time limit stopped it."""
    from logistics.solve.milp import solve_highs

    params = dataclasses.replace(EXACT, time_limit_s=0.0)
    with_start = solve_highs(busy, params, greedy(busy))
    assert with_start.termination == Termination(reason=R.FEASIBLE, limit=Limit.TIME)
    assert busy.feasible(with_start.chosen) and with_start.objective is not None
    without = solve_highs(busy, params)
    assert without.termination == Termination(reason=R.NO_SOLUTION_FOUND, limit=Limit.TIME)


def test_conflicting_commitments_are_infeasible_for_both_engines(busy):
    """Commitments that already overfill the capacity rows leave no feasible plan:
    both engines say infeasible (a status, not an exception), with no bound."""
    from logistics.solve.milp import solve_highs

    conflicting = _conflicting(busy)
    for sol in (solve_cpsat(conflicting, EXACT), solve_highs(conflicting, EXACT)):
        assert sol.termination == Termination(reason=R.INFEASIBLE)
        assert sol.status is Status.INFEASIBLE
        assert (sol.chosen, sol.objective, sol.bound) == ([], None, None)


def test_a_spent_time_limit_keeps_the_start_plan_without_an_engine(monkeypatch):
    """When candidates and pricing have spent the wall-clock limit, no engine runs
    (it would overrun the limit building its model): the plan it would have started
    from is returned, feasible, as a heuristic stopped by the time limit."""
    import importlib

    import logistics as lg

    solve_module = importlib.import_module("logistics.solve")

    def no_engine(*_args, **_kw):
        raise AssertionError("the engine ran with no time left")

    monkeypatch.setattr(solve_module, "_run_engine", no_engine)
    net, _ = bundle(TINY)
    book = generate_orders(net, 12, START, 7, 3, committed_share=0)
    params = dataclasses.replace(EXACT, time_limit_s=0.0, deterministic_time_s=None)
    result = solve(net, book, params, engine=Engine.HIGHS)
    assert result.termination == Termination(
        reason=R.HEURISTIC, limit=Limit.TIME, detail="no time left for the engine"
    )
    assert result.plan is not None and lg.check(result.plan, net, book) == []
    assert len(result.plan.served) > 0 and result.stats.engine == "none"
