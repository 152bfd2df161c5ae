"""Reproducibility: one worker, a seed and a deterministic time limit give the same
plan twice, and that plan is CP-SAT's own (strictly better than the greedy plan that
hints it), not the greedy fallback returned when the limit comes first."""

from __future__ import annotations

import pytest
from solve_helpers import TIGHT, bundle

import logistics as lg
from logistics.solve import Limit, SolveParams, Status, TerminationReason, solve


@pytest.fixture(scope="module")
def example():
    """The default bundle and the first 200 orders of the example order book (the
    whole 2026 book is too large to prove optimal in a short deterministic limit)."""
    net = lg.read_network()
    book = lg.read_orders(None, net)
    return net, lg.OrderBook(orders=book.orders[:200], source=book.source)


def _selected(plan) -> list[tuple]:
    return [(p.order_id, p.status, p.manufacturing_site, p.apheresis_time) for p in plan.orders]


def _same_plan_twice(net, book, params: SolveParams):
    a, b = solve(net, book, params), solve(net, book, params)
    assert a.plan is not None and b.plan is not None
    assert a.status == b.status
    assert a.objective_value() == b.objective_value()
    assert _selected(a.plan) == _selected(b.plan)
    assert a.plan == b.plan
    return a


@pytest.mark.parametrize("case", ["example-200", "tight"])
def test_cp_sat_finds_the_same_better_plan_twice(example, case):
    """Two solves with workers=1, seed 7 and the same deterministic limit return equal
    plans (order, site, apheresis, itineraries) and objectives; the plan is CP-SAT's:
    proven optimal over its candidates (pricing's bound over every schedule may stay
    below it), never above the starting plan's objective, and on the example strictly
    below it (so the test would fail if both runs merely returned the starting plan;
    the tight book's LP-rounded start may already be optimal)."""
    net, book = example if case == "example-200" else bundle(TIGHT)
    params = SolveParams(
        workers=1, time_limit_s=60, seed=7, deterministic_time_s=5.0, relative_gap=0.0
    )
    result = _same_plan_twice(net, book, params)
    assert result.termination.reason in (
        TerminationReason.OPTIMAL,
        TerminationReason.CANDIDATES_OPTIMAL,
    )
    assert result.stats.candidate_bound == pytest.approx(result.objective_value())
    assert result.bounds.dual is not None
    assert result.bounds.dual <= result.objective_value() + 1e-6
    assert result.stats.greedy_objective is not None
    assert result.objective_value() <= result.stats.greedy_objective
    if case == "example-200":
        assert result.objective_value() < result.stats.greedy_objective


def test_limit_before_first_solution_keeps_greedy_plan(example):
    """A deterministic limit too short for CP-SAT to find any solution still returns a
    plan: the greedy one, as FEASIBLE with its objective (never 'no plan' when a
    feasible selection is known)."""
    net, book = example
    params = SolveParams(
        workers=1, time_limit_s=30, seed=7, deterministic_time_s=0.001, pricing_rounds=0
    )
    result = solve(net, book, params)
    assert result.status is Status.FEASIBLE
    assert result.plan is not None
    assert result.objective_value() == pytest.approx(result.stats.greedy_objective)
    assert result.termination.reason is TerminationReason.HEURISTIC
    assert result.termination.limit is Limit.DETERMINISTIC_TIME


def test_candidates_are_the_same_built_by_one_or_two_processes(example, monkeypatch):
    """Candidate building split by treatment centre over two forked processes gives the
    same candidate set, in the same order, as one process: candidates, their order
    index lists, the reasons of orders without any, the booked schedules and their
    notes, and the inbound labels kept for pricing."""
    from logistics.solve.candidates import build

    net, book = example
    monkeypatch.setattr(build, "processes", lambda workers: workers)  # even on one core
    one = build.build_candidates(net, book, workers=1)
    two = build.build_candidates(net, book, workers=2)
    orders = book.orders
    shards = build.shards_by(range(len(orders)), lambda k: orders[k].treatment_centre, 2)
    assert len(shards) == 2 and all(shards)  # the split really happened
    assert any(book.orders[k].booked for k in shards[1])  # booked ones in the child too
    assert len(one.candidates) > 1000
    assert one.candidates == two.candidates
    assert one.by_order == two.by_order
    assert list(one.reasons.items()) == list(two.reasons.items())
    assert list(one.frozen.items()) == list(two.frozen.items()) and one.frozen
    assert one.frozen_notes == two.frozen_notes
    assert one.first.keys() == two.first.keys()
    assert all((one.first[key] == two.first[key]).all() for key in one.first)
