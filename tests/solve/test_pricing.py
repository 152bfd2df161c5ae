"""Column generation against the shuttle bundle: properties the acceptance asks for.

Each solve runs with pricing; every plan is audited by the checker, and the bound
reported is over every schedule (never above the plan).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_brute_force import PARAMS, _edit, make_bundle

import logistics as lg
from logistics.solve import Status, solve

_settings = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _solve(folder: Path, params=PARAMS):
    net = lg.read_network(folder)
    book = lg.read_orders(folder / "orders.csv", net)
    result = solve(net, book, params)
    assert result.plan is not None
    assert lg.check(result.plan, net, book) == []
    assert result.bounds.dual is not None
    assert result.bounds.dual <= result.objective_value() + 1e-6
    return result


@_settings
@given(
    orders=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(1, 5)), min_size=1, max_size=3
    )
)
def test_a_later_departure_never_serves_fewer_orders(orders):
    """Adding the 20:00 departure to a shuttle that only ran at 14:00 never serves
    fewer orders."""
    with tempfile.TemporaryDirectory() as tmp:
        one = make_bundle(Path(tmp) / "one", orders)
        _edit(one / "lanes.csv", lambda r: r["lane_id"] == "SHUTTLE", "departures", "14:00")
        two = make_bundle(Path(tmp) / "two", orders)
        served_one = len(_solve(one).plan.served)
        served_two = len(_solve(two).plan.served)
    assert served_two >= served_one


@_settings
@given(day=st.integers(0, 4), priorities=st.tuples(st.integers(1, 5), st.integers(1, 5)))
def test_two_orders_sharing_a_one_shipper_departure_are_both_served(day, priorities):
    """Two orders of the same day want the 14:00 shuttle, which has room for one
    shipper; the 20:00 departure is inside both fresh windows, so both are served,
    and the plan is proven optimal over every schedule."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_bundle(Path(tmp) / "b", [(day, 0, p) for p in priorities])
        result = _solve(folder)
    assert len(result.plan.served) == 2
    assert result.status is Status.OPTIMAL
    departures = {
        leg.depart for o in result.plan.served for leg in o.inbound.legs if leg.lane_id == "SHUTTLE"
    }
    assert len(departures) == 2


def test_without_pricing_the_earliest_itineraries_drop_a_patient(tmp_path):
    """The same book without pricing (the earliest itinerary only) serves one order:
    what pricing is for, and why its bound differs from the candidates' bound."""
    folder = make_bundle(tmp_path / "b", [(0, 0, 3), (0, 0, 3)])
    fixed = _solve(folder, dataclasses.replace(PARAMS, pricing_rounds=0))
    priced = _solve(folder)
    assert (len(fixed.plan.served), len(priced.plan.served)) == (1, 2)
    assert priced.stats.pricing is not None and priced.stats.pricing["closed"]


def test_capacity_reason_only_when_no_schedule_fits(tmp_path):
    """Without pricing, the second order wanting the one-shipper 14:00 shuttle is left
    unserved, and its reason says a schedule still fits (the 20:00 departure); with
    one manufacturing slot whose batch outlasts the fresh window, no schedule fits
    and the reason names the manufacturing capacity."""
    shuttle = make_bundle(tmp_path / "shuttle", [(0, 0, 3), (0, 0, 3)])
    fixed = _solve(shuttle, dataclasses.replace(PARAMS, pricing_rounds=0))
    (unserved,) = [o for o in fixed.plan.orders if o.status == "unserved"]
    assert unserved.reason.startswith("not planned, though a schedule fits the capacity left")
    assert unserved.reason.endswith("it is not among the candidates (pricing is off)")
    slots = make_bundle(
        tmp_path / "slots", [(0, 0, 3), (0, 0, 3)], shuttle_capacity=None, manufacturing_slots=1
    )
    result = _solve(slots)
    (unserved,) = [o for o in result.plan.orders if o.status == "unserved"]
    assert unserved.reason.startswith("capacity: manufacturing slots at MFG-M")


def test_generated_1000_order_book_plans_with_zero_violations():
    """A generated 1,000-order book on data/europe plans (pricing on, a short limit)
    with every order's plan passing the independent checker, transit rule included,
    and a bound never above the plan."""
    from datetime import date

    from logistics.synth import generate_orders

    net = lg.read_network()
    book = generate_orders(net, 1000, start=date(2026, 12, 7), days=28, seed=7)
    params = dataclasses.replace(PARAMS, time_limit_s=20, relative_gap=1e-4)
    result = solve(net, book, params, engine="auto")
    assert result.plan is not None and len(result.plan.served) > 300
    assert lg.check(result.plan, net, book) == []
    assert result.bounds.dual is not None
    assert result.bounds.dual <= result.objective_value() + 1e-6


def test_monte_carlo_keeps_a_shipper_on_its_booked_later_departure(tmp_path):
    """The return has room for one shipper per departure (10:00 and 16:00) and both
    orders are released together: the plan books one of them on the later departure.
    With delays that never bite (durations fixed), the Monte Carlo gives each order
    its planned vein to vein: the booked shipper does not jump to the earlier one."""
    folder = make_bundle(tmp_path / "b", [(0, 0, 3), (0, 0, 3)], shuttle_capacity=None)
    _edit(folder / "lanes.csv", lambda r: r["lane_id"] == "RETURN", "departures", "10:00;16:00")
    _edit(folder / "lanes.csv", lambda r: r["lane_id"] == "RETURN", "days", "Mo-Su")
    _edit(folder / "lanes.csv", lambda r: r["lane_id"] == "RETURN", "capacity", 1)
    result = _solve(folder)
    served = result.plan.served
    assert len(served) == 2
    departs = sorted(o.outbound.legs[0].depart for o in served)
    assert departs[0] < departs[1]
    net = lg.read_network(folder)
    book = lg.read_orders(folder / "orders.csv", net)
    sim = lg.simulate(result.plan, net, book, samples=20, seed=1)
    planned = {o.order_id: o.v2v_h for o in served}
    for risk in sim.orders:
        assert abs(risk.v2v_median_h - planned[risk.order_id]) < 1e-3


def test_pricing_split_over_two_processes_adds_the_same_columns_and_bound():
    """Pricing the orders of half the centres in a forked process (workers=2) grows
    the candidate set of the first 150 example orders exactly as one process does:
    the same candidates in the same order, the same rounds and the same bound."""
    from logistics.forked import processes
    from logistics.solve.candidates import build_candidates
    from logistics.solve.pricing.loop import grow

    if processes(2) < 2:
        import pytest

        pytest.skip("pricing forks only on Linux with two cores or more")
    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:150], source=full.source)
    grown = []
    for workers in (1, 2):
        cs = build_candidates(net, book)
        params = dataclasses.replace(PARAMS, workers=workers)
        stats, _x = grow(cs, params, None, max_rounds=3, time_limit_s=float("inf"))
        grown.append((stats.rounds, stats.added, stats.lp_bound, cs.candidates))
    assert grown[0][1] > 0
    assert grown[0] == grown[1]


def test_pricing_out_of_time_still_solves_its_first_lp_and_bounds_every_plan():
    """When pricing's budget is spent before any round (here: a budget of 1 ns), the
    first master LP and the bounds of its prices from the orders' options still run
    (one round, no schedule searched): a finite bound over every schedule, no higher
    than the plan."""
    import math

    net = lg.read_network()
    full = lg.read_orders(None, net)
    book = lg.OrderBook(orders=full.orders[:60], source=full.source)
    params = dataclasses.replace(PARAMS, pricing_time_s=1e-9)
    result = solve(net, book, params)
    assert result.plan is not None and lg.check(result.plan, net, book) == []
    assert result.stats.pricing["stopped"] in ("time limit", "within the gap")
    assert result.stats.pricing["rounds"] == 1 and result.stats.pricing["added"] == 0
    assert math.isfinite(result.bounds.dual) and result.bounds.dual > 0
    assert result.bounds.dual <= result.objective_value() + 1e-6
