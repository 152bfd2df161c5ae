"""The HiGHS baseline and the capacity-free bound against CP-SAT on tiny books.

Books are the tiny bundle's orders.csv and ``generate_orders`` books on the tiny
bundle with the manufacturing slots cut to one a day, so capacity binds.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics as lg
from logistics.model.capacity import Capacity
from logistics.solve import SolveParams, Status, build_candidates, build_problem, solve
from logistics.solve.bounds import capacity_free_bound, v2v_excess
from logistics.solve.cpsat import solve_cpsat
from logistics.solve.greedy import greedy
from logistics.solve.problem import SCALE, Problem
from logistics.solve.stats import HighsStats
from logistics.synth import generate_orders

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
EXACT = SolveParams(workers=1, time_limit_s=10, relative_gap=0.0, seed=0)


@pytest.fixture(scope="module")
def tiny_net():
    """The tiny bundle."""
    return lg.read_network(TINY)


@pytest.fixture()
def highspy():
    """highspy, or a skip when the milp extra is not installed."""
    return pytest.importorskip("highspy")


def _one_slot(net):
    """``net`` with at most one manufacturing slot per site and day."""
    cap = net.capacity
    weekly = {
        key: tuple(min(s, 1) for s in week) if key[1] == "manufacturing" else week
        for key, week in cap.weekly.items()
    }
    dated = {key: min(s, 1) if key[1] == "manufacturing" else s for key, s in cap.dated.items()}
    return dataclasses.replace(net, capacity=Capacity(weekly=weekly, dated=dated))


def _books(net):
    """(name, network, book) cases: the tiny orders.csv, then generated books with
    capacity cut to one manufacturing slot a day."""
    yield "orders.csv", net, lg.read_orders(TINY / "orders.csv", net)
    tight = _one_slot(net)
    for n, seed in [(3, 0), (5, 1), (8, 2)]:
        book = generate_orders(tight, n, date(2026, 12, 7), days=10, seed=seed)
        yield f"{n} orders seed {seed}", tight, book


def _problem(net, book) -> Problem:
    return build_problem(build_candidates(net, book, EXACT.quantile), EXACT)


def test_highs_and_cp_sat_reach_the_same_optimum(tiny_net, highspy):
    """With no relative gap, HiGHS and CP-SAT (one worker) both prove optimality with
    the same objective, both selections pass ``Problem.feasible``, and each reported
    objective is ``Problem.objective`` of its own selection."""
    from logistics.solve.milp import solve_highs

    for name, net, book in _books(tiny_net):
        problem = _problem(net, book)
        cp = solve_cpsat(problem, EXACT)
        mip = solve_highs(problem, EXACT)
        assert cp.status is Status.OPTIMAL, name
        assert mip.status is Status.OPTIMAL, (name, mip.termination, mip.stats)
        assert mip.objective == cp.objective, name
        assert problem.feasible(cp.chosen) and problem.feasible(mip.chosen), name
        assert problem.objective(mip.chosen) == mip.objective, name
        assert mip.bound is not None and mip.bound <= mip.objective + 1e-6, name
        assert isinstance(mip.stats, HighsStats) and mip.solve_s >= 0, name
        assert mip.stats.nodes >= 0, name


def test_capacity_binds_in_the_generated_books(tiny_net):
    """The one-slot books are not trivial: in at least one of them some capacity row
    has fewer free slots than candidates, and greedy is not better than CP-SAT."""
    binding = False
    for _name, net, book in list(_books(tiny_net))[1:]:
        problem = _problem(net, book)
        binding |= any(cap < len(set(c)) for _, cap, c in problem.rows)
        cp = solve_cpsat(problem, EXACT)
        assert problem.objective(greedy(problem)) >= cp.objective
    assert binding


def test_capacity_free_bound_is_below_both_engines(tiny_net, highspy):
    """The capacity-free objective is <= the optimum of both engines, and every chosen
    candidate's v2v is >= its order's capacity-free least v2v (excess >= 0)."""
    from logistics.solve.milp import solve_highs

    for name, net, book in _books(tiny_net):
        problem = _problem(net, book)
        bound = capacity_free_bound(problem)
        assert len(bound["v2v_h"]) == len(book), name
        for sol in (solve_cpsat(problem, EXACT), solve_highs(problem, EXACT)):
            assert bound["objective"] <= sol.objective, name
            for c in sol.chosen:
                least = bound["v2v_h"][problem.orders[c]]
                assert least is not None and least <= problem.cs.candidates[c].v2v_h + 1e-9
            excess = v2v_excess(problem, sol.chosen, bound)
            assert excess is None or excess >= -1e-9, name


def test_capacity_free_bound_is_exact_without_competition(tiny_net):
    """With one order there is no competition: the capacity-free objective equals the
    optimum and the least v2v is the minimum over that order's candidates."""
    net = tiny_net
    book = generate_orders(net, 1, date(2026, 12, 7), days=5, seed=3, committed_share=0)
    problem = _problem(net, book)
    assert problem.by_order[0], "the order has candidates"
    bound = capacity_free_bound(problem)
    assert bound["objective"] == solve_cpsat(problem, EXACT).objective
    assert bound["v2v_h"][0] == min(problem.cs.candidates[i].v2v_h for i in problem.by_order[0])
    assert bound["servable"] == 1


def test_engine_highs_through_solve(tiny_net, highspy):
    """``solve(..., engine="highs")`` returns an optimal plan whose objective equals
    the CP-SAT engine's on the same book, with HiGHS named in the stats."""
    for name, net, book in _books(tiny_net):
        res = solve(net, book, EXACT, engine="highs")
        ref = solve(net, book, EXACT)
        assert res.status is Status.OPTIMAL, name
        assert res.engine == res.stats.engine == "highs", name
        assert isinstance(res.stats.engine_stats, HighsStats), name
        assert res.plan is not None, name
        assert round(res.objective_value() * SCALE) == round(ref.objective_value() * SCALE), name


def test_greedy_start_and_thread_changes(tiny_net, highspy):
    """A greedy start solution does not change the optimum, and solving with one then
    two threads works (HiGHS's process-wide scheduler is resized between runs)."""
    from logistics.solve.milp import solve_highs

    _name, net, book = list(_books(tiny_net))[-1]
    problem = _problem(net, book)
    plain = solve_highs(problem, EXACT)
    hinted = solve_highs(problem, EXACT, greedy(problem))
    two = solve_highs(problem, dataclasses.replace(EXACT, workers=2))
    again = solve_highs(problem, EXACT)
    for sol in (hinted, two, again):
        assert sol.status is Status.OPTIMAL
        assert sol.objective == plain.objective


def test_no_candidates_is_optimal_at_the_penalties(tiny_net, highspy):
    """A problem without candidates is solved without HiGHS: optimal, nothing chosen,
    objective the sum of the penalties."""
    from logistics.solve.milp import solve_highs

    cs = build_candidates(tiny_net, lg.read_orders(TINY / "orders.csv", tiny_net))
    problem = Problem(cs=cs, coef=[], penalty=[5, 7], orders=[], rows=[], by_order=[[], []])
    sol = solve_highs(problem, EXACT)
    assert (sol.status, sol.chosen, sol.objective) == (Status.OPTIMAL, [], 12)


def test_missing_highspy_says_how_to_install(tiny_net, monkeypatch):
    """Without highspy the engine raises RuntimeError saying how to install it."""
    from logistics.solve.milp import solve_highs

    monkeypatch.setitem(sys.modules, "highspy", None)  # import highspy -> ImportError
    problem = _problem(tiny_net, lg.read_orders(TINY / "orders.csv", tiny_net))
    with pytest.raises(RuntimeError, match=r"pip install highspy"):
        solve_highs(problem, EXACT)


def test_auto_engine_runs_highs_then_cp_sat_when_highs_stops_short(tiny_net, monkeypatch):
    """`auto` runs HiGHS; when HiGHS proves nothing (here: stopped by a limit on its
    first plan), CP-SAT continues from that plan. Every run gives the optimum of
    CP-SAT alone, and the reported bound never exceeds the objective."""
    from logistics.solve import milp
    from logistics.solve.termination import Limit, Termination, TerminationReason

    book = lg.read_orders(TINY / "orders.csv", tiny_net)
    exact = dataclasses.replace(EXACT, pricing_rounds=0)  # (with pricing see the next test)
    alone = lg.solve(tiny_net, book, exact, engine="cp-sat")
    auto = lg.solve(tiny_net, book, exact, engine="auto")
    real = milp.solve_highs

    def stopped(problem, params, hint=None):
        sol = real(problem, params, hint)
        worse = greedy(problem)
        stop = Termination(reason=TerminationReason.FEASIBLE, limit=Limit.TIME)
        return dataclasses.replace(
            sol, termination=stop, chosen=worse, objective=problem.objective(worse), bound=None
        )

    monkeypatch.setattr(milp, "solve_highs", stopped)
    polished = lg.solve(tiny_net, book, exact, engine="auto")
    assert (auto.engine, polished.engine) == ("highs", "highs+cp-sat")
    for result in (auto, polished):
        assert result.status is Status.OPTIMAL
        assert result.objective_value() == pytest.approx(alone.objective_value())
        assert result.bounds.dual is not None
        assert result.bounds.dual <= result.objective_value() + 1e-6


def test_auto_engine_keeps_the_lp_made_whole_only_when_the_bound_proves_it():
    """With pricing, `auto` first makes the last master LP whole (its integral part
    kept, HiGHS on the rest). On the first 120 example orders that plan is returned
    without a full MILP only when it is within the relative gap asked of the bound over
    every schedule; it passes the checker and is no worse than the MILP's plan on the
    grown candidates by more than that gap."""
    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:120], source=full.source)
    params = dataclasses.replace(EXACT, relative_gap=0.005)
    auto = lg.solve(net, book, params, engine="auto")
    milp_plan = lg.solve(net, book, params, engine="highs")
    assert auto.engine == "highs (LP made whole)"
    assert auto.status is Status.OPTIMAL
    assert lg.check(auto.plan, net, book) == []
    gap = params.relative_gap * auto.objective_value()
    assert auto.bounds.dual <= auto.objective_value() <= auto.bounds.dual + gap + 1e-6
    assert auto.objective_value() <= milp_plan.objective_value() + gap + 1e-6
    tight = lg.solve(net, book, dataclasses.replace(EXACT, relative_gap=0.0), engine="auto")
    assert (
        tight.engine != "highs (LP made whole)"
        or tight.bounds.dual >= tight.objective_value() - 1e-6
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 50), noise=st.lists(st.floats(0, 1), min_size=1, max_size=400))
def test_rounding_an_lp_solution_gives_a_feasible_plan(tiny_net, seed, noise):
    """Any LP values round to a feasible selection; an optimal selection given as
    0/1 values rounds to a plan as good as it."""
    from logistics.solve.greedy import rounded

    book = generate_orders(tiny_net, 6, date(2026, 12, 7), 5, seed, committed_share=0)
    problem = _problem(tiny_net, book)
    x = [noise[i % len(noise)] for i in range(len(problem.coef))]
    assert problem.feasible(rounded(problem, x))
    best = solve_cpsat(problem, EXACT)
    exact = [1.0 if i in set(best.chosen) else 0.0 for i in range(len(problem.coef))]
    plan = rounded(problem, exact)
    assert problem.feasible(plan)
    assert problem.objective(plan) == best.objective
