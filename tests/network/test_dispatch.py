"""One dispatch per itinerary: a courier's van is dispatched once and drives on.

A tiny bundle written here (Zurich to a Freiburg plant, every site open 24/7 and on
holidays, December: Zurich and Freiburg are UTC+1):

- TC-ZRH -> XING-CH-BASEL: on-demand road, 1.25 h, lead (dispatch) 1 h;
- XING-CH-BASEL -> XING-DE-WEIL: the middle lane, 0.25 h, by on-demand road (lead
  1 h) or, timetabled at xx:45 local with a 0.5 h check-in, by tunnel, ferry or rail;
  customs CH -> EU (any mode) 0.5 h, office 24/7;
- XING-DE-WEIL -> MFG-FRE: on-demand road, 1.0 h, lead 1 h;
- the flight route TC-ZRH -> APT-ZRH (road, 0.5 h, lead 1 h), APT-ZRH -> APT-STR
  (air, 17:00 local, lead 2 h, 1.0 h, customs CH -> EU by air 1.0 h), APT-STR ->
  MFG-FRE (road, 2.0 h, lead 1 h);
- the same lanes back for the return (LN2).

Ready Mon 2026-12-07 13:00 Zurich = 12:00Z. The van leaves TC-ZRH at 13:00Z (one
dispatch) and is at Basel at 14:15Z. Then:

- middle road: it drives on at once (no second dispatch), at Weil 14:30Z, cleared
  15:00Z, drives on to the plant: 16:00Z = ready + 1 + 1.25 + 0.25 + 0.5 + 1.0 h
  (re-dispatched at each crossing it was 18:00Z);
- middle tunnel or ferry: check-in until 14:45Z, the 15:45 local (14:45Z) service,
  at Weil 15:00Z, cleared 15:30Z; the van drives off and on: plant 16:30Z;
- middle rail: the same to 15:30Z, but the material left the van: a courier is
  dispatched, 16:30Z, plant 17:30Z;
- the flight route: APT-ZRH 13:30Z, the 16:00Z flight, STR 17:00Z, cleared 18:00Z,
  a courier dispatched to the airport: 19:00Z, plant 21:00Z.

Every engine (scalar search and its early-stopping form for candidate building,
``earliest_chains``; Pareto and cheapest searches; router) and the independent checker
apply the rule; a solved plan passes the checker and the Monte
Carlo replays it to the second. A second bundle generates its road legs from
coordinates (Lausanne, Basel, Weil, Karlsruhe: no other road joins them across the
border) and arrives one dispatch after the sum of its legs.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import logistics as lg
from logistics.check import check_itinerary
from logistics.model.itinerary import Itinerary
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import chain_to, earliest_chains, search
from logistics.network.pareto import cheapest, earliest_cheapest, lower_bounds, pareto
from logistics.network.router import Router
from logistics.network.timebase import to_s

ALL = "CRT;2-8C;-80C;LN2"
READY = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # Mon 13:00 Zurich
HEADER = {
    "sites.csv": "site_id,name,kind,country,subdivision,lat,lon,timezone,opening_hours,"
    "ph_open,iata,apheresis_ready",
    "lanes.csv": "lane_id,carrier,mode,from_site,to_site,duration_h,duration_p90_h,"
    "departures,days,lead_time_h,temperatures,capacity,cost_eur,valid_from,valid_to",
}
THERAPY = """[therapy.cart-auto]
description = "Autologous CAR-T, fresh apheresis"
inbound_temperature = "2-8C"
inbound_max_h = 48
manufacturing_days = 9
release_days = 7
outbound_temperature = "LN2"
outbound_max_h = 216
infusion_prep_days = 5
hold_cv = 0
sites = ["{plant}"]
markets = ["CH", "EU"]
"""
CUSTOMS = """\
from_territory,to_territory,mode,clearance_median_h,clearance_p90_h,office_hours,\
import_release_h
CH,EU,,0.5,0.5,24/7,0
EU,CH,,0.5,0.5,24/7,0
CH,EU,air,1,1,24/7,0
EU,CH,air,1,1,24/7,0
"""
EVERY_HOUR_45 = ";".join(f"{h:02d}:45" for h in range(24))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def site(site_id: str, kind: str, country: str, lat: float, lon: float, iata: str = "") -> str:
    zone = {"CH": "Europe/Zurich", "DE": "Europe/Berlin"}[country]
    ready = "13:00" if kind == "treatment_centre" else ""
    return f"{site_id},{site_id},{kind},{country},,{lat},{lon},{zone},24/7,true,{iata},{ready}"


def lane(lane_id: str, mode: str, a: str, b: str, hours: float, lead: float, cost: float,
         departures: str = "") -> str:  # fmt: skip
    """An unlimited lane row carrying every class, p90 = median (no uncertainty)."""
    times = f"{hours},{hours},{departures},,{lead}"
    return f"{lane_id},{mode} co,{mode},{a},{b},{times},{ALL},,{cost},,"


def write_bundle(folder: Path, sites: list[str], lanes: list[str], plant: str) -> Path:
    """A bundle with these sites and lanes, the customs rules above, one therapy made
    at ``plant`` and one order from TC-ZRH (or the one treatment centre)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites.csv").write_text("\n".join([HEADER["sites.csv"], *sites]) + "\n")
    (folder / "lanes.csv").write_text("\n".join([HEADER["lanes.csv"], *lanes]) + "\n")
    (folder / "customs.csv").write_text(CUSTOMS)
    (folder / "therapies.toml").write_text(THERAPY.format(plant=plant))
    centre = next(s.split(",")[0] for s in sites if ",treatment_centre," in s)
    (folder / "capacity.csv").write_text(
        "site_id,resource,weekday,date,slots\n"
        f"{plant},manufacturing,Mo-Su,,2\n{centre},apheresis,Mo-Fr,,1\n"
    )
    (folder / "orders.csv").write_text(
        "order_id,therapy,treatment_centre,apheresis_earliest,apheresis_latest,priority,"
        f"status,committed_site,committed_apheresis\nP-1,cart-auto,{centre},2026-12-07,"
        "2026-12-07,3,new,,\n"
    )
    return folder


MIDDLE = {  # mode -> (departures, check-in lead)
    "road": ("", 1.0),
    "tunnel": (EVERY_HOUR_45, 0.5),
    "ferry": (EVERY_HOUR_45, 0.5),
    "rail": (EVERY_HOUR_45, 0.5),
}


@functools.cache
def crossing_bundle(tmp: Path, middle: str) -> Path:
    deps, lead = MIDDLE[middle]
    sites = [
        site("TC-ZRH", "treatment_centre", "CH", 47.38, 8.55),
        site("XING-CH-BASEL", "crossing", "CH", 47.57, 7.60),
        site("XING-DE-WEIL", "crossing", "DE", 47.59, 7.62),
        site("MFG-FRE", "manufacturing_site", "DE", 48.00, 7.85),
        site("APT-ZRH", "airport", "CH", 47.46, 8.55, "ZRH"),
        site("APT-STR", "airport", "DE", 48.69, 9.22, "STR"),
    ]
    lanes = [
        lane("RD-ZRH-XCH", "road", "TC-ZRH", "XING-CH-BASEL", 1.25, 1.0, 200),
        lane("MID-XCH-XDE", middle, "XING-CH-BASEL", "XING-DE-WEIL", 0.25, lead, 50, deps),
        lane("RD-XDE-FRE", "road", "XING-DE-WEIL", "MFG-FRE", 1.0, 1.0, 150),
        lane("RD-FRE-XDE", "road", "MFG-FRE", "XING-DE-WEIL", 1.0, 1.0, 150),
        lane("MID-XDE-XCH", middle, "XING-DE-WEIL", "XING-CH-BASEL", 0.25, lead, 50, deps),
        lane("RD-XCH-ZRH", "road", "XING-CH-BASEL", "TC-ZRH", 1.25, 1.0, 200),
        lane("RD-ZRH-APT", "road", "TC-ZRH", "APT-ZRH", 0.5, 1.0, 100),
        lane("AIR-ZRH-STR", "air", "APT-ZRH", "APT-STR", 1.0, 2.0, 500, "17:00"),
        lane("RD-STR-FRE", "road", "APT-STR", "MFG-FRE", 2.0, 1.0, 250),
    ]
    return write_bundle(tmp / f"crossings-{middle}", sites, lanes, "MFG-FRE")


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dispatch")


def legs(it: Itinerary) -> list[tuple[str, datetime, datetime]]:
    return [(leg.lane_id, leg.depart, leg.arrive) for leg in it.legs]


# (middle mode, legs of the earliest itinerary) as derived in the module docstring
CROSSINGS = [
    (
        "road",
        [
            ("RD-ZRH-XCH", utc("2026-12-07 13:00"), utc("2026-12-07 14:15")),
            ("MID-XCH-XDE", utc("2026-12-07 14:15"), utc("2026-12-07 15:00")),
            ("RD-XDE-FRE", utc("2026-12-07 15:00"), utc("2026-12-07 16:00")),
        ],
    ),
    *(
        (
            mode,
            [
                ("RD-ZRH-XCH", utc("2026-12-07 13:00"), utc("2026-12-07 14:15")),
                ("MID-XCH-XDE", utc("2026-12-07 14:45"), utc("2026-12-07 15:30")),
                ("RD-XDE-FRE", utc("2026-12-07 15:30"), utc("2026-12-07 16:30")),
            ],
        )
        for mode in ("tunnel", "ferry")
    ),
    (
        "rail",
        [
            ("RD-ZRH-XCH", utc("2026-12-07 13:00"), utc("2026-12-07 14:15")),
            ("MID-XCH-XDE", utc("2026-12-07 14:45"), utc("2026-12-07 15:30")),
            ("RD-XDE-FRE", utc("2026-12-07 16:30"), utc("2026-12-07 17:30")),
        ],
    ),
]


@pytest.mark.parametrize(("middle", "expected"), CROSSINGS)
def test_two_mid_route_crossings_are_dispatched_once(tmp, middle, expected) -> None:
    """Centre -> crossing -> crossing -> plant: the van is dispatched once and drives on
    at each crossing (and off a tunnel shuttle or ferry it rode); after a train a
    courier is dispatched again. Every engine gives the derived handover."""
    net = lg.read_network(crossing_bundle(tmp, middle))
    router = Router(net)
    it = router.earliest("TC-ZRH", "MFG-FRE", READY, "2-8C")
    assert it is not None and legs(it) == expected
    if middle == "road":  # ready + 1 h dispatch + the three drives + 0.5 h customs
        assert it.arrival == READY + timedelta(hours=1 + 1.25 + 0.25 + 0.5 + 1.0)
    assert check_itinerary(net, it) == []
    arrival = to_s(it.arrival)
    cn = router.compiled(READY)
    o, d = cn.index["TC-ZRH"], cn.index["MFG-FRE"]
    label, steps = search(cn, o, float(to_s(READY)), "2-8C")
    assert label[d] == arrival
    assert [cl.lane_id for cl in chain_to(steps, o, d)] == [x[0] for x in expected]
    assert search(cn, o, float(to_s(READY)), "2-8C", targets=(d,))[0][d] == arrival
    ((at, cids),) = earliest_chains(cn, o, float(to_s(READY)), "2-8C", (d,)).values()
    assert at == arrival
    assert [cn.lanes[k].lane_id for k in cids] == [x[0] for x in expected]
    found = earliest_cheapest(cn, o, float(to_s(READY)), "2-8C", d)
    assert found is not None and found.time == arrival and found.van
    front = pareto(cn, o, float(to_s(READY)), "2-8C", arrival + 86400.0)[d]
    assert front[0].time == arrival
    best = cheapest(
        cn, o, float(to_s(READY)), "2-8C", arrival + 1.0, d,
        time_weight=1.0, lower=lower_bounds(cn, (d,), "2-8C"),
    )  # fmt: skip
    assert best is not None and best.time == arrival
    every = router.earliest_all("TC-ZRH", READY, "2-8C")
    assert legs(every["MFG-FRE"]) == expected


def test_a_road_leg_after_a_flight_pays_the_dispatch(tmp) -> None:
    """Without the crossing (its lane banned) the material flies: the courier that
    takes it from Stuttgart airport to the plant is dispatched (1 h) after the flight
    has cleared customs, 19:00Z, plant 21:00Z."""
    net = lg.read_network(crossing_bundle(tmp, "road"))
    router = Router(net)
    middle = next(k for k, la in enumerate(net.lanes) if la.lane_id == "MID-XCH-XDE")
    it = router.earliest("TC-ZRH", "MFG-FRE", READY, "2-8C", banned=[middle])
    assert it is not None
    assert legs(it) == [
        ("RD-ZRH-APT", utc("2026-12-07 13:00"), utc("2026-12-07 13:30")),
        ("AIR-ZRH-STR", utc("2026-12-07 16:00"), utc("2026-12-07 18:00")),
        ("RD-STR-FRE", utc("2026-12-07 19:00"), utc("2026-12-07 21:00")),
    ]
    assert check_itinerary(net, it) == []
    # the checker: the courier leaving on the flight's handover had no dispatch time
    early = replace(it.legs[-1], depart=utc("2026-12-07 18:00"), arrive=utc("2026-12-07 20:00"))
    found = check_itinerary(net, replace(it, legs=(*it.legs[:2], early)))
    assert [v.kind for v in found] == ["lead_time"]
    assert "leg 3" in found[0].where and "dispatched" in found[0].message


def test_checker_flags_a_redispatch_skipped_after_a_train(tmp) -> None:
    """After the train the material is out of the van: a road leg leaving at the
    train's handover (15:30Z) breaks its 1 h lead time; the van that rode a ferry may
    leave then."""
    for middle, kinds in (("rail", ["lead_time"]), ("ferry", [])):
        net = lg.read_network(crossing_bundle(tmp, middle))
        it = Router(net).earliest("TC-ZRH", "MFG-FRE", READY, "2-8C")
        assert it is not None
        moved = replace(it.legs[-1], depart=utc("2026-12-07 15:30"), arrive=utc("2026-12-07 16:30"))
        plan = replace(it, legs=(*it.legs[:2], moved))
        assert [v.kind for v in check_itinerary(net, plan)] == kinds, middle


@pytest.mark.parametrize("middle", ["road", "tunnel", "rail"])
def test_plan_passes_the_checker_and_replays_to_the_second(tmp, middle) -> None:
    """The one order solved on the bundle (deterministic durations): its plan passes
    the checker, its inbound is the derived itinerary, and the Monte Carlo (its own
    replay with recourse) delivers exactly when planned."""
    folder = crossing_bundle(tmp, middle)
    net = lg.read_network(folder)
    book = lg.read_orders(folder / "orders.csv", net)
    res = lg.solve(net, book, lg.SolveParams(workers=1, time_limit_s=10, seed=0))
    assert res.plan is not None
    assert lg.check(res.plan, net, book) == []
    (po,) = res.plan.served
    assert po.inbound is not None
    assert legs(po.inbound) == dict(CROSSINGS)[middle]
    sim = lg.simulate(res.plan, net, book, samples=20, seed=1)
    (risk,) = sim.orders
    assert risk.p_breach == 0
    assert risk.v2v_median_h == risk.v2v_p90_h == pytest.approx(po.v2v_h, abs=1e-9)


# ------------------------------------------------------------ generated road legs

GENERATED = """[roads]
generate = true
carrier = "Road courier"
max_km = 900
border_max_km = 80
circuity = 1.3
speed_kmh = 70
handling_h = 0.5
p90_factor = 1.0
lead_time_h = 1.0
cost_base_eur = 150
cost_per_km_eur = 1.6
temperatures = ["CRT", "2-8C", "-80C", "LN2"]

[roads.zones]
continent = ["CH", "DE"]
"""


def test_generated_road_legs_through_two_crossings_are_dispatched_once(tmp) -> None:
    """Lausanne -> Basel -> Weil -> Karlsruhe on generated road legs (the only road
    across the border: Lausanne and Karlsruhe are over 80 km from the crossings on the
    far side): handed over at the plant one 1 h dispatch, the three legs' durations
    (whole seconds, rounded up) and the 0.5 h CH -> EU clearance after ready."""
    sites = [
        site("TC-LAU", "treatment_centre", "CH", 46.52, 6.63),
        site("XING-CH-BASEL", "crossing", "CH", 47.57, 7.60),
        site("XING-DE-WEIL", "crossing", "DE", 47.59, 7.62),
        site("MFG-KAR", "manufacturing_site", "DE", 49.01, 8.40),
    ]
    folder = write_bundle(tmp / "generated", sites, [], "MFG-KAR")
    (folder / "network.toml").write_text(GENERATED)
    net = lg.read_network(folder)
    ready = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    it = Router(net).earliest("TC-LAU", "MFG-KAR", ready, "2-8C")
    assert it is not None
    assert [leg.to_site for leg in it.legs] == ["XING-CH-BASEL", "XING-DE-WEIL", "MFG-KAR"]
    assert all(leg.lane_id.startswith("road:") for leg in it.legs)
    drive_s = sum(
        math.ceil(round(net.lane_by_id[leg.lane_id].duration_h * 3600, 6)) for leg in it.legs
    )
    assert it.arrival == ready + timedelta(seconds=3600 + drive_s + 1800)
    # each later leg leaves when the previous one is handed over
    for before, after in zip(it.legs, it.legs[1:], strict=False):
        assert after.depart == before.arrive
    assert check_itinerary(net, it) == []
    cn = CompiledNetwork(net, ready - timedelta(days=1), ready + timedelta(days=10))
    o, d = cn.index["TC-LAU"], cn.index["MFG-KAR"]
    at, _ = earliest_chains(cn, o, float(to_s(ready)), "2-8C", (d,))[d]
    assert at == to_s(it.arrival) == search(cn, o, float(to_s(ready)), "2-8C")[0][d]
