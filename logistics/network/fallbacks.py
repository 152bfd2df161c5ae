"""Plan B for every shipment of a plan: the best itinerary that takes another route."""

from __future__ import annotations

from collections.abc import Sequence

from logistics.forked import deal, fork_map, processes
from logistics.model.constants import Material
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.plan import Plan
from logistics.network.router import Router


def fallbacks(
    plan: Plan, network: Network, quantile: float | None = None, n: int = 1, workers: int = 1
) -> dict[tuple[str, str], list[Itinerary]]:
    """Up to ``n`` fallback itineraries per (order id, direction) of the served orders:
    same origin, ready time and temperature as the planned one, another route (other
    flights, ferries, airports or crossings), earliest first: each planned lane banned
    in turn (then the lanes of the fallbacks found), as :meth:`Router.alternatives`.
    ``workers`` processes share the shipments (see :mod:`logistics.forked`)."""
    router = Router(network, quantile)
    # shipments asking the same question (same route from the same place and time,
    # as orders of one centre and day often do) are answered once
    shipments: list[tuple[str, str, tuple]] = []
    asked: dict[tuple, tuple[str, Itinerary]] = {}
    for p in plan.served:
        for direction, it in (("inbound", p.inbound), ("outbound", p.outbound)):
            if it is None or not it.legs:
                continue
            lanes = tuple(leg.lane_id for leg in it.legs)
            key = (direction, it.origin, it.destination, it.ready, it.temperature, lanes)
            shipments.append((p.order_id, direction, key))
            asked.setdefault(key, (direction, it))
    if asked:  # one compilation for every question, before any fork
        readies = [it.ready for _, it in asked.values()]
        router.compiled(min(readies), max(readies))
    routers = {
        "inbound": router.with_material(Material.STARTING),
        "outbound": router.with_material(Material.FINISHED),
    }

    def find(part: Sequence[tuple]) -> dict[tuple, list[Itinerary]]:
        out = {}
        for key in part:
            direction, it = asked[key]
            router = routers[direction]
            found = router.alternatives(
                it.origin, it.destination, it.ready, it.temperature, n, first=it
            )
            planned = router.signature(it)
            others = [alt for alt in found if router.signature(alt) != planned][:n]
            if others:
                out[key] = others
        return out

    parts = fork_map(find, deal(list(asked), processes(workers)))
    merged = {k: v for part in parts for k, v in part.items()}
    return {(o, d): merged[key] for o, d, key in shipments if key in merged}
