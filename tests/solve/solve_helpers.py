"""Shared helpers of the solver tests: bundles, capacity edits, exact optima, brute force."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import logistics as lg
from logistics.model.capacity import Capacity
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.solve import SolveParams, SolveResult, Status, solve
from logistics.solve.problem import SCALE, Problem

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny"
TIGHT = DATA / "plan" / "tight"
PARALLEL = DATA / "plan" / "parallel"
START = date(2026, 12, 7)  # a Monday

# What the brief asks of every solve in tests: one worker, a 10 s wall limit. These
# test the engines over build_candidates' model, so pricing is off; the model over
# every schedule (pricing on) is test_brute_force.py's and test_pricing.py's.
PARAMS = SolveParams(workers=1, time_limit_s=10, pricing_rounds=0)
# The same, proving optimality exactly (no relative gap).
EXACT = SolveParams(workers=1, time_limit_s=10, relative_gap=0.0, pricing_rounds=0)


def bundle(path: Path) -> tuple[Network, OrderBook]:
    """A bundle folder and its orders.csv."""
    net = lg.read_network(path)
    return net, lg.read_orders(path / "orders.csv", net)


def map_slots(net: Network, resource: str, fn: Callable[[int], int]) -> Network:
    """``net`` with every slot count of ``resource`` (weekly and dated) mapped by ``fn``."""
    cap = net.capacity
    weekly = {
        key: tuple(fn(s) for s in week) if key[1] == resource else week
        for key, week in cap.weekly.items()
    }
    dated = {key: fn(s) if key[1] == resource else s for key, s in cap.dated.items()}
    return dataclasses.replace(net, capacity=Capacity(weekly=weekly, dated=dated))


def set_weekly(net: Network, site: str, resource: str, week: tuple[int, ...]) -> Network:
    """``net`` with the weekly slots of (site, resource) replaced by ``week``."""
    cap = net.capacity
    weekly = {**cap.weekly, (site, resource): tuple(week)}
    return dataclasses.replace(net, capacity=Capacity(weekly=weekly, dated=dict(cap.dated)))


def without_lane(net: Network, lane_id: str) -> Network:
    """``net`` with one listed lane closed."""
    lanes = tuple(lane for lane in net.lanes if lane.lane_id != lane_id)
    assert len(lanes) == len(net.lanes) - 1, lane_id
    return dataclasses.replace(net, lanes=lanes)


def scaled(result: SolveResult) -> int:
    """A result's objective in the integer units of ``Problem`` (x SCALE)."""
    return round(result.objective_value() * SCALE)


def optimum(net: Network, book: OrderBook, params: SolveParams = EXACT) -> int:
    """The proven optimal objective of a solve, in ``Problem`` units."""
    result = solve(net, book, params)
    assert result.status is Status.OPTIMAL, (result.status, result.termination)
    return scaled(result)


def brute_force(problem: Problem) -> tuple[int, list[int]]:
    """The minimum objective over every selection (each order: one of its candidates
    or none) that ``problem.feasible`` accepts, and one selection reaching it."""
    options = [[None, *cands] for cands in problem.by_order]
    n = 1
    for o in options:
        n *= len(o)
    if n > 200_000:
        pytest.skip(f"{n} selections: too many to enumerate")
    best: tuple[int, list[int]] | None = None
    for combo in itertools.product(*options):
        chosen = [c for c in combo if c is not None]
        if problem.feasible(chosen):
            value = problem.objective(chosen)
            if best is None or value < best[0]:
                best = (value, chosen)
    assert best is not None, "the empty selection is always feasible"
    return best
