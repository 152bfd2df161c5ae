"""The nightly solve on the tiny bundles: checked plans, frozen bookings, reasons."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from solve_helpers import PARALLEL, PARAMS, START, TIGHT, TINY, bundle, map_slots, without_lane

from logistics.check import check
from logistics.solve import Status, solve
from logistics.synth import generate_orders

BUNDLES = [TINY, TIGHT, PARALLEL]
IDS = ["tiny", "tight", "parallel"]
ENGINES = ["cp-sat", "greedy"]


@pytest.fixture(scope="module", params=BUNDLES, ids=IDS)
def solved(request):
    """(network, book, result) of a CP-SAT solve of each tiny bundle."""
    net, book = bundle(request.param)
    return net, book, solve(net, book, PARAMS)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", BUNDLES, ids=IDS)
def test_plan_passes_the_checker(path, engine):
    """Every plan of every engine on the tiny bundles passes the independent checker
    (no violation of any rule of the data contract)."""
    net, book = bundle(path)
    result = solve(net, book, PARAMS, engine=engine)
    assert result.plan is not None
    assert check(result.plan, net, book) == []


def test_status_is_optimal(solved):
    """On a tiny book CP-SAT proves optimality within the limits."""
    _net, _book, result = solved
    assert result.status is Status.OPTIMAL
    assert result.plan is not None


def test_bound_not_above_objective(solved):
    """The proven bound never exceeds the objective of the plan returned (minimising),
    and the reported gap agrees with the two."""
    _net, _book, result = solved
    objective, bound = result.objective_value(), result.bounds.dual
    assert bound is not None and bound <= objective + 1e-6
    assert result.gap == pytest.approx(abs(objective - bound) / max(1.0, abs(objective)))
    assert result.gap <= PARAMS.relative_gap + 1e-9


def test_one_row_per_order_in_book_order(solved):
    """The plan has exactly one row per order of the book, in the book's order."""
    _net, book, result = solved
    assert [p.order_id for p in result.plan.orders] == [o.order_id for o in book.orders]


def test_committed_order_is_frozen_as_booked(solved):
    """A committed order is 'frozen' at its booked manufacturing site and apheresis
    time, never re-planned."""
    _net, book, result = solved
    planned = result.plan.by_id()
    booked = [o for o in book.orders if o.status == "committed"]
    assert booked, "every tiny bundle holds a committed order"
    for order in booked:
        p = planned[order.order_id]
        assert p.status == "frozen"
        assert p.manufacturing_site == order.committed_site
        assert p.apheresis_time == order.committed_apheresis
        assert p.reason


def test_new_orders_are_scheduled_or_unserved(solved):
    """New orders are never frozen; scheduled ones have their full schedule in order
    (apheresis <= manufacturing start < end <= release <= delivery) at a licensed site."""
    net, book, result = solved
    planned = result.plan.by_id()
    for order in book.orders:
        p = planned[order.order_id]
        if order.status in ("new", "cancelled"):
            assert p.status in ("scheduled", "unserved")
        if p.status == "scheduled":
            therapy = net.therapies[order.therapy]
            assert p.manufacturing_site in therapy.sites
            assert order.apheresis_earliest <= p.apheresis_time <= order.apheresis_latest
            assert (
                p.apheresis_time
                <= p.manufacturing_start
                < p.manufacturing_end
                <= p.release_time
                <= p.delivery_time
            )


def test_unserved_orders_carry_a_reason(solved):
    """Every unserved order says why, in words."""
    _net, _book, result = solved
    for p in result.plan.unserved:
        assert p.reason.strip(), p.order_id


def test_tiny_serves_every_order(tiny):
    """The tiny book fits: both new orders are scheduled, the committed one frozen."""
    net, book = tiny
    result = solve(net, book, PARAMS)
    statuses = {p.order_id: p.status for p in result.plan.orders}
    assert statuses == {"P-0001": "scheduled", "P-0002": "scheduled", "P-0003": "frozen"}
    assert result.unserved == ()


def test_tight_reasons_name_the_cause(tight):
    """In the tight bundle each unserved order's reason names its actual cause:
    cancellation, a weekend-only window, a therapy not marketed in the centre's
    territory, or full capacity."""
    net, book = tight
    result = solve(net, book, PARAMS)
    reasons = {u.order_id: u.reason for u in result.unserved}
    assert reasons["T-08"] == "order cancelled"
    assert reasons["T-05"].startswith("no apheresis day")
    assert reasons["T-06"].startswith("no licensed site") and "GB" in reasons["T-06"]
    capacity = [k for k in ("T-01", "T-03", "T-04") if k in reasons]
    assert capacity, "one manufacturing slot cannot serve every cart-auto order"
    for k in capacity:
        assert reasons[k].startswith("capacity:") and "MFG-LEI" in reasons[k]
    assert {"T-02", "T-07"} <= {p.order_id for p in result.plan.served}


def test_tight_respects_manufacturing_slots(tight):
    """No day at MFG-LEI holds more batches (frozen included) than its slots."""
    net, book = tight
    result = solve(net, book, PARAMS)
    load: dict = {}
    for p in result.plan.served:
        days = net.therapies[p.therapy].manufacturing_days
        first = p.manufacturing_start.astimezone(ZoneInfo(net.sites["MFG-LEI"].timezone)).date()
        for d in range(days):
            day = first + timedelta(days=d)
            load[day] = load.get(day, 0) + 1
    for day, n in load.items():
        assert n <= net.capacity.slots("MFG-LEI", "manufacturing", day), day


def test_greedy_not_better_than_cp_sat(solved):
    """The greedy baseline never beats the optimum (same objective, same problem)."""
    _net, _book, result = solved
    assert result.stats.greedy_objective >= result.objective_value() - 1e-6


@pytest.mark.parametrize("closed", [("RD-MUC-LEI",), ("RD-MUC-LEI", "RD-MUC-LEI-D")])
def test_lost_booking_is_unserved_and_penalised(tiny, parallel, closed):
    """A committed order whose booked schedule no longer has an itinerary (its lane
    closed) is unserved with a reason, and costs the unserved penalty like any other
    unserved patient (a lost booking must never make the objective look better)."""
    net, book = tiny if len(closed) == 1 else parallel
    for lane in closed:
        net = without_lane(net, lane)
    booked = dataclasses.replace(book, orders=tuple(o for o in book.orders if o.booked))
    result = solve(net, booked, PARAMS)
    (p,) = result.plan.orders
    assert p.status == "unserved"
    assert p.reason.startswith("booked at MFG-LEI, but no 2-8C itinerary")
    w = PARAMS.weights
    assert result.objective_value() == pytest.approx(
        w.unserved_penalty * w.priority_weight(booked.orders[0].priority)
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    which=st.sampled_from(["tiny", "parallel"]),
    seed=st.integers(0, 10_000),
    n=st.integers(1, 8),
    days=st.integers(3, 21),
    slots=st.integers(1, 3),
    engine=st.sampled_from(ENGINES),
)
def test_generated_plans_pass_the_checker(tiny, parallel, which, seed, n, days, slots, engine):
    """Plans of generated books (up to 8 orders, 1-3 manufacturing slots, either
    engine) pass the independent checker."""
    net, _ = tiny if which == "tiny" else parallel
    net = map_slots(net, "manufacturing", lambda s: slots if s else 0)
    book = generate_orders(net, n, START, days, seed, committed_share=0)
    result = solve(net, book, PARAMS, engine=engine)
    assert result.plan is not None
    assert check(result.plan, net, book) == []
