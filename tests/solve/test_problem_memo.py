"""build_problem keeps what it worked out per candidate on the candidate set: building
again after the set changed (candidates appended by pricing, replaced by the Monte
Carlo's risk, dropped by a cap) gives exactly the problem a fresh build gives."""

from __future__ import annotations

import dataclasses

import pytest

import logistics as lg
from logistics.solve import SolveParams, solve
from logistics.solve.candidates import build_candidates
from logistics.solve.params import Weights
from logistics.solve.problem import Problem, build_problem


@pytest.fixture(scope="module")
def built():
    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:120], source=full.source)
    return net, book, build_candidates(net, book)


def _fresh(cs, params, previous=None) -> Problem:
    """The problem of a copy of ``cs`` that has no memo (replace() never carries it)."""
    clone = dataclasses.replace(cs, candidates=list(cs.candidates))
    assert clone.memo is None
    return build_problem(clone, params, previous)


def _as_tuple(p: Problem) -> tuple:
    return (p.coef, p.penalty, p.orders, p.rows, p.overbooked)


def test_a_grown_set_builds_as_a_fresh_one(built):
    """Half the candidates, then all of them (as pricing appends): the second build
    reuses the first's work (the memo has seen every candidate) and equals a fresh
    build, rows in the same order."""
    _net, _book, cs = built
    params = SolveParams()
    half = len(cs.candidates) // 2
    grown = dataclasses.replace(cs, candidates=list(cs.candidates[:half]))
    first = build_problem(grown, params)
    assert _as_tuple(first) == _as_tuple(_fresh(grown, params))
    grown.candidates.extend(cs.candidates[half:])
    again = build_problem(grown, params)
    assert len(grown.memo.seen) == len(cs.candidates)
    assert _as_tuple(again) == _as_tuple(_fresh(grown, params))
    assert len(first.coef) == half  # the earlier problem is not grown with the memo
    assert all(max(cands) < half for _key, _cap, cands in first.rows)


def test_replaced_and_dropped_candidates_are_worked_out_again(built):
    """A candidate replaced in place (another risk: another coefficient) and one
    dropped (the others renumbered): the next build equals a fresh one."""
    _net, _book, cs = built
    params = SolveParams(weights=Weights(risk=1000.0))
    changed = dataclasses.replace(cs, candidates=list(cs.candidates))
    before = build_problem(changed, params)
    i = len(changed.candidates) // 3
    changed.candidates[i] = changed.candidates[i]._replace(risk=0.5)
    after = build_problem(changed, params)
    assert after.coef[i] != before.coef[i]
    assert _as_tuple(after) == _as_tuple(_fresh(changed, params))
    del changed.candidates[5]
    dropped = build_problem(changed, params)
    assert len(dropped.coef) == len(before.coef) - 1
    assert _as_tuple(dropped) == _as_tuple(_fresh(changed, params))


def test_weights_and_previous_plans_have_their_own_coefficients(built):
    """The same set built under other weights, and with last night's plan (its
    stability terms), gives each time what a fresh build gives."""
    net, book, cs = built
    own = dataclasses.replace(cs, candidates=list(cs.candidates))
    plain = build_problem(own, SolveParams())
    other = SolveParams(weights=Weights(v2v_per_h=1.0))
    assert _as_tuple(build_problem(own, other)) == _as_tuple(_fresh(own, other))
    previous = solve(net, book, SolveParams(time_limit_s=20, pricing_rounds=0)).plan
    assert previous is not None
    stable = build_problem(own, SolveParams(), previous)
    assert stable.coef != plain.coef
    assert _as_tuple(stable) == _as_tuple(_fresh(own, SolveParams(), previous))
    assert _as_tuple(build_problem(own, SolveParams())) == _as_tuple(plain)


def test_an_unchanged_set_gives_the_problem_built_last(built):
    """Building again with nothing changed (pricing stopped at its bounds) returns the
    problem built last; other weights, a replaced candidate or one more candidate
    build anew, equal to a fresh build."""
    _net, _book, cs = built
    own = dataclasses.replace(cs, candidates=list(cs.candidates[:-1]))
    params = SolveParams()
    first = build_problem(own, params)
    assert build_problem(own, params) is first
    other = dataclasses.replace(params, weights=dataclasses.replace(params.weights, risk=7.0))
    assert build_problem(own, other) is not first
    own.candidates[0] = own.candidates[0]._replace(risk=0.25)
    changed = build_problem(own, params)
    assert changed is not first and _as_tuple(changed) == _as_tuple(_fresh(own, params))
    own.candidates.append(cs.candidates[-1])
    grown = build_problem(own, params)
    assert grown is not changed and _as_tuple(grown) == _as_tuple(_fresh(own, params))
