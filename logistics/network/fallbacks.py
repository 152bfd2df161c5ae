"""Plan B for every shipment of a plan: the best itinerary that takes another route."""

from __future__ import annotations

from logistics.model.constants import Material
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.plan import Plan
from logistics.network.router import Router


def fallbacks(
    plan: Plan, network: Network, quantile: float | None = None, n: int = 1
) -> dict[tuple[str, str], list[Itinerary]]:
    """Up to ``n`` fallback itineraries per (order id, direction) of the served orders:
    same origin, ready time and temperature as the planned one, another route (other
    flights, ferries, airports or crossings), earliest first: each planned lane banned
    in turn (then the lanes of the fallbacks found), as :meth:`Router.alternatives`."""
    router = Router(network, quantile)
    readies = [it.ready for p in plan.served for it in (p.inbound, p.outbound) if it is not None]
    if readies:
        router.compiled(min(readies), max(readies))  # one compilation for every question
    routers = {
        "inbound": router.with_material(Material.STARTING),
        "outbound": router.with_material(Material.FINISHED),
    }
    out: dict[tuple[str, str], list[Itinerary]] = {}
    for p in plan.served:
        for direction, it in (("inbound", p.inbound), ("outbound", p.outbound)):
            if it is None or not it.legs:
                continue
            router = routers[direction]
            found = router.alternatives(
                it.origin, it.destination, it.ready, it.temperature, n, first=it
            )
            planned = router.signature(it)
            others = [alt for alt in found if router.signature(alt) != planned][:n]
            if others:
                out[(p.order_id, direction)] = others
    return out
