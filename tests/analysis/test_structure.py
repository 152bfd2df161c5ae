"""The structure of the lane graph on tiny bundles: the single tunnel is a bridge and
its terminals articulation points, a parallel ferry removes them, a centre without
lanes is unreachable, and single points agree with closing each element by brute
force on random networks."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics as lg
from logistics.analysis import analyse, unreachable
from logistics.analysis.structure import MAX_CUT, reach_warnings

from .bundles import CAPACITY, CUSTOMS, HEADER, ORDERS, SITES, THERAPIES, channel_bundle


def test_single_tunnel_is_a_bridge(tmp_path: Path) -> None:
    """With one tunnel lane each way, the tunnel lanes are the bridges and their two
    terminals the articulation points, and they cut off London only (Paris drives to
    both plants); London has one route each way (cuts of 1)."""
    s = analyse(lg.read_network(channel_bundle(tmp_path)))
    assert set(s.bridges()) == {"TUNNEL-GB-FR", "TUNNEL-FR-GB"}
    assert set(s.articulation_points()) == {"XING-GB-FOLK", "XING-FR-COQ"}
    assert s.cut_off("TUNNEL-GB-FR") == ("TC-LON",)
    london = {r.direction: r for r in s.reaches if r.centre == "TC-LON"}
    assert london["inbound"].cut_elements == ("TUNNEL-GB-FR",)
    assert london["outbound"].cut_elements == ("TUNNEL-FR-GB",)
    assert {r.edge_cut for r in london.values()} == {1}
    assert {r.centre for r in s.single_route()} == {"TC-LON"}


def test_parallel_ferry_removes_the_bridge(tmp_path: Path) -> None:
    """A Dover - Calais ferry next to the tunnel: no element alone cuts London off any
    more, and its minimum cut is the tunnel and the ferry (2 lanes)."""
    s = analyse(lg.read_network(channel_bundle(tmp_path, ferry=True)))
    assert "TUNNEL-GB-FR" not in s.bridges()
    assert s.bridges() == () and s.articulation_points() == ()
    inbound = next(r for r in s.reaches if r.centre == "TC-LON" and r.direction == "inbound")
    assert inbound.edge_cut == 2
    assert set(inbound.cut_elements) == {"TUNNEL-GB-FR", "FER-XING-GB-DOVER-XING-FR-CALAIS-F"}


def test_centre_without_lanes_is_unreachable(tmp_path: Path) -> None:
    """A Reykjavik centre in the therapy's markets with no lane: unreachable both ways,
    and the validation warning names it, the therapy and its plants."""
    net = lg.read_network(channel_bundle(tmp_path, island=True))
    assert sorted(unreachable(net)) == [
        ("TC-IS-RVK", "cart-auto", "inbound"),
        ("TC-IS-RVK", "cart-auto", "outbound"),
    ]
    (warning,) = reach_warnings(net)
    assert "TC-IS-RVK" in warning and "cart-auto" in warning and "MFG-LEI" in warning
    assert reach_warnings(lg.read_network(channel_bundle(tmp_path / "no-island"))) == []


# random networks: London and Paris centres, the two plants, and transit hubs H0..H3
HUBS = [f"H{k}" for k in range(4)]
NODES = ["TC-LON", "TC-PAR", "MFG-LEI", "MFG-GHE", *HUBS]


def _random_bundle(folder: Path, arcs: list[tuple[int, int, int]]) -> Path:
    """The channel bundle's files with hubs and the given lanes (index pairs into
    NODES, one lane per (a, b, copy))."""
    hubs = "".join(
        f"{h},Hub {h},hub,FR,,{48 + k * 0.2},{2 + k * 0.2},Europe/Paris,24/7,true,,\n"
        for k, h in enumerate(HUBS)
    )
    sites = SITES.replace(
        "TC-LON,London hospital,treatment_centre,GB,GB-ENG", "TC-LON,London,treatment_centre,FR,"
    )
    lanes = HEADER + "".join(
        f"L{a}-{b}-{c},C,road,{NODES[a]},{NODES[b]},1,1,,,0.5,CRT;2-8C;LN2,,1,,\n"
        for a, b, c in sorted(set(arcs))
        if a != b
    )
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sites.csv": sites + hubs,
        "lanes.csv": lanes,
        "therapies.toml": THERAPIES.replace(', "GB", "IS"', ""),
        "customs.csv": CUSTOMS,
        "capacity.csv": CAPACITY,
        "orders.csv": ORDERS,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _connected(net, centre: str, direction: str, closed: set[str]) -> bool:
    """Brute force: a path of open lanes between the centre and a licensed plant that
    passes only open transit sites (no other centre or plant)."""
    g = nx.DiGraph()
    for lane in net.lanes:
        if lane.lane_id in closed or closed & {lane.from_site, lane.to_site}:
            continue
        a, b = lane.from_site, lane.to_site
        if direction == "outbound":
            a, b = b, a
        if (a != centre and a.startswith("TC-")) or a.startswith("MFG-"):
            continue  # only the centre may start; a plant only ends
        if b.startswith("TC-"):
            continue
        g.add_edge(a, b)
    plants = [p for p in ("MFG-LEI", "MFG-GHE") if p not in closed and p in g]
    return centre in g and any(nx.has_path(g, centre, p) for p in plants)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    arcs=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 1)), min_size=4, max_size=18
    )
)
def test_single_points_agree_with_brute_force(tmp_path_factory, arcs) -> None:
    """On random networks of hubs, every element that alone cuts a centre off (closing
    it and checking every path by brute force) is exactly a single point the analysis
    names, and reachability agrees."""
    net = lg.read_network(_random_bundle(tmp_path_factory.mktemp("random"), arcs))
    s = analyse(net)
    candidates = [lane.lane_id for lane in net.lanes] + HUBS + ["MFG-LEI", "MFG-GHE"]
    for r in s.reaches:
        assert r.reachable == _connected(net, r.centre, r.direction, set())
        if not r.reachable:
            continue
        expected = {e for e in candidates if not _connected(net, r.centre, r.direction, {e})}
        assert set(r.single_points) == expected
        if r.edge_cut >= MAX_CUT:  # large cuts are not searched
            continue
        # the minimum node cut really cuts, and no smaller set of sites does
        assert not _connected(net, r.centre, r.direction, set(r.cut_sites))
        sites = [*HUBS, "MFG-LEI", "MFG-GHE"]
        for smaller in itertools.combinations(sites, max(0, len(r.cut_sites) - 1)):
            assert _connected(net, r.centre, r.direction, set(smaller))


def test_plants_without_slots_are_not_elements():
    """A manufacturing site without manufacturing slots (a design candidate, say) cannot
    fail, so it is no element to close; every plant with slots is one (data/europe ships
    four candidate point-of-care units without slots)."""
    import logistics as lg
    from logistics.analysis.elements import ElementKind, elements

    net = lg.read_network()
    plants = {e.element_id for e in elements(net).values() if e.kind == ElementKind.PLANT}
    assert plants == set(net.capacity.sites_with("manufacturing")) & {
        s.site_id for s in net.sites.values() if s.kind == "manufacturing_site"
    }
    assert any(
        s.kind == "manufacturing_site" and s.site_id not in plants for s in net.sites.values()
    )
