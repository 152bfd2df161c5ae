"""Solving again against the previous plan keeps it when nothing changed."""

from __future__ import annotations

from pathlib import Path

from logistics.io import read_network, read_orders
from logistics.model.changes import diff
from logistics.solve import SolveParams, solve

TIGHT = Path(__file__).resolve().parents[1] / "data" / "plan" / "tight"
SHUTTLE = TIGHT.parent / "shuttle"


def test_same_inputs_against_the_previous_plan_change_nothing() -> None:
    """On the tight bundle (capacity binds), a second solve with the first plan as
    `previous` keeps every order's site, apheresis, manufacturing start and legs:
    no change of any kind (the stability terms and the hint built from it)."""
    net = read_network(TIGHT)
    book = read_orders(TIGHT / "orders.csv", net)
    params = SolveParams(time_limit_s=5, seed=0, workers=1)
    first = solve(net, book, params, engine="highs").plan
    assert first is not None
    for engine in ("highs", "cp-sat"):
        again = solve(net, book, params, previous=first, engine=engine).plan
        assert again is not None
        assert diff(first, again) == ()


def test_orders_committed_by_hand_keep_the_previous_legs() -> None:
    """On the shuttle bundle (one shipper per departure) the plan sends one of two
    same-day patients on the later 20:00 shuttle. Both marked committed by hand at
    the plan's site and apheresis keep its manufacturing starts and exact legs when
    solved against it (before: both were frozen on the earliest shuttle, overbooking
    it), and the checker finds nothing."""
    from dataclasses import replace

    from logistics.check import check

    net = read_network(SHUTTLE)
    book = read_orders(SHUTTLE / "orders.csv", net)
    params = SolveParams(time_limit_s=5, seed=0, workers=1)
    first = solve(net, book, params, engine="highs").plan
    assert first is not None
    planned = first.by_id()
    departs = sorted(planned[o.order_id].inbound.legs[0].depart for o in book.orders)
    assert departs[0] != departs[1]  # one waits for the later shuttle
    marked = replace(
        book,
        orders=tuple(
            replace(
                o,
                status="committed",
                committed_site=planned[o.order_id].manufacturing_site,
                committed_apheresis=planned[o.order_id].apheresis_time,
            )
            for o in book.orders
        ),
    )
    result = solve(net, marked, params, previous=first, engine="highs")
    again = result.plan
    assert again is not None and result.stats.overbooked_resources == ()
    for o in book.orders:
        row, was = again.by_id()[o.order_id], planned[o.order_id]
        assert row.status == "frozen" and row.reason == "committed: kept to the leg"
        assert row.manufacturing_start == was.manufacturing_start
        assert (row.inbound, row.outbound) == (was.inbound, was.outbound)
    assert check(again, net, marked) == []
