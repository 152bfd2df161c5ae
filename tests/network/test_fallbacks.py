"""Plan B itineraries for the shipments of a plan."""

from __future__ import annotations

from pathlib import Path

import logistics as lg
from logistics.check import check_itinerary
from logistics.network.fallbacks import fallbacks
from logistics.network.router import Router
from logistics.solve import SolveParams, solve

PARALLEL = Path(__file__).resolve().parents[1] / "data" / "plan" / "parallel"


def test_every_fallback_takes_another_route_and_follows_the_rules():
    """On a bundle with two London-Amsterdam air services, each London shipment gets a
    Plan B on the other service: same origin, destination, ready time and temperature
    as planned, another route signature, not earlier than Plan A, and valid for the
    independent checker."""
    net = lg.read_network(PARALLEL)
    book = lg.read_orders(PARALLEL / "orders.csv", net)
    plan = solve(net, book, SolveParams(workers=1, time_limit_s=10)).plan
    found = fallbacks(plan, net)
    router = Router(net)
    london = [p for p in plan.served if p.treatment_centre == "TC-LON"]
    assert london and all((p.order_id, "inbound") in found for p in london)
    planned = {
        (p.order_id, d): it
        for p in plan.served
        for d, it in (("inbound", p.inbound), ("outbound", p.outbound))
    }
    for key, alternatives in found.items():
        plan_a = planned[key]
        for alt in alternatives:
            assert (alt.origin, alt.destination, alt.ready, alt.temperature) == (
                plan_a.origin,
                plan_a.destination,
                plan_a.ready,
                plan_a.temperature,
            )
            assert router.signature(alt) != router.signature(plan_a)
            assert alt.arrival >= plan_a.arrival
            assert check_itinerary(net, alt) == []


def test_fallbacks_csv_says_whether_plan_b_fits_and_why_a_shipment_has_none(tmp_path):
    """fallbacks.csv has one block per shipment of the plan: each Plan B row's slack is
    the shipment's viability window end (apheresis + inbound_max_h, release +
    outbound_max_h) less its handover, ``fits_window`` agrees with the slack's sign, and
    a shipment without a Plan B has one row with an empty ``fallback`` and a note."""
    import csv
    from datetime import datetime, timedelta

    net = lg.read_network(PARALLEL)
    book = lg.read_orders(PARALLEL / "orders.csv", net)
    nightly = lg.plan(net, book, SolveParams(workers=1, time_limit_s=10), samples=0)
    folder = lg.write_plan(nightly, tmp_path / "plan", net)
    with (folder / "fallbacks.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_order = {p.order_id: p for p in nightly.result.plan.served}
    shipments = {(r["order_id"], r["direction"]) for r in rows}
    expected = {
        (p.order_id, d)
        for p in by_order.values()
        for d, it in (("inbound", p.inbound), ("outbound", p.outbound))
        if it is not None and it.legs
    }
    assert shipments == expected
    with_plan_b = dict(nightly.fallbacks)
    for r in rows:
        p = by_order[r["order_id"]]
        if not r["fallback"]:
            assert (r["order_id"], r["direction"]) not in with_plan_b
            assert r["note"].startswith("no other route") and r["fits_window"] == "false"
            continue
        therapy = net.therapies[p.therapy]
        start, hours = (
            (p.apheresis_time, therapy.inbound_max_h)
            if r["direction"] == "inbound"
            else (p.release_time, therapy.outbound_max_h)
        )
        it = with_plan_b[(r["order_id"], r["direction"])][int(r["fallback"]) - 1]
        slack = (start + timedelta(hours=hours) - it.arrival).total_seconds() / 3600
        assert float(r["slack_h"]) == round(slack, 2)
        assert r["fits_window"] == ("true" if slack >= 0 else "false")
        last = [
            x
            for x in rows
            if x["order_id"] == r["order_id"]
            and x["fallback"] == r["fallback"]
            and x["direction"] == r["direction"]
        ][-1]
        assert datetime.fromisoformat(last["arrive"].replace("Z", "+00:00")) == it.arrival
    assert any(r["fits_window"] == "true" for r in rows)
    assert any(r["fits_window"] == "false" and r["fallback"] for r in rows)
    from logistics.io.legs import write_fallbacks

    write_fallbacks({}, nightly.result.plan, net, tmp_path / "none.csv")
    with (tmp_path / "none.csv").open(encoding="utf-8") as fh:
        none = list(csv.DictReader(fh))
    assert {(r["order_id"], r["direction"]) for r in none} == expected
    assert len(none) == len(expected)
    assert all(not r["fallback"] and r["note"].startswith("no other route") for r in none)


def test_plan_b_found_in_two_processes_equals_plan_b_found_in_one():
    """Sharing the shipments between two processes (workers=2) finds the same Plan B
    itineraries, in the same order, as one process."""
    net = lg.read_network(PARALLEL)
    book = lg.read_orders(PARALLEL / "orders.csv", net)
    plan = solve(net, book, SolveParams(workers=1, time_limit_s=10)).plan
    one = fallbacks(plan, net, n=2, workers=1)
    two = fallbacks(plan, net, n=2, workers=2)
    assert len(one) >= 2
    assert list(one.items()) == list(two.items())
