"""The engine against the model: CP-SAT against exhaustive enumeration of the
solver's own candidate model on tiny books (up to 4 orders).

This checks the engine (CP-SAT, greedy, the integer objective), not the model: the
schedules enumerated are the ones ``build_candidates`` produced. Whether the model
holds every schedule the data contract allows is test_brute_force.py's question.

Each book is built on the tiny bundle with ``generate_orders``; the candidate model
(``build_candidates`` + ``build_problem``) is enumerated completely: every order takes
one of its candidates or none, selections that ``Problem.feasible`` rejects are
dropped, and the least ``Problem.objective`` is the true optimum of the model.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from solve_helpers import EXACT, START, brute_force, map_slots, scaled, set_weekly

from logistics.solve import SolveParams, Status, Weights, build_candidates, build_problem, solve
from logistics.solve.cpsat import solve_cpsat
from logistics.solve.greedy import greedy
from logistics.solve.problem import SCALE, Problem
from logistics.synth import generate_orders


def _book(net, n, seed, days=10):
    return generate_orders(net, n, START, days, seed, committed_share=0)


def _assert_matches_brute_force(net, book, params: SolveParams = EXACT) -> Problem:
    cs = build_candidates(net, book, params.quantile)
    problem = build_problem(cs, params)
    best, _ = brute_force(problem)

    result = solve(net, book, params)
    assert result.status is Status.OPTIMAL
    assert scaled(result) == best

    sol = solve_cpsat(problem, params)
    assert sol.status is Status.OPTIMAL
    assert problem.feasible(sol.chosen)
    assert problem.objective(sol.chosen) == sol.objective == best
    assert sol.bound <= best + 1e-6

    start = greedy(problem)
    assert problem.feasible(start)
    assert problem.objective(start) >= best
    assert result.stats.greedy_objective * SCALE == pytest.approx(problem.objective(start))

    scheduled = sum(p.status == "scheduled" for p in result.plan.orders)
    assert scheduled == len({problem.orders[c] for c in sol.chosen}) or unserved_ties(problem)
    return problem


def unserved_ties(problem: Problem) -> bool:
    """True when serving some candidate costs exactly its order's penalty, so optima
    may differ in how many orders they serve."""
    return any(
        problem.coef[i] == problem.penalty[problem.orders[i]] for i in range(len(problem.coef))
    )


@pytest.mark.parametrize("slots", [1, 2], ids=["1-slot", "2-slots"])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", range(10))
def test_cp_sat_matches_brute_force(tiny, seed, n, slots):
    """With relative_gap 0, CP-SAT's optimal objective equals the least objective over
    every feasible selection, its selection is feasible, and greedy is never better;
    with one manufacturing slot capacity binds."""
    net, _ = tiny
    net = map_slots(net, "manufacturing", lambda s: min(s, slots))
    _assert_matches_brute_force(net, _book(net, n, seed))


def test_tiny_book_with_frozen_order_matches_brute_force(tiny, tight):
    """The shipped tiny books, with a frozen order holding capacity (and, in the
    tight bundle, cancelled and unservable orders), match the brute-force optimum."""
    for net, book in (tiny, tight):
        _assert_matches_brute_force(net, book)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 4),
    days=st.integers(3, 12),
    week=st.lists(st.integers(0, 2), min_size=7, max_size=7),
    unserved_penalty=st.sampled_from([5.0, 400.0, 100000.0]),
    v2v_per_h=st.sampled_from([0.0, 1.0, 10.0]),
    cost_per_eur=st.sampled_from([0.0, 0.1, 2.0]),
)
def test_random_capacity_and_weights_match_brute_force(
    tiny, seed, n, days, week, unserved_penalty, v2v_per_h, cost_per_eur
):
    """For random weekly manufacturing slots (0-2 per weekday, so some days close) and
    random weights (a small unserved penalty makes leaving an order unserved pay off),
    CP-SAT's optimum equals the brute-force optimum and greedy is never better."""
    net, _ = tiny
    net = set_weekly(net, "MFG-LEI", "manufacturing", tuple(week))
    weights = Weights(
        unserved_penalty=unserved_penalty, v2v_per_h=v2v_per_h, cost_per_eur=cost_per_eur
    )
    params = SolveParams(workers=1, time_limit_s=10, relative_gap=0.0, weights=weights)
    _assert_matches_brute_force(net, _book(tiny[0], n, seed, days), params)
