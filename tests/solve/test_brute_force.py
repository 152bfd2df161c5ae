"""The solver against every schedule the data contract allows, enumerated without it.

The optimum here comes from contract_bundle.py + schedule_enumerator.py, which read
the bundle's CSV/TOML files directly and enumerate every apheresis day, site,
manufacturing start and every departure of every lane (not the solver's candidates),
so a schedule the candidate model leaves out shows up as a worse solver optimum. The
bundle is tests/data/plan/shuttle: one hospital, one plant, a timetabled shuttle
(14:00 and 20:00) with room for one shipper per departure and an on-demand return.

The solver runs with pricing (column generation), so its candidates grow towards
every schedule and its reported bound holds over every schedule: the bound is never
above the enumerated optimum, and a plan reported OPTIMAL equals it.
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from contract_bundle import read_bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schedule_enumerator import Best, Weights, best_plan
from solve_helpers import DATA

import logistics as lg
from logistics.solve import SolveParams, Status, solve
from logistics.solve import Weights as SolverWeights

SHUTTLE = DATA / "plan" / "shuttle"
MONDAY = date(2026, 12, 7)
PRIORITY = {1: 1.0, 2: 1.5, 3: 2.0, 4: 3.0, 5: 5.0}
WEIGHTS = Weights(
    unserved_penalty=100000.0, v2v_per_h=10.0, wait_per_h=5.0, cost_per_eur=0.1, priority=PRIORITY
)
PARAMS = SolveParams(
    workers=1,
    pricing_rounds=20,
    time_limit_s=10,
    relative_gap=0.0,
    weights=SolverWeights(
        unserved_penalty=WEIGHTS.unserved_penalty,
        v2v_per_h=WEIGHTS.v2v_per_h,
        wait_per_h=WEIGHTS.wait_per_h,
        cost_per_eur=WEIGHTS.cost_per_eur,
        risk=0.0,
        stability=0.0,
        priority=PRIORITY,
    ),
)


def make_bundle(
    folder: Path,
    orders: list[tuple[int, int, int]],
    *,
    shuttle_capacity: int | None = 1,
    apheresis_slots: int = 2,
    manufacturing_slots: int = 4,
) -> Path:
    """The shuttle bundle copied to ``folder`` with these capacities and an order book
    of (first day offset from Monday 7 December 2026, window days, priority)."""
    shutil.copytree(SHUTTLE, folder)
    _edit(folder / "lanes.csv", lambda r: r["lane_id"] == "SHUTTLE", "capacity", shuttle_capacity)
    _edit(folder / "capacity.csv", lambda r: r["resource"] == "apheresis", "slots", apheresis_slots)
    _edit(
        folder / "capacity.csv",
        lambda r: r["resource"] == "manufacturing",
        "slots",
        manufacturing_slots,
    )
    rows = [
        [f"P-{i}", "cart", "TC-A", MONDAY + timedelta(days=d), MONDAY + timedelta(days=d + n), p]
        for i, (d, n, p) in enumerate(orders, start=1)
    ]
    with (folder / "orders.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        header = "order_id,therapy,treatment_centre,apheresis_earliest,apheresis_latest,priority"
        w.writerow(header.split(","))
        w.writerows(rows)
    return folder


def _edit(path: Path, match, column: str, value: int | None) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if match(row):
            row[column] = "" if value is None else str(value)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def compare(folder: Path, *, optimal: bool = True) -> tuple[Best, int, int]:
    """(the enumerated best plan, the solver's objective and served count, both in
    the enumerator's units) for the bundle in ``folder``; checks that the solver's
    bound is never above the enumerated optimum and (``optimal``) that it proved
    its plan optimal."""
    truth = best_plan(read_bundle(folder), WEIGHTS)
    net = lg.read_network(folder)
    result = solve(net, lg.read_orders(folder / "orders.csv", net), PARAMS)
    assert result.plan is not None and result.bounds.dual is not None
    assert result.bounds.dual * 100 <= truth.objective + 1e-6
    objective = round(result.objective_value() * 100)
    if optimal or result.status is Status.OPTIMAL:
        assert result.status is Status.OPTIMAL
        assert objective == truth.objective
    return truth, objective, len(result.plan.served)


def _case(orders, **capacities):
    return pytest.param(orders, capacities)


CASES = {
    "one-order": _case([(0, 0, 3)]),
    "two-orders-two-days-each": _case([(0, 1, 3), (0, 1, 3)], shuttle_capacity=None),
    "apheresis-slot-binds": _case([(0, 1, 3), (0, 1, 5)], apheresis_slots=1),
    "shuttle-binds-one-day": _case([(0, 0, 3), (0, 0, 3)]),
    "shuttle-binds-later-departure-beats-later-day": _case([(0, 1, 3), (0, 1, 3)]),
    "manufacturing-binds-start-next-day": _case(
        [(0, 0, 3), (1, 0, 3)], shuttle_capacity=None, manufacturing_slots=1
    ),
}


@pytest.mark.parametrize(("orders", "capacities"), list(CASES.values()), ids=list(CASES))
def test_solver_reaches_the_contract_optimum(tmp_path, orders, capacities):
    """The solver's proven optimum equals the least objective over every schedule the
    contract allows (and serves as many orders)."""
    truth, objective, served = compare(make_bundle(tmp_path / "b", orders, **capacities))
    assert (objective, served) == (truth.objective, truth.served)


_books = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 5)), min_size=1, max_size=3
)
_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_settings
@given(orders=_books, apheresis_slots=st.integers(1, 2))
def test_uncapacitated_lanes_match_the_contract_optimum(orders, apheresis_slots):
    """With no lane capacity and ample manufacturing slots (apheresis slots may bind),
    the solver's optimum equals the contract optimum for any tiny book."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_bundle(
            Path(tmp) / "b", orders, shuttle_capacity=None, apheresis_slots=apheresis_slots
        )
        truth, objective, served = compare(folder)
    assert (objective, served) == (truth.objective, truth.served)


@_settings
@given(orders=_books, manufacturing_slots=st.integers(1, 2))
def test_shuttle_and_scarce_slots_bound_and_plan_bracket_the_optimum(orders, manufacturing_slots):
    """With the one-shipper shuttle and scarce manufacturing slots, bound <= contract
    optimum <= plan, and a plan proven optimal is the contract optimum."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_bundle(Path(tmp) / "b", orders, manufacturing_slots=manufacturing_slots)
        truth, objective, served = compare(folder, optimal=False)
    assert objective >= truth.objective
    assert served <= truth.served


def _loose(folder: Path):
    """The enumerated optimum and the solver's result under a 90 % gap."""
    truth = best_plan(read_bundle(folder), WEIGHTS)
    net = lg.read_network(folder)
    book = lg.read_orders(folder / "orders.csv", net)
    result = solve(net, book, dataclasses.replace(PARAMS, relative_gap=0.9))
    assert result.plan is not None and lg.check(result.plan, net, book) == []
    assert result.bounds.dual is not None
    assert result.bounds.dual * 100 <= truth.objective + 1e-6
    return result


@pytest.mark.parametrize("case", ["one-order", "manufacturing-binds-start-next-day"])
def test_a_loose_gap_stops_pricing_at_the_option_bounds(tmp_path, case):
    """With a 90 % gap asked, the first round's bounds from the orders' options alone
    (no itinerary searched) put the LP within it: pricing stops there having added
    nothing, and its bound is no higher than the contract optimum."""
    orders, capacities = CASES[case].values
    result = _loose(make_bundle(tmp_path / "b", orders, **capacities))
    pricing = result.stats.pricing
    assert (pricing["rounds"], pricing["added"], pricing["stopped"]) == (1, 0, "within the gap")


@_settings
@given(orders=_books, manufacturing_slots=st.integers(1, 2))
def test_a_loose_gap_still_bounds_the_optimum(orders, manufacturing_slots):
    """Under a 90 % gap, whether pricing stops at the option bounds or searches, its
    bound is no higher than the contract optimum and the plan passes the checker."""
    with tempfile.TemporaryDirectory() as tmp:
        _loose(make_bundle(Path(tmp) / "b", orders, manufacturing_slots=manufacturing_slots))
