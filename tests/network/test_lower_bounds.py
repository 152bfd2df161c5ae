"""The A* bounds (``pareto.lower_bounds``, a compiled reverse Dijkstra) against
networkx's multi-source Dijkstra on the same lanes written out as a graph."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.model.constants import TEMPERATURES
from logistics.network.compiled import TEMP_BIT
from logistics.network.pareto import lower_bounds

from .horizon import BUNDLES, compiled


def _graph(cn, temperature: str, cost: bool) -> nx.DiGraph:
    """Node ``site + n x in_van``; an edge per lane and van state from where the
    material is to where the lane leaves it, weighted by lead, duration and clearance
    (or cost), the least of parallel lanes."""
    n = len(cn.site_ids)
    g = nx.DiGraph()
    g.add_nodes_from(range(2 * n))
    for cl in cn.lanes:
        if not cl.temps & TEMP_BIT[temperature]:
            continue
        for van in (False, True):
            u = cl.u + n * van
            clear = cl.clearance + cl.release if cl.customs >= 0 else 0
            w = cl.cost if cost else cl.lead_from(van) + cl.duration + clear
            v = cl.v + n * cl.van_after(van)
            if not g.has_edge(u, v) or g[u][v]["w"] > w:
                g.add_edge(u, v, w=w)
    return g


@pytest.mark.parametrize("bundle", BUNDLES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lower_bounds_are_the_least_time_or_cost_to_a_target(bundle, data):
    """Every node's bound is its least lead + duration + clearance (or lane cost) to
    any of the targets over lanes carrying the temperature, passing through no end
    point that is not a target: what networkx's Dijkstra finds on the reversed graph
    (inf where no target is reachable)."""
    cn = compiled(bundle)
    n = len(cn.site_ids)
    targets = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=4))
    temperature = data.draw(st.sampled_from(sorted(TEMPERATURES)))
    cost = data.draw(st.booleans())
    got = lower_bounds(cn, tuple(sorted(targets)), temperature, cost=cost)
    g = _graph(cn, temperature, cost)
    # an end point that is not a target starts no path onward: from it, only its own lanes
    blocked = {v for v in range(n) if cn.end_point[v] and v not in targets}
    reverse = g.reverse(copy=True)
    for node in list(reverse.nodes):
        if node % n in blocked:
            reverse.remove_edges_from(list(reverse.out_edges(node)))
    sources = {v + n * van for v in targets for van in (0, 1)}
    want = nx.multi_source_dijkstra_path_length(reverse, sources, weight="w")
    assert len(got) == 2 * n
    for node in range(2 * n):
        expected = want.get(node, math.inf)
        assert got[node] == pytest.approx(expected, rel=1e-12, abs=1e-6), node
