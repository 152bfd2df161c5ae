"""Cost breaks ties in earliest-arrival routing.

Among itineraries that hand over at a site at the same time the cheaper one wins: the
scalar search (and ``earliest_chains``, its form for candidate building) and the
public routing API rank labels by (handover time, lane cost so far). Handover times
are unchanged: cost only breaks ties.

Hand-built networks (in code, Europe/London: GMT = UTC in December) show the rule
where the answer can be worked out by hand; a property over the European bundle
checks that earliest_chains gives the scalar search's times and chains, that each
chain hands over at its label, and that no single lane into a site could have reached
it as early for less.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics as lg
from logistics.model.calendar import OpeningHours, SiteCalendar
from logistics.model.capacity import Capacity
from logistics.model.constants import Material
from logistics.model.customs import TerritoryMap
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.sites import Site
from logistics.network.compiled import TEMP_BIT, CompiledLane, CompiledNetwork
from logistics.network.earliest import chain_to, earliest_chains, search
from logistics.network.pareto import lower_bounds
from logistics.network.router import Router, earliest_arrival
from logistics.network.timebase import INF, to_s

TEMP = "2-8C"


def utc(text: str) -> datetime:
    """'2026-12-07 18:30' -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def site(site_id: str, hours: str = "24/7", kind: str = "hub") -> Site:
    calendar = SiteCalendar(
        opening_hours=OpeningHours.parse(hours),
        timezone="Europe/London",
        country="GB",
        ph_open=True,
    )
    return Site(
        site_id=site_id, name=site_id, kind=kind, country="GB", subdivision=None,
        lat=52.0, lon=0.0, timezone="Europe/London", calendar=calendar, territory="GB",
    )  # fmt: skip


def lane(lane_id: str, a: str, b: str, hours: float, cost: float, deps: tuple = ()) -> Lane:
    """A lane with no lead time; ``deps`` local minutes after midnight (empty: on
    demand)."""
    return Lane(
        lane_id=lane_id, carrier="Carrier", mode="air" if deps else "road",
        from_site=a, to_site=b, duration_h=hours, duration_p90_h=hours,
        departures=deps, lead_time_h=0.0, cost_eur=cost,
    )  # fmt: skip


def network(sites: list[Site], lanes: list[Lane]) -> Network:
    return Network(
        sites={s.site_id: s for s in sites},
        lanes=tuple(lanes),
        territories=TerritoryMap(by_subdivision={}, by_country={"GB": "GB"}),
        customs=(),
        therapies={},
        capacity=Capacity(weekly={}, dated={}),
        source="test_tie_break",
    )


def lanes_to(origin: int, pred, v: int) -> list[CompiledLane] | None:
    """The chain of lanes to site ``v``'s label in ``pred`` (the scalar search's
    steps), None where no chain arrives."""
    if v == origin:
        return []
    return chain_to(pred, origin, v) if pred[v] is not None else None


def chain_costs(cn: CompiledNetwork, origin: int, pred) -> list[float]:
    """Per site, the summed cost of the lanes of the chain that ``pred`` gives from
    ``origin`` (see :func:`lanes_to`), added up from the origin as the engines add it;
    inf where no chain arrives."""
    out = []
    for v in range(len(cn.site_ids)):
        lanes = lanes_to(origin, pred, v)
        total = INF if lanes is None else 0.0
        for cl in lanes or ():
            total += cl.cost
        out.append(total)
    return out


def last_lane(cn: CompiledNetwork, origin: int, pred, v: int) -> str:
    """The lane id of the last lane of the chain to site ``v``."""
    lanes = lanes_to(origin, pred, v)
    assert lanes
    return lanes[-1].lane_id


def replay_chain(cn: CompiledNetwork, lanes: list[CompiledLane], t: float) -> tuple[float, bool]:
    """Handover at the end of a chain taken from ``t`` (one dispatch per itinerary), and
    whether the material is then in a courier's van."""
    van = False
    for cl in lanes:
        t = cn.traverse(cl, t, van)[3]
        van = cl.van_after(van)
    return t, van


# --------------------------------------------------------- two lanes, one handover


@functools.cache
def parallel() -> Network:
    """O to D by an on-board courier (first in the file, 4,825 EUR, leaves when
    dispatched, 2 h) or a scheduled flight (1,825 EUR, 20:00, 3 h); D receives
    Mo-Fr 08:00-18:00."""
    return network(
        [site("O"), site("D", "Mo-Fr 08:00-18:00", "manufacturing_site")],
        [
            lane("OBC-O-D", "O", "D", 2.0, 4825.0),
            lane("AIR-O-D", "O", "D", 3.0, 1825.0, deps=(20 * 60,)),
        ],
    )


READY = utc("2026-12-07 18:00")  # a Monday
# courier: 18:00Z + 2 h => 20:00Z; flight 20:00Z + 3 h => 23:00Z; D is closed until
# Tue 08:00 GMT = 08:00Z: both hand over then.
HANDOVER = utc("2026-12-08 08:00")


def test_searches_pick_the_cheaper_of_two_lanes_handing_over_together() -> None:
    """The scalar search (one-to-all, or stopping at the target) and earliest_chains
    (with and without A* bounds) take the flight."""
    net = parallel()
    cn = CompiledNetwork(net, READY - timedelta(days=1), READY + timedelta(days=10))
    o, d = cn.index["O"], cn.index["D"]
    r = float(to_s(READY))
    label, pred = search(cn, o, r, TEMP)
    assert label[d] == to_s(HANDOVER)
    assert last_lane(cn, o, pred, d) == "AIR-O-D"
    label, pred = search(cn, o, r, TEMP, targets=(d,))
    assert last_lane(cn, o, pred, d) == "AIR-O-D"
    for ahead in (None, np.asarray(lower_bounds(cn, (d,), TEMP))):
        at, cids = earliest_chains(cn, o, r, TEMP, (d,), ahead=ahead)[d]
        assert (at, [cn.lanes[k].lane_id for k in cids]) == (to_s(HANDOVER), ["AIR-O-D"])


def test_router_and_public_api_return_the_cheaper_itinerary() -> None:
    net = parallel()
    it = Router(net).earliest("O", "D", READY, TEMP)
    assert it is not None
    assert ([leg.lane_id for leg in it.legs], it.arrival, it.cost_eur) == (
        ["AIR-O-D"],
        HANDOVER,
        1825.0,
    )
    found = earliest_arrival(net, "O", READY, TEMP, "D")
    assert isinstance(found, lg.Itinerary) and found == it
    every = lg.earliest_arrival(net, "O", READY, TEMP)
    assert isinstance(every, dict) and every["D"] == it


def test_the_earlier_lane_still_wins_whatever_it_costs() -> None:
    """Cost only breaks ties: ready at 06:00Z the courier hands over at 08:00Z, the
    flight (20:00Z + 3 h, Tue 08:00Z) a day later."""
    it = Router(parallel()).earliest("O", "D", utc("2026-12-07 06:00"), TEMP)
    assert it is not None
    assert ([leg.lane_id for leg in it.legs], it.arrival) == (
        ["OBC-O-D"],
        utc("2026-12-07 08:00"),
    )


BELFAST, LEIDEN = "TC-GB-BELFAST", "MFG-NL-LEIDEN"
VIA_BRUSSELS = ["road:TC-GB-BELFAST>APT-DUB", "AIR-WC-DUB-BRU-1", "road:APT-BRU>MFG-NL-LEIDEN"]


VIA_SCHIPHOL = ["road:TC-GB-BELFAST>APT-DUB", "AIR-WC-DUB-AMS-1", "road:APT-AMS>MFG-NL-LEIDEN"]


@pytest.mark.parametrize(
    ("ready", "lanes", "cost"),
    [
        # Dublin by road at 10:56:42Z (423.80 EUR). The on-board courier (4,200 EUR)
        # is at Schiphol at 18:11:42Z, the 18:05 flight (1,200 EUR) only at 21:05Z.
        # Leiden opens Tue 07:00 CET = 06:00Z, and every chain below hands over then:
        # the courier 4,825.34 EUR (taken before), via Brussels 2,181.88 EUR, the
        # 18:05 flight to Schiphol 1,825.34 EUR (reaching Schiphol later than the
        # courier, so one label per site cannot find it).
        ("2026-12-07 06:00", VIA_SCHIPHOL, 1825.34),
        # Dublin at 16:11:42Z, too late for the 18:05 flight (2 h lead): via the 18:15
        # flight to Paris CDG 2,587.60 EUR (taken before), via Brussels 2,181.88 EUR,
        # both at Leiden Tue 06:00Z.
        ("2026-12-07 12:15", VIA_BRUSSELS, 2181.88),
    ],
)
def test_belfast_to_leiden_takes_the_cheapest_itinerary_handing_over_first(
    ready, lanes, cost
) -> None:
    """The report: Belfast to Leiden took a 4,825 EUR on-board courier although
    cheaper itineraries hand over at Leiden at the same time; the router gives the
    cheapest of all of them, and cheapest() within that time agrees."""
    net = lg.read_network()
    router = Router(net, material=Material.STARTING)
    it = lg.earliest_arrival(net, BELFAST, utc(ready), TEMP, LEIDEN)
    assert isinstance(it, lg.Itinerary)
    assert it.arrival == utc("2026-12-08 06:00")
    assert ([leg.lane_id for leg in it.legs], it.cost_eur) == (lanes, cost)
    budget = (it.arrival - utc(ready)) / timedelta(hours=1)
    cheap = router.cheapest(BELFAST, LEIDEN, utc(ready), TEMP, budget)
    assert cheap is not None and (cheap.arrival, cheap.cost_eur) == (it.arrival, cost)


# ------------------------------------- a site reached earlier, but at a higher cost


@functools.cache
def relabelled() -> Network:
    """From O (ready Mon 06:00Z, all on demand unless said, no lead times):

    - O -> A, 4 h, 100 EUR: A at 10:00Z for 100;
    - O -> B, 2 h, 1,000 EUR, then B -> A, 1 h, 1,000 EUR: A at 09:00Z for 2,000 (the
      earliest, so A's label);
    - A -> D leaves at 12:00, 1 h, 10 EUR: D at 13:00Z from A either way;
    - O -> D, 7 h, 1,500 EUR: D at 13:00Z for 1,500.

    From A's label D costs 2,010, so O -> D wins. An engine that meets A at 10:00Z
    for 100 first and sets D's label through it (13:00Z for 110) holds a chain A no
    longer offers once A's label is 09:00Z for 2,000.
    """
    return network(
        [site("O"), site("A"), site("B"), site("D", "Mo-Fr 08:00-18:00", "treatment_centre")],
        [
            lane("RD-O-A", "O", "A", 4.0, 100.0),
            lane("RD-O-B", "O", "B", 2.0, 1000.0),
            lane("RD-B-A", "B", "A", 1.0, 1000.0),
            lane("AIR-A-D", "A", "D", 1.0, 10.0, deps=(12 * 60,)),
            lane("RD-O-D", "O", "D", 7.0, 1500.0),
        ],
    )


def test_searches_follow_the_label_not_a_cheaper_chain_met_on_the_way() -> None:
    net = relabelled()
    ready = utc("2026-12-07 06:00")
    cn = CompiledNetwork(net, ready - timedelta(days=1), ready + timedelta(days=10))
    o, a, d = cn.index["O"], cn.index["A"], cn.index["D"]
    r = float(to_s(ready))
    label, pred = search(cn, o, r, TEMP)
    assert (label[a], label[d]) == (to_s(utc("2026-12-07 09:00")), to_s(utc("2026-12-07 13:00")))
    assert last_lane(cn, o, pred, d) == "RD-O-D"
    assert chain_costs(cn, o, pred)[d] == 1500
    found = earliest_chains(cn, o, r, TEMP, (a, d))
    assert found[a] == (label[a], tuple(cl.cid for cl in chain_to(pred, o, a)))
    assert found[d][0] == label[d]
    assert [cn.lanes[k].lane_id for k in found[d][1]] == ["RD-O-D"]
    # the router keeps every (time, cost) label: A at 10:00Z for 100 still makes the
    # 12:00 departure, so D at 13:00Z for 110
    it = Router(net).earliest("O", "D", ready, TEMP)
    assert it is not None and [leg.lane_id for leg in it.legs] == ["RD-O-A", "AIR-A-D"]
    assert it.cost_eur == 110


# ------------------------------------------------ property: the European network

START = datetime(2026, 12, 7, tzinfo=UTC)


@functools.cache
def europe() -> CompiledNetwork:
    net = lg.read_network()
    return CompiledNetwork(net, START - timedelta(days=1), START + timedelta(days=30))


def into(cn: CompiledNetwork, temperature: str) -> list[list[CompiledLane]]:
    """Per site, the compiled lanes into it that carry ``temperature``."""
    bit = TEMP_BIT[temperature]
    out: list[list[CompiledLane]] = [[] for _ in cn.site_ids]
    for cl in cn.lanes:
        if cl.temps & bit:
            out[cl.v].append(cl)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_earliest_chains_and_search_agree_on_time_and_cost(data) -> None:
    """From random origins and ready times (with or without a time limit):
    earliest_chains with every site a target gives the scalar search's handover and
    chain at every site it reaches; each chain really hands over at its site's label
    (one dispatch per itinerary); and no lane into a site from a site that may be
    left, taken after that site's chain (in a van or not as the chain leaves it),
    hands over there earlier, or as early for less (the label is lexicographically
    least over its last hop)."""
    cn = europe()
    n = len(cn.site_ids)
    temperature = data.draw(st.sampled_from(["2-8C", "LN2", "CRT", "-80C"]))
    queries = data.draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, 14 * 86400)), min_size=1, max_size=4
        )
    )
    max_h = data.draw(st.sampled_from([INF, 24.0, 72.0]))
    lanes_into = into(cn, temperature)
    for o, s in queries:
        r = float(to_s(START)) + s
        label, pred = search(cn, o, r, temperature, deadline=r + max_h * 3600)
        found = earliest_chains(cn, o, r, temperature, range(n), deadline=r + max_h * 3600)
        assert {v: at for v, (at, _) in found.items()} == {
            v: at for v, at in enumerate(label) if at < INF
        }
        for v, (_, cids) in found.items():
            lanes = lanes_to(o, pred, v)
            assert lanes is not None and cids == tuple(cl.cid for cl in lanes)
        cost = chain_costs(cn, o, pred)
        van = [False] * n
        for v in range(n):
            if v == o or label[v] == INF:
                continue
            lanes = lanes_to(o, pred, v)
            assert lanes
            hand, van[v] = replay_chain(cn, lanes, r)
            assert hand == label[v]
        for v in range(n):
            if v == o or label[v] == INF:
                continue
            for other in lanes_into[v]:
                u = other.u
                if label[u] == INF or (cn.end_point[u] and u != o):
                    continue
                hand = cn.traverse(other, label[u], van[u])[3]
                assert hand >= label[v], (cn.site_ids[v], other.lane_id)
                if hand == label[v]:
                    assert cost[u] + other.cost >= cost[v], (cn.site_ids[v], other.lane_id)
