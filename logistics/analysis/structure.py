"""Structural analysis of the lane graph: which elements every route depends on.

Per therapy and direction, the graph of the lanes that can carry its temperature
(timetables, validity dates and opening hours ignored: a superset of what can happen)
is searched between each treatment centre of the therapy's markets and a super-sink
joined to its licensed plants (inbound: centre to plants with the starting material's
temperature; outbound: plants to centre with the product's, searched on the reversed
graph so both read "from the centre"). End points are never transit points (the
contract): arcs into a treatment centre and out of a plant are left out, so no route
passes another centre or plant, and unlicensed plants are not in the graph.

The analysis is directed, because lanes are one-way and the question is one-way: an
undirected bridge can be a dead end no centre needs, and a one-way lane whose return
runs elsewhere is a single point of failure the undirected view misses. For each
centre and direction:

- **single points**: the elements (a lane, an airport, crossing or hub, a licensed
  plant, a road zone pair) each of which alone cuts the centre off from every licensed
  plant: the dominators of the super-sink (networkx ``immediate_dominators``) on the
  graph where each listed lane is a node between its sites, plus each road zone pair
  tried by removal (its legs are one element, not thousands of arcs);
- **minimum edge cut**: the fewest lanes to close (networkx ``minimum_cut`` with an
  arc's capacity the number of elements that run it; a plant's arc to the super-sink
  is the plant itself), and the elements on it;
- **minimum node cut**: the fewest sites (transit sites or licensed plants) whose
  closure cuts it off (networkx ``minimum_st_node_cut``).

Lane and road elements that are a single point for some centre are the *bridges*,
site elements the *articulation points*, in this directed sense.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms.connectivity import (
    build_auxiliary_node_connectivity,
    minimum_st_node_cut,
)
from networkx.algorithms.flow import build_residual_network, edmonds_karp

from logistics.analysis.elements import Element, ElementKind, elements, lane_element
from logistics.model.network import Network
from logistics.model.sites import Site
from logistics.model.therapies import Therapy

__all__ = [
    "DIRECTIONS",
    "Reach",
    "Structure",
    "analyse",
    "centres_of",
    "reach_warnings",
    "unreachable",
]

DIRECTIONS = ("inbound", "outbound")
SINK = ("sink",)  # the super-sink joined to the licensed plants
CENTRE = "treatment_centre"
MAX_CUT = 3  # cuts this large or larger are reported as this, without their elements
PLANT = "manufacturing_site"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reach:
    """How one treatment centre reaches the licensed plants of one therapy in one
    direction (``inbound``: centre to plant; ``outbound``: plant to centre).

    ``plants`` are the licensed plants it reaches at all (empty: no route);
    ``edge_cut`` the fewest lanes whose closure cuts it off (a road leg counts once, a
    plant as one) and ``cut_elements`` the elements on such a cut; ``node_cut`` the
    fewest sites (transit sites or plants) and ``cut_sites`` one such set;
    ``single_points`` the elements each of which alone cuts it off.
    """

    therapy: str
    direction: str
    centre: str
    temperature: str
    plants: tuple[str, ...]
    edge_cut: int
    node_cut: int
    cut_elements: tuple[str, ...]
    cut_sites: tuple[str, ...]
    single_points: tuple[str, ...]

    @property
    def reachable(self) -> bool:
        """True when some licensed plant is reached."""
        return bool(self.plants)


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    """The analysis of a network: one :class:`Reach` per therapy, direction and centre
    of the therapy's markets, and the network's elements by id."""

    reaches: tuple[Reach, ...]
    elements: Mapping[str, Element]

    def cut_off(self, element_id: str) -> tuple[str, ...]:
        """Centres that lose their only route (some therapy, some direction) when this
        element fails, sorted."""
        return tuple(sorted({r.centre for r in self.reaches if element_id in r.single_points}))

    def single_points(self) -> dict[str, tuple[str, ...]]:
        """Every element that is a single point for some centre -> the centres."""
        centres: dict[str, set[str]] = defaultdict(set)
        for r in self.reaches:
            for e in r.single_points:
                centres[e].add(r.centre)
        return {e: tuple(sorted(c)) for e, c in sorted(centres.items())}

    def bridges(self) -> tuple[str, ...]:
        """Lane and road zone pair elements that alone cut some centre off."""
        return tuple(e for e in self.single_points() if not self.elements[e].is_site)

    def articulation_points(self) -> tuple[str, ...]:
        """Airports, crossings, hubs and plants that alone cut some centre off."""
        return tuple(e for e in self.single_points() if self.elements[e].is_site)

    def single_route(self) -> tuple[Reach, ...]:
        """Reaches whose every route runs through one element (a single point)."""
        return tuple(r for r in self.reaches if r.reachable and r.single_points)

    def unreachable(self) -> tuple[Reach, ...]:
        """Reaches without any route to (or from) a licensed plant."""
        return tuple(r for r in self.reaches if not r.reachable)

    def candidates(self) -> tuple[str, ...]:
        """Elements on some centre's single points or minimum cuts, sorted."""
        found: set[str] = set()
        for r in self.reaches:
            found.update(r.single_points, r.cut_elements, r.cut_sites)
        return tuple(sorted(e for e in found if e in self.elements))


def centres_of(network: Network, therapy: Therapy) -> list[Site]:
    """Treatment centres the therapy may supply: in its markets, and in its countries
    when it names any; sorted by id."""
    return sorted(
        (
            s
            for s in network.sites.values()
            if s.kind == CENTRE
            and s.markets & set(therapy.markets)
            and therapy.allows_country(s.country)
        ),
        key=lambda s: s.site_id,
    )


def _site_graph(
    network: Network, temperature: str, plants: Iterable[str], outbound: bool
) -> nx.DiGraph:
    """Sites joined by the lanes that carry ``temperature``, oriented from the centre
    (reversed when ``outbound``); arc attribute ``elements`` (ids), ``capacity`` (their
    number). Arcs into centres and out of plants are left out; unlicensed plants too;
    each licensed plant has an arc to :data:`SINK`."""
    licensed = set(plants)
    g = nx.DiGraph()
    for site in network.sites.values():
        if site.kind != PLANT or site.site_id in licensed:
            g.add_node(site.site_id)
    for p in sorted(licensed & set(g)):
        g.add_edge(p, SINK, elements={p}, capacity=1)
    for lane in network.lanes:
        if temperature not in lane.temperatures:
            continue
        u, v = (lane.to_site, lane.from_site) if outbound else (lane.from_site, lane.to_site)
        if u not in g or v not in g:
            continue
        if network.sites[v].kind == CENTRE or network.sites[u].kind == PLANT:
            continue
        if g.has_edge(u, v):
            g[u][v]["elements"].add(lane_element(network, lane))
        else:
            g.add_edge(u, v, elements={lane_element(network, lane)})
    for _, _, data in g.edges(data=True):
        data["capacity"] = len(data["elements"])
    return g


def _incidence(g: nx.DiGraph, network: Network) -> nx.DiGraph:
    """``g`` with every listed lane as a node of its own between its two sites (road
    legs stay arcs), so dominators name lanes as well as sites."""
    d = nx.DiGraph()
    d.add_nodes_from(g)
    lanes = network.lane_by_id
    for u, v, data in g.edges(data=True):
        for e in data["elements"]:
            if e in lanes and not lanes[e].generated:
                d.add_edge(u, ("lane", e))
                d.add_edge(("lane", e), v)
            else:
                d.add_edge(u, v)
    return d


def _dominators(d: nx.DiGraph, centre: str) -> list[str]:
    """Nodes on every path from ``centre`` to the sink, as element ids (sites and
    lanes; the centre itself left out). Assumes the sink is reachable."""
    idom = nx.immediate_dominators(d, centre)
    out = []
    node = idom[SINK]
    while node != centre:
        out.append(node[1] if isinstance(node, tuple) else node)
        node = idom[node]
    return out


def _reaching(g: nx.DiGraph, without: str | None = None) -> set:
    """Nodes from which the sink is reached, over arcs that keep an element other than
    ``without``."""
    seen = {SINK}
    stack = [SINK]
    while stack:
        v = stack.pop()
        for u in g.predecessors(v):
            if u in seen:
                continue
            elems = g[u][v]["elements"]
            if without is not None and elems == {without}:
                continue
            seen.add(u)
            stack.append(u)
    return seen


def _edge_cut(g: nx.DiGraph, centre: str, residual: nx.DiGraph, cutoff: int):
    """(value, elements) of a minimum cut between ``centre`` and the sink, by
    Edmonds-Karp on the reused ``residual``; flows of ``cutoff`` or more stop there and
    give no cut elements."""
    r = edmonds_karp(g, centre, SINK, capacity="capacity", residual=residual, cutoff=cutoff)
    value = int(r.graph["flow_value"])
    if value >= cutoff:
        return cutoff, []
    side = {centre}
    stack = [centre]
    while stack:  # the centre's side: reached over arcs with capacity left
        u = stack.pop()
        for v, arc in r[u].items():
            if v not in side and arc["flow"] < arc["capacity"]:
                side.add(v)
                stack.append(v)
    cut = {e for u in side for v in g.successors(u) if v not in side for e in g[u][v]["elements"]}
    return value, sorted(cut)


def _group(
    network: Network,
    therapy: Therapy,
    direction: str,
    centres: list[Site],
    catalogue: Mapping[str, Element],
    max_cut: int,
) -> list[Reach]:
    outbound = direction == "outbound"
    temperature = therapy.outbound_temperature if outbound else therapy.inbound_temperature
    g = _site_graph(network, temperature, therapy.sites, outbound)
    reaching = _reaching(g)
    roads = sorted(
        {e for _, _, a in g.edges(data=True) for e in a["elements"]}
        & {k for k, el in catalogue.items() if el.kind == ElementKind.ROAD_ZONE_PAIR}
    )
    road_cuts = {z: _reaching(g, z) for z in roads}
    d = _incidence(g, network)
    aux = build_auxiliary_node_connectivity(g)
    residual = build_residual_network(aux, "capacity")
    edge_residual = build_residual_network(g, "capacity")
    out = []
    for c in centres:
        cid = c.site_id
        if cid not in reaching:
            out.append(
                Reach(
                    therapy=therapy.therapy_id,
                    direction=direction,
                    centre=cid,
                    temperature=str(temperature),
                    plants=(),
                    edge_cut=0,
                    node_cut=0,
                    cut_elements=(),
                    cut_sites=(),
                    single_points=(),
                )
            )
            continue
        plants = tuple(sorted(p for p in therapy.sites if p in g and nx.has_path(g, cid, p)))
        single = [e for e in _dominators(d, cid) if e in catalogue]
        single += [z for z in roads if cid not in road_cuts[z]]
        value, cut = _edge_cut(g, cid, edge_residual, max_cut)
        sites: set = set()
        if value < max_cut:
            sites = minimum_st_node_cut(g, cid, SINK, auxiliary=aux, residual=residual)
        out.append(
            Reach(
                therapy=therapy.therapy_id,
                direction=direction,
                centre=cid,
                temperature=str(temperature),
                plants=plants,
                edge_cut=value,
                node_cut=len(sites) if value < max_cut else max_cut,
                cut_elements=tuple(cut),
                cut_sites=tuple(sorted(sites)),
                single_points=tuple(sorted(set(single))),
            )
        )
    return out


def analyse(network: Network, max_cut: int = MAX_CUT) -> Structure:
    """The structure of ``network``: every therapy, direction and centre of its
    markets (see the module's description). Cuts of ``max_cut`` or more are reported
    as ``max_cut`` without their elements (enough routes; it keeps the search short)."""
    catalogue = elements(network)
    reaches: list[Reach] = []
    for therapy in network.therapies.values():
        centres = centres_of(network, therapy)
        for direction in DIRECTIONS:
            reaches += _group(network, therapy, direction, centres, catalogue, max_cut)
    return Structure(reaches=tuple(reaches), elements=catalogue)


def unreachable(network: Network) -> list[tuple[str, str, str]]:
    """(centre, therapy, direction) for every treatment centre in a therapy's markets
    that no lane path joins to any of its licensed plants in that direction
    (reachability only: cheap enough for validation)."""
    out = []
    for therapy in network.therapies.values():
        centres = centres_of(network, therapy)
        for direction in DIRECTIONS:
            outbound = direction == "outbound"
            temperature = therapy.outbound_temperature if outbound else therapy.inbound_temperature
            reaching = _reaching(_site_graph(network, temperature, therapy.sites, outbound))
            out += [
                (c.site_id, therapy.therapy_id, direction)
                for c in centres
                if c.site_id not in reaching
            ]
    return out


def reach_warnings(network: Network) -> list[str]:
    """One warning per treatment centre and therapy of its markets that no lane path
    joins to any licensed plant, naming the directions (for ``logistics validate``)."""
    cut: dict[tuple[str, str], list[str]] = defaultdict(list)
    for centre, therapy, direction in unreachable(network):
        cut[(centre, therapy)].append(direction)
    out = []
    for (centre, tid), directions in cut.items():
        t = network.therapies[tid]
        temps = {"inbound": t.inbound_temperature, "outbound": t.outbound_temperature}
        how = " and ".join(f"{d} ({temps[d]})" for d in directions)
        out.append(
            f"treatment centre {centre} cannot reach any licensed plant of {tid} "
            f"({', '.join(t.sites)}) at all: no path of lanes {how}; its orders of {tid} "
            "will be unserved"
        )
    return out
