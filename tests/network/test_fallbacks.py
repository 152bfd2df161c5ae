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
