"""Treatment centres and manufacturing sites are end points, never transit points:
no itinerary of the router, of candidate building's search (``earliest_chains``) or
of the fallbacks hands material over at one on the way to somewhere else (the
checker's rule 9 says the same)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics as lg
from logistics.check import check_itinerary
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import earliest_chains
from logistics.network.timebase import to_s

END = ("treatment_centre", "manufacturing_site")
START = datetime(2026, 12, 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def europe():
    net = lg.read_network()
    cn = CompiledNetwork(net, START - timedelta(days=1), START + timedelta(days=30))
    return net, cn, lg.Router(net)


def _passes(net, sites: list[str]) -> list[str]:
    """The end points among the intermediate sites of a path."""
    return [s for s in sites[1:-1] if net.sites[s].kind in END]


def _chain(cn, origin: int, cids: tuple[int, ...]) -> list[str]:
    """The sites of a chain of compiled lanes from ``origin``."""
    return [cn.site_ids[origin]] + [cn.site_ids[cn.lanes[k].v] for k in cids]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    k=st.integers(min_value=0, max_value=10_000),
    hours=st.integers(min_value=0, max_value=24 * 14),
    temperature=st.sampled_from(["2-8C", "LN2"]),
)
def test_no_itinerary_passes_through_an_end_point(europe, k, hours, temperature):
    """From any centre or plant at any time: every earliest itinerary to every site
    (the router's, and the chains candidate building's search gives with every site a
    target) has no centre or plant in its middle."""
    net, cn, router = europe
    ends = sorted(s for s, site in net.sites.items() if site.kind in END)
    origin = ends[k % len(ends)]
    ready = START + timedelta(hours=hours)
    for it in router.earliest_all(origin, ready, temperature).values():
        sites = [it.origin] + [leg.to_site for leg in it.legs]
        assert _passes(net, sites) == [], (origin, [leg.lane_id for leg in it.legs])
    o = cn.index[origin]
    found = earliest_chains(cn, o, float(to_s(ready)), temperature, range(len(cn.site_ids)))
    for _, cids in found.values():
        assert _passes(net, _chain(cn, o, cids)) == []


def test_gdansk_to_ghent_no_longer_passes_a_plant_or_a_hospital():
    """The issue's example: Gdansk university hospital to the Ghent plant went via the
    Gdansk plant and Essen's hospital."""
    net = lg.read_network()
    it = lg.earliest_arrival(
        net, "TC-PL-UCKGDANSK", datetime(2026, 12, 7, 12, tzinfo=UTC), "2-8C", "MFG-BE-GHENT"
    )
    assert it is not None
    sites = [it.origin] + [leg.to_site for leg in it.legs]
    assert _passes(net, sites) == []
    assert check_itinerary(net, it) == []  # no transit_end_point either
