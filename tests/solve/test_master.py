"""The pricing master LP solved by sifting: the same LP optimum as over every column."""

from __future__ import annotations

import numpy as np
import pytest

import logistics as lg
from logistics.solve import SolveParams
from logistics.solve.candidates import build_candidates
from logistics.solve.pricing.master import solve_master
from logistics.solve.problem import build_problem


@pytest.fixture(scope="module")
def problem():
    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:250], source=full.source)
    return build_problem(build_candidates(net, book), SolveParams())


def _reduced_costs(problem, duals) -> np.ndarray:
    rc = np.asarray(problem.coef, float) - np.asarray(problem.penalty, float)[problem.orders]
    for key, _room, cands in problem.rows:
        np.add.at(rc, np.asarray(cands), duals.pi.get(key, 0.0))
    return rc + np.array([duals.mu.get(k, 0.0) for k in problem.orders])


def test_sifting_reaches_the_lp_optimum_over_every_candidate(problem):
    """Starting from each order's cheapest candidates, sifting ends with the LP value
    of the simplex over every candidate, having left some out, and its prices give
    every candidate a reduced cost >= 0 (so the dual value bounds the LP)."""
    full = solve_master(problem, sift=False)
    sifted = solve_master(problem)
    assert sifted.solved and sifted.complete
    assert len(sifted.working) < len(problem.coef)
    assert sifted.value == pytest.approx(full.value, rel=1e-9)
    assert _reduced_costs(problem, sifted).min() >= -1e-6
    x = sifted.x
    assert len(x) == len(problem.coef) and x.min() >= -1e-9
    for k, cands in enumerate(problem.by_order):
        assert x[cands].sum() <= 1 + 1e-6, k


def test_sifting_from_a_given_working_set_ends_at_the_same_optimum(problem):
    """A master started from another working set (here: one candidate per order, as
    a round after the first starts from the last one's) reaches the same LP value."""
    full = solve_master(problem, sift=False)
    one = np.array([cands[-1] for cands in problem.by_order if cands])
    again = solve_master(problem, start_with=one)
    assert again.complete
    assert again.value == pytest.approx(full.value, rel=1e-9)


def test_sifting_asked_for_a_gap_stops_with_a_bound_within_it(problem):
    """Asked for a gap, sifting may stop before every candidate prices >= 0, but only
    with prices whose Lagrangian bound is within that gap of its working set's LP
    value; the bound stays below the LP optimum over every candidate and the working
    set's LP value above it."""
    full = solve_master(problem, sift=False)
    for gap in (0.05, 0.01, 0.001):
        early = solve_master(problem, gap=gap)
        assert early.solved and (early.complete or early.within)
        assert early.value <= full.value * (1 + 1e-9) + 1e-6
        assert early.lp >= full.value * (1 - 1e-9) - 1e-6
        assert early.lp - early.value <= gap * abs(early.lp) + 1e-6
        if early.within:
            assert _reduced_costs(problem, early).min() >= -1e-6  # (lifted prices)
