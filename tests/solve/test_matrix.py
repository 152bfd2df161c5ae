"""The candidate model as a sparse matrix: its column form and the rows each candidate
holds agree with the problem's own lists, also after pricing grew the candidate set
the problem shares its order lists with."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

import logistics as lg
from logistics.solve import SolveParams
from logistics.solve.candidates import build_candidates
from logistics.solve.problem import Problem, build_problem


@pytest.fixture(scope="module")
def problem():
    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:200], source=full.source)
    return build_problem(build_candidates(net, book), SolveParams())


def test_rows_of_lists_each_unit_a_candidate_holds(problem):
    """rows_of()[c] holds each capacity row's key as many times as the row lists c."""
    want: defaultdict[int, Counter] = defaultdict(Counter)
    for key, _room, cands in problem.rows:
        for c in cands:
            want[c][key] += 1
    rows_of = problem.rows_of()
    assert len(rows_of) == len(problem.coef)
    for c in range(len(problem.coef)):
        assert Counter(rows_of[c]) == want.get(c, Counter()), c


def test_columns_are_the_rows_transposed(problem):
    """Every (row, candidate, units) entry by row is found by column, and no other."""
    mx = problem.matrix()
    by_row = {
        (r, int(c), float(v))
        for r in range(len(mx.upper))
        for c, v in zip(
            mx.index[mx.start[r] : mx.start[r + 1]],
            mx.value[mx.start[r] : mx.start[r + 1]],
            strict=True,
        )
    }
    start, rows, values = mx.columns(np.arange(len(problem.coef)))
    by_col = {
        (int(r), c, float(v))
        for c in range(len(problem.coef))
        for r, v in zip(rows[start[c] : start[c + 1]], values[start[c] : start[c + 1]], strict=True)
    }
    assert by_row == by_col
    assert mx.upper[: len(mx.order_rows)].tolist() == [1.0] * len(mx.order_rows)


def test_a_problem_keeps_its_own_candidates_when_the_set_grows(problem):
    """Candidates appended to the shared order lists after the problem was built (as
    pricing does) stay out of its matrix."""
    n = len(problem.coef)
    grown = [[*cands, n + k] for k, cands in enumerate(problem.by_order)]
    same = Problem(
        cs=problem.cs,
        coef=problem.coef,
        penalty=problem.penalty,
        orders=problem.orders,
        rows=problem.rows,
        by_order=grown,
    )
    mx = same.matrix()
    assert int(mx.index.max()) < n
    assert np.array_equal(mx.index, problem.matrix().index)
