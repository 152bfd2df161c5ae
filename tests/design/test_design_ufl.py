"""The facility-location bound of the design model against brute force over every
open set (``logistics.design.lp.ufl_bound``)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.design.lp import ufl_bound


def _exact(open_value, least, y_bounds, max_open, batch_room=()) -> float:
    """The least objective over every open set the bounds allow: each
    order at its least among the open groups (the last is always open), or left out
    at 0; with ``batch_room``, an open site takes at most that many orders (orders
    assigned to sites by brute force too)."""
    m = len(open_value)
    k_n, g_n = least.shape
    best = math.inf
    for y in itertools.product((0, 1), repeat=m):
        if any(not lo <= v <= hi for v, (lo, hi) in zip(y, y_bounds, strict=True)):
            continue
        if max_open is not None and sum(y) > max_open:
            continue
        fixed = sum(v * f for v, f in zip(y, open_value, strict=True))
        open_groups = [g for g in range(g_n) if g == g_n - 1 or y[g]]
        if not batch_room:
            value = fixed + sum(min(0.0, *(least[k, g] for g in open_groups)) for k in range(k_n))
        else:
            value = math.inf
            for pick in itertools.product([None, *open_groups], repeat=k_n):
                load = [0] * m
                for g in pick:
                    if g is not None and g < m:
                        load[g] += 1
                if any(load[j] > batch_room[j] for j in range(m)):
                    continue
                value = min(
                    value, fixed + sum(least[k, g] for k, g in enumerate(pick) if g is not None)
                )
        best = min(best, value)
    return best


@st.composite
def instances(draw, batch: bool = False, alike: bool = False):
    """``alike``: the orders share at most two rows of costs (one class each in the
    bound's model, counted as many times as they repeat)."""
    m = draw(st.integers(1, 4))
    k_n = draw(st.integers(1, 4 if batch else 7))
    cell = st.one_of(st.just(0.0), st.floats(-5e8, -1.0, allow_nan=False))
    rows = [[draw(cell) for _ in range(m + 1)] for _ in range(2 if alike else k_n)]
    pick = [draw(st.integers(0, 1)) if alike else k for k in range(k_n)]
    least = np.array([rows[i] for i in pick], dtype=float)
    open_value = [draw(st.floats(-1e6, 4e7, allow_nan=False)) for _ in range(m)]
    y_bounds = [
        draw(st.sampled_from([(0.0, 1.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)])) for _ in range(m)
    ]
    max_open = draw(st.one_of(st.none(), st.integers(0, m)))
    room = [float(draw(st.integers(0, k_n))) for _ in range(m)] if batch else []
    return open_value, least, y_bounds, max_open, room


def _feasible(y_bounds, max_open) -> bool:
    forced = sum(lo for lo, _ in y_bounds)
    return max_open is None or forced <= max_open


@settings(max_examples=60, deadline=None)
@given(st.one_of(instances(), instances(alike=True)))
def test_bound_is_the_optimum(inst) -> None:
    """Without batch rooms the MILP finishes: its bound never exceeds the brute-force
    optimum, and equals it (to its tolerance) unless ``max_open`` shuts an order's
    every site (the left-out cost is capped there)."""
    open_value, least, y_bounds, max_open, _ = inst
    if not _feasible(y_bounds, max_open):
        return
    exact = _exact(open_value, least, y_bounds, max_open)
    bound = ufl_bound(open_value, least, y_bounds, max_open)
    assert bound <= exact + 1e-6 * max(1.0, abs(exact)) + 1e-3
    if max_open is None:
        assert bound >= exact - 1e-4 * max(1.0, abs(exact))


@settings(max_examples=40, deadline=None)
@given(st.one_of(instances(batch=True), instances(batch=True, alike=True)))
def test_bound_with_batch_rooms_never_exceeds_the_optimum(inst) -> None:
    """With each open site's room for orders, the bound stays at or below the brute
    force optimum."""
    open_value, least, y_bounds, max_open, room = inst
    if not _feasible(y_bounds, max_open):
        return
    exact = _exact(open_value, least, y_bounds, max_open, room)
    bound = ufl_bound(open_value, least, y_bounds, max_open, batch_room=room)
    assert bound <= exact + 1e-6 * max(1.0, abs(exact)) + 1e-3


def test_alike_orders_with_rooms_bound_as_the_brute_force_optimum() -> None:
    """Six alike orders, two sites of room 2 and 3 (the cheaper one full first) and a
    dearer site always open: the classes keep the rooms exact, so the bound is the
    optimum (a class counted once would fit in either site)."""
    least = np.array([[-100.0, -90.0, -10.0]] * 6)
    open_value = [50.0, 50.0]
    bounds = [(0.0, 1.0), (0.0, 1.0)]
    exact = _exact(open_value, least, bounds, None, [2.0, 3.0])
    assert exact == 100.0 - 200.0 - 270.0 - 10.0
    bound = ufl_bound(open_value, least, bounds, None, batch_room=[2.0, 3.0])
    assert abs(bound - exact) < 1e-6
