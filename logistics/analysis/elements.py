"""The elements a disruption can take out: a lane, a road zone pair, a site.

An element is what an analyst would close in a scenario: one listed lane (its id), the
generated road legs between two road zones (or within one: ``roads:a|b``, ``roads:a``)
as one element rather than thousands of legs, or a site (an airport, crossing or hub
closes every lane from or to it; a plant loses its manufacturing slots).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from logistics.model.lanes import Lane
from logistics.model.network import Network

__all__ = ["Element", "ElementKind", "elements", "lane_element", "road_element"]


class ElementKind(StrEnum):
    """The kinds of element (critical.csv ``kind``)."""

    LANE = "lane"
    ROAD_ZONE_PAIR = "road_zone_pair"
    AIRPORT = "airport"
    CROSSING = "crossing"
    HUB = "hub"
    PLANT = "plant"


SITE_KINDS = {
    "airport": ElementKind.AIRPORT,
    "crossing": ElementKind.CROSSING,
    "hub": ElementKind.HUB,
    "manufacturing_site": ElementKind.PLANT,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Element:
    """One element: ``element_id`` (a lane id, a site id or ``roads:<zone>[|<zone>]``),
    its ``kind``, the listed or generated ``lanes`` it closes (none for a plant) and
    the ``sites`` it stands for (a lane's two ends, the site itself; the road zones
    for a road zone pair in ``zones``)."""

    element_id: str
    kind: ElementKind
    lanes: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()

    @property
    def is_site(self) -> bool:
        """True for an airport, crossing, hub or plant."""
        return self.kind not in (ElementKind.LANE, ElementKind.ROAD_ZONE_PAIR)


def _zone(network: Network, site_id: str) -> str:
    s = network.sites[site_id]
    return network.roads.site_zone(s.site_id, s.country, s.subdivision)


def road_element(network: Network, lane: Lane) -> str:
    """The element id of a generated road leg: ``roads:`` and its zones, sorted."""
    zones = sorted({_zone(network, lane.from_site), _zone(network, lane.to_site)})
    return "roads:" + "|".join(zones)


def lane_element(network: Network, lane: Lane) -> str:
    """The element a lane belongs to: itself, or its road zone pair when generated."""
    return road_element(network, lane) if lane.generated else lane.lane_id


def elements(network: Network) -> dict[str, Element]:
    """Every element of ``network`` by id: listed lanes, road zone pairs, and sites
    that are not treatment centres (a centre is an end point, never closed here), plants
    only when they have manufacturing slots."""
    out: dict[str, Element] = {}
    roads: dict[str, list[str]] = defaultdict(list)
    for lane in network.lanes:
        if lane.generated:
            roads[road_element(network, lane)].append(lane.lane_id)
        else:
            out[lane.lane_id] = Element(
                element_id=lane.lane_id,
                kind=ElementKind.LANE,
                lanes=(lane.lane_id,),
                sites=(lane.from_site, lane.to_site),
            )
    for rid, ids in sorted(roads.items()):
        out[rid] = Element(
            element_id=rid,
            kind=ElementKind.ROAD_ZONE_PAIR,
            lanes=tuple(ids),
            zones=tuple(rid.removeprefix("roads:").split("|")),
        )
    touching: dict[str, list[str]] = defaultdict(list)
    for lane in network.lanes:
        touching[lane.from_site].append(lane.lane_id)
        touching[lane.to_site].append(lane.lane_id)
    with_slots = network.capacity.sites_with("manufacturing")
    for site in network.sites.values():
        kind = SITE_KINDS.get(site.kind)
        if kind is None or (kind == ElementKind.PLANT and site.site_id not in with_slots):
            continue  # a plant without manufacturing slots (a design candidate) cannot fail
        lanes = () if kind == ElementKind.PLANT else tuple(touching[site.site_id])
        out[site.site_id] = Element(
            element_id=site.site_id, kind=kind, lanes=lanes, sites=(site.site_id,)
        )
    return out
