"""The candidate model as a sparse matrix: its column form and the rows each candidate
holds agree with the problem's own lists, also after pricing grew the candidate set
the problem shares its order lists with."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics as lg
from logistics.model.ledger import Ledger
from logistics.solve import SolveParams
from logistics.solve.candidates import build_candidates
from logistics.solve.greedy import greedy, rounded, urgency
from logistics.solve.problem import Problem, build_problem, held


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


@given(seed=st.integers(0, 2**32 - 1), extra=st.lists(st.integers(0, 10**6), max_size=3))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_feasible_is_one_candidate_per_order_within_every_row(problem, seed, extra):
    """Problem.feasible (the matrix's row loads) says yes exactly when the selection
    has distinct orders and holds no capacity row beyond its room, counted from the
    rows' own lists. Selections sit at the limits: a greedy fill in a random order,
    then up to three more candidates."""
    n = len(problem.coef)
    holds: defaultdict[int, Counter] = defaultdict(Counter)
    for r, (_key, _room, cands) in enumerate(problem.rows):
        for c in cands:
            holds[c][r] += 1
    use: Counter = Counter()
    chosen: list[int] = []
    taken: set[int] = set()
    for c in np.random.default_rng(seed).permutation(n).tolist():
        k = problem.orders[c]
        if k not in taken and all(use[r] + u <= problem.rows[r][1] for r, u in holds[c].items()):
            chosen.append(c)
            taken.add(k)
            use.update(holds[c])
    chosen += [x % n for x in extra]
    pick = Counter(chosen)
    orders = [problem.orders[c] for c in chosen]
    fits = all(sum(pick[c] for c in cands) <= room for _, room, cands in problem.rows)
    assert problem.feasible(chosen) is (len(set(orders)) == len(orders) and fits)


def test_rows_are_the_capacities_that_can_bind(problem):
    """A capacity its candidates hold beyond its room is a row exactly when orders
    taking one candidate each can fill it beyond that room (the sum over orders of
    their most units held); the others can never be exceeded and stay out."""
    cs = problem.cs
    booked = Ledger(cs.network)
    for c in cs.frozen.values():
        booked.take(held(cs, c))
    units: defaultdict = defaultdict(Counter)
    for i, c in enumerate(cs.candidates):
        for key in held(cs, c):
            units[key][i] += 1
    rows = {key: room for key, room, _ in problem.rows}
    dropped = 0
    for key, per in units.items():
        room = max(booked.free(key), 0)
        most: Counter = Counter()
        for i, u in per.items():
            most[problem.orders[i]] = max(most[problem.orders[i]], u)
        if sum(most.values()) > room:
            assert rows.get(key) == room, key
        else:
            assert key not in rows, key
            dropped += sum(per.values()) > room
    assert dropped > 0 and len(rows) > 0  # (the book has both kinds)


def _greedy_reference(problem: Problem, x: list[float] | None) -> list[int]:
    """The greedy plans one candidate at a time: with ``x``, the LP rounding (by
    decreasing value, then coefficient, each worth serving and fitting), then every
    order left (by index; without ``x`` by urgency) its cheapest candidate that fits."""
    free = {key: room for key, room, _ in problem.rows}
    holds: defaultdict[int, list] = defaultdict(list)
    for key, _room, cands in problem.rows:
        for c in cands:
            holds[c].append(key)
    served: set[int] = set()
    chosen: list[int] = []

    def fits(c: int) -> bool:
        return all(free[key] > 0 for key in holds[c])

    def take(c: int) -> None:
        for key in holds[c]:
            free[key] -= 1
        chosen.append(c)
        served.add(problem.orders[c])

    ks = [k for k, cands in enumerate(problem.by_order) if cands]
    if x is None:
        ks.sort(key=urgency(problem.cs.book.orders))
    else:
        lp = [c for c in range(len(problem.coef)) if x[c] > 1e-6]
        for c in sorted(lp, key=lambda c: (-x[c], problem.coef[c], c)):
            k = problem.orders[c]
            if k not in served and problem.coef[c] < problem.penalty[k] and fits(c):
                take(c)
    for k in ks:
        if k in served:
            continue
        for c in sorted(problem.by_order[k], key=lambda c: (problem.coef[c], c)):
            worth = x is None or problem.coef[c] < problem.penalty[k]
            if worth and fits(c):
                take(c)
                break
    return chosen


@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.0, 1.0))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_greedy_plans_match_the_one_at_a_time_rules(problem, seed, share):
    """greedy and rounded (the matrix's compiled first fit) choose what the rules
    one candidate at a time choose, for LP values drawn on a share of the candidates
    (ties included: values of 1, 0.5 or random)."""
    assert greedy(problem) == _greedy_reference(problem, None)
    rng = np.random.default_rng(seed)
    n = len(problem.coef)
    x = np.where(rng.random(n) < share, rng.choice([1.0, 0.5, rng.random()], n), 0.0).tolist()
    assert rounded(problem, x) == _greedy_reference(problem, x)


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
