"""Generated road legs on the European bundle: zones as land masses, fixed links,
feeders, the daily driving limit, and the Baltic reached by ferry."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

import logistics as lg
from logistics.model.lanes import Lane
from logistics.model.network import RoadSettings
from logistics.network.roads import driving, road_legs
from logistics.network.seas import sea_crossings

EUROPE = Path(__file__).resolve().parents[2] / "data" / "europe"
_GEOD = Geod(ellps="WGS84")


@cache
def europe() -> lg.Network:
    return lg.read_network(EUROPE)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return _GEOD.inv(a[1], a[0], b[1], b[0])[2] / 1000.0


def _generated(net: lg.Network) -> list[Lane]:
    return [lane for lane in net.lanes if lane.generated]


def test_no_road_leg_leaves_finland():
    """Finland is a road zone of its own with no fixed link: no generated leg joins a
    Finnish site to a site anywhere else (Helsinki - Stockholm, Helsinki - Tallinn and
    Helsinki - Gdansk are ferries or flights)."""
    net = europe()
    country = {s.site_id: s.country for s in net.sites.values()}
    across = [
        lane.lane_id
        for lane in _generated(net)
        if (country[lane.from_site] == "FI") != (country[lane.to_site] == "FI")
    ]
    assert across == []
    assert "road:TC-FI-HUS>XING-FI-HELSINKI-WEST" in net.lane_by_id  # the port is reached


def test_no_road_leg_across_the_baltic_or_the_kattegat():
    """No generated leg joins Sweden or Norway to Poland or Germany, or Zealand to
    Jutland, except along the Oresund and Great Belt bridges: every leg between those
    zones runs through a declared link."""
    net = europe()
    legs = {leg.lane.lane_id: leg for leg in road_legs(net)}
    for leg in legs.values():
        if leg.zones[0] != leg.zones[1]:
            assert leg.links, leg.lane.lane_id
    assert "road:XING-SE-YSTAD>XING-PL-SWINOUJSCIE" in legs  # by the bridges, 1,000 km
    assert legs["road:XING-SE-YSTAD>XING-PL-SWINOUJSCIE"].links == (
        "oresund",
        "great_belt",
        "danish_border",
    )


def test_european_road_legs_stay_on_land():
    """The bundle validator's rule holds for every generated leg of the European
    bundle: none crosses the sea."""
    assert sea_crossings(road_legs(europe())) == []


def test_oresund_leg_is_measured_along_the_bridge():
    """Copenhagen airport (Zealand) to Lund (Scandinavia) is one leg driven to the
    Kastrup end of the Oresund link, along it to Lernacken and on to Lund: its length,
    time and cost follow from those geodesic distances and the road settings."""
    net = europe()
    cfg = net.roads
    link = next(lk for lk in cfg.links if lk.name == "oresund")
    cph, lund = net.sites["APT-CPH"], net.sites["TC-SE-SKANE"]
    km = _km((cph.lat, cph.lon), link.via[0])
    km += sum(_km(a, b) for a, b in zip(link.via, link.via[1:], strict=False))
    km += _km(link.via[-1], (lund.lat, lund.lon))
    road_km = km * cfg.circuity
    lane = net.lane_by_id["road:APT-CPH>TC-SE-SKANE"]
    assert lane.via == link.via  # maps draw the leg over the bridge
    assert lane.duration_h == pytest.approx(cfg.handling_h + road_km / cfg.speed_kmh, abs=1e-3)
    assert lane.cost_eur == pytest.approx(
        cfg.cost_base_eur + cfg.cost_per_km_eur * road_km, abs=0.01
    )


def test_hubs_are_feeders():
    """Courier hubs, like airports, are reached by road only within feeder_max_km:
    fresh cells are no longer driven Dresden -> Brussels cargo hub overnight."""
    net = europe()
    kinds = {s.site_id: s.kind for s in net.sites.values()}
    where = {s.site_id: (s.lat, s.lon) for s in net.sites.values()}
    assert "road:TC-DE-DRESDEN>HUB-BE-BRUCARGO" not in net.lane_by_id
    for lane in _generated(net):
        if {kinds[lane.from_site], kinds[lane.to_site]} & {"hub", "airport"}:
            assert _km(where[lane.from_site], where[lane.to_site]) <= net.roads.feeder_max_km


def test_fifteen_hour_leg_pays_a_second_driver_or_rests():
    """A 15 h road leg (0.5 h handling + 14.5 h driving at 70 km/h = 1,015 road km)
    over the 9 h daily limit: with two drivers it still takes 15 h and costs
    15 h x EUR 35 more; with a rest it takes 15 + 11 = 26 h (p90 15 x 1.25 + 11)."""
    base = dict(speed_kmh=70.0, handling_h=0.5, p90_factor=1.25, max_driving_h=9.0)
    two = RoadSettings(**base, over_limit="two_drivers", second_driver_eur_per_h=35.0)
    assert driving(1015.0, two) == pytest.approx((15.0, 18.75, 525.0))
    rest = RoadSettings(**base, over_limit="rest", rest_h=11.0)
    assert driving(1015.0, rest) == pytest.approx((26.0, 29.75, 0.0))
    assert driving(1015.0, RoadSettings(**{**base, "max_driving_h": None})) == pytest.approx(
        (15.0, 18.75, 0.0)
    )


@settings(max_examples=60, deadline=None)
@given(
    road_km=st.floats(min_value=1.0, max_value=3000.0),
    limit=st.floats(min_value=1.0, max_value=12.0),
)
def test_driving_limit_only_adds(road_km, limit):
    """Below the limit a leg is as without it; above it a second driver adds cost
    only (paid for the whole leg) and a rest adds whole rests of rest_h only, one per
    full limit of driving after the first."""
    free = driving(road_km, RoadSettings())
    two = driving(road_km, RoadSettings(max_driving_h=limit, second_driver_eur_per_h=30.0))
    rest = driving(road_km, RoadSettings(max_driving_h=limit, over_limit="rest", rest_h=11.0))
    drive = road_km / RoadSettings().speed_kmh
    assert two[:2] == pytest.approx(free[:2])
    if drive <= limit:
        assert two == pytest.approx(free) and rest == pytest.approx(free)
    else:
        assert two[2] == pytest.approx(30.0 * free[0])
        rests = math.ceil(drive / limit) - 1
        assert rest[0] == pytest.approx(free[0] + 11.0 * rests)
        assert rest[2] == 0.0


def test_european_long_legs_carry_the_second_driver():
    """In the European bundle (9 h, two drivers at the bundle's rate) a leg driving
    more than 9 h costs the second driver for its whole duration, a shorter one does
    not."""
    net = europe()
    cfg = net.roads
    assert cfg.max_driving_h == 9 and cfg.over_limit == "two_drivers"
    for lane in _generated(net)[::7]:
        road_km = (lane.duration_h - cfg.handling_h) * cfg.speed_kmh
        base = cfg.cost_base_eur + cfg.cost_per_km_eur * road_km
        extra = cfg.second_driver_eur_per_h * lane.duration_h if road_km / cfg.speed_kmh > 9 else 0
        assert lane.cost_eur == pytest.approx(base + extra, abs=0.25)  # durations are rounded


@pytest.mark.parametrize("plant", ["MFG-DE-LEIPZIG", "MFG-NL-LEIDEN", "MFG-PL-GDANSK"])
def test_helsinki_reaches_the_continent_by_ferry_or_air(plant):
    """Fresh cells from Helsinki University Hospital reach continental plants, and the
    itinerary leaves Finland by ferry or by air, never by a road across the sea."""
    net = europe()
    ready = datetime(2026, 6, 2, 13, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    it = lg.earliest_arrival(net, "TC-FI-HUS", ready, "2-8C", plant)
    assert it is not None
    country = {s.site_id: s.country for s in net.sites.values()}
    leaving = next(leg for leg in it.legs if country[leg.to_site] != "FI")
    assert leaving.mode in ("air", "ferry")


def test_ferry_check_in_is_counted_once():
    """Handed over at Helsinki West Harbour at 09:00 (EEST), the material makes the
    10:30 Tallinn shuttle (check-in, lead_time_h 1 h, closes 09:30; the 07:30 has
    gone) and is handed over in Tallinn 2 h 15 min later (2 h sailing and 15 min to
    drive off): 12:45, not an hour later."""
    net = europe()
    tz = ZoneInfo("Europe/Helsinki")
    it = lg.earliest_arrival(
        net,
        "XING-FI-HELSINKI-WEST",
        datetime(2026, 6, 2, 9, 0, tzinfo=tz),
        "LN2",
        "XING-EE-TALLINN",
    )
    assert it is not None and [leg.lane_id for leg in it.legs] == ["FERRY-TL-HEL-TLL"]
    assert it.legs[0].depart == datetime(2026, 6, 2, 10, 30, tzinfo=tz)
    assert it.legs[0].arrive == datetime(2026, 6, 2, 12, 45, tzinfo=tz)


# crossing times the operators publish (SOURCES.md, "Ferry and tunnel times"), hours
_SAILING_H = {
    "FERRY-PO-": 1.5,
    "FERRY-DFDS-": 1.5,
    "TUN-ET-": 35 / 60,
    "FERRY-STENA-HOL-": 3.25,
    "FERRY-STENA-DUB-": 3.25,
    "FERRY-IF-": 3.25,
    "FERRY-STENA-CAI-": 2.25,
    "FERRY-STENA-BEL-": 2.25,
    "FERRY-STENA-ROS-": 17.0,
    "FERRY-STENA-CHE-": 17.0,
    "FERRY-BF-": 17.0,
    "FERRY-TS-HEL-": 17.5,
    "FERRY-TS-STO-": 16.75,
    "FERRY-TL-": 2.0,
    "FERRY-STENA-GDY-": 10.5,
    "FERRY-STENA-KAR-": 10.5,
    "FERRY-UL-": 7.0,
}


def test_timetabled_crossings_do_not_hold_the_check_in_again():
    """Every timetabled ferry and tunnel lane of the bundle lasts from its departure to
    the handover on the far side: the published crossing plus at most half an hour to
    drive off, never the check-in, which is its lead time before the departure."""
    net = europe()
    crossings = [lane for lane in net.lanes if lane.mode in ("ferry", "tunnel")]
    assert len(crossings) >= 24
    for lane in crossings:
        sailing = next(h for prefix, h in _SAILING_H.items() if lane.lane_id.startswith(prefix))
        assert lane.departures, lane.lane_id
        assert sailing <= lane.duration_h <= sailing + 0.5, lane.lane_id
        assert lane.lead_time_h >= 0.75, lane.lane_id


def test_site_zone_overrides_country_zone():
    """A site listed in [roads.site_zones] takes that zone; others keep their
    country's (or subdivision's) zone."""
    cfg = replace(RoadSettings(), zones={"DK": "jutland"}, site_zones={"X": "zealand"})
    assert cfg.site_zone("X", "DK", None) == "zealand"
    assert cfg.site_zone("Y", "DK", None) == "jutland"
    assert cfg.site_zone("Y", "SE", None) == "country:SE"
