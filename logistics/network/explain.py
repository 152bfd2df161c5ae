"""Why there is no itinerary, or why it is late, in a planner's words."""

from __future__ import annotations

from datetime import datetime

import networkx as nx

from logistics.model.itinerary import Itinerary
from logistics.network.graph import build_graph
from logistics.network.router import Router


def describe(it: Itinerary) -> str:
    """``via LHR, AMS, customs GB->EU 2.0 h``: the gist of an itinerary's route."""
    parts = []
    if it.via:
        parts.append("via " + ", ".join(s.removeprefix("APT-") for s in it.via))
    else:
        parts.append("direct")
    for leg in it.legs:
        if leg.customs_from:
            parts.append(f"customs {leg.customs_from}->{leg.customs_to} {leg.customs_h:.1f} h")
    return ", ".join(parts)


def why_not(
    router: Router,
    origin: str,
    destination: str,
    ready: datetime,
    temperature: str,
    within_h: float | None = None,
) -> str | None:
    """None when an itinerary exists (within ``within_h`` if given); otherwise the reason."""
    net = router.network
    if not any(temperature in lane.temperatures for lane in net.lanes if lane.from_site == origin):
        return f"no lane from {origin} carries {temperature}"
    if not any(
        temperature in lane.temperatures for lane in net.lanes if lane.to_site == destination
    ):
        return f"no lane to {destination} carries {temperature}"
    graph = build_graph(net, temperature)
    if not nx.has_path(graph, origin, destination):
        return f"no chain of lanes carrying {temperature} links {origin} to {destination}"
    best = router.earliest(origin, destination, ready, temperature)
    if best is None:
        return (
            f"no departure reaches {destination} from {origin} within "
            f"{router.margin.days} days of {ready:%Y-%m-%d %H:%MZ} "
            "(timetables, running days, validity dates or opening hours)"
        )
    if within_h is not None and best.hours > within_h:
        return (
            f"best arrival {best.hours:.1f} h after ready, the window is {within_h:g} h "
            f"({describe(best)})"
        )
    return None
