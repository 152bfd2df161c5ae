"""Reproducibility: one worker, a seed and a deterministic time limit give the same
plan twice, on the 200-order example book of the default European bundle."""

from __future__ import annotations

import pytest

import logistics as lg
from logistics.solve import Limit, SolveParams, Status, TerminationReason, solve


@pytest.fixture(scope="module")
def example():
    """The default bundle and the example order book (200 orders)."""
    net = lg.read_network()
    return net, lg.read_orders(None, net)


def _selected(plan) -> list[tuple]:
    return [(p.order_id, p.status, p.manufacturing_site, p.apheresis_time) for p in plan.orders]


@pytest.mark.parametrize(
    "limit",
    [5.0, 0.1],
    ids=["to-optimality", "deterministic-limit-binds"],
)
def test_same_inputs_same_plan(example, limit):
    """Two solves with workers=1, seed 7 and the same deterministic_time_s return equal
    plans (same order, site, apheresis and itineraries) and the same objective: both
    when the solve finishes and when the deterministic limit stops it early."""
    net, book = example
    params = SolveParams(
        workers=1, time_limit_s=30, seed=7, deterministic_time_s=limit, relative_gap=0.0
    )
    a, b = solve(net, book, params), solve(net, book, params)
    assert a.plan is not None and b.plan is not None
    assert a.status == b.status
    assert a.objective_value() == b.objective_value()
    assert _selected(a.plan) == _selected(b.plan)
    assert a.plan == b.plan
    if limit == 5.0:
        assert a.status is Status.OPTIMAL


def test_limit_before_first_solution_keeps_greedy_plan(example):
    """A deterministic limit too short for CP-SAT to find any solution still returns a
    plan: the greedy one, as FEASIBLE with its objective (never 'no plan' when a
    feasible selection is known)."""
    net, book = example
    params = SolveParams(workers=1, time_limit_s=30, seed=7, deterministic_time_s=0.001)
    result = solve(net, book, params)
    assert result.status is Status.FEASIBLE
    assert result.plan is not None
    assert result.objective_value() == pytest.approx(result.stats.greedy_objective)
    assert result.termination.reason is TerminationReason.HEURISTIC
    assert result.termination.limit is Limit.DETERMINISTIC_TIME
