"""The checker's one-dispatch rule (rule 4), on hand-made legs and a network built in
code (no engine): an on-demand road leg whose material arrives in a courier's van has
no lead time; after a flight, a train or a timetabled trunk run it has.

Europe/London and Europe/Paris, December (London = UTC, Paris = UTC+1), every site
open 24/7 and on holidays, one customs territory. Ready Mon 2026-12-07 12:00Z at the
centre. Road lanes are on demand with a 1 h dispatch; the ferry leaves Dover at
16:00 London (16:00Z) with a 1 h check-in; the flight leaves LHR at 16:00 London with
a 2 h acceptance; the train and the trunk run leave at 16:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logistics.check import check_legs
from logistics.model.calendar import OpeningHours, SiteCalendar
from logistics.model.capacity import Capacity
from logistics.model.customs import TerritoryMap
from logistics.model.itinerary import Leg
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.sites import Site

ZONES = {"GB": "Europe/London", "FR": "Europe/Paris"}


def _site(site_id: str, kind: str, country: str) -> Site:
    calendar = SiteCalendar(OpeningHours("24/7"), ZONES[country], country, None, True)
    return Site(
        site_id=site_id, name=site_id, kind=kind, country=country, subdivision=None,
        lat=51.0, lon=1.0, timezone=ZONES[country], calendar=calendar, territory="EU",
    )  # fmt: skip


def _lane(lane_id: str, mode: str, a: str, b: str, hours: float, lead: float, deps=()) -> Lane:
    return Lane(
        lane_id=lane_id, carrier="Co", mode=mode, from_site=a, to_site=b, duration_h=hours,
        duration_p90_h=hours, departures=deps, lead_time_h=lead,
    )  # fmt: skip


FOUR_PM = (16 * 60,)
NET = Network(
    sites={
        s.site_id: s
        for s in (
            _site("TC-LON", "treatment_centre", "GB"),
            _site("PORT-DOV", "crossing", "GB"),
            _site("APT-LHR", "airport", "GB"),
            _site("PORT-CAL", "crossing", "FR"),
            _site("HUB-LIL", "hub", "FR"),
            _site("MFG-LIL", "manufacturing_site", "FR"),
        )
    },
    lanes=(
        _lane("RD-LON-DOV", "road", "TC-LON", "PORT-DOV", 2.0, 1.0),
        _lane("RD-LON-LHR", "road", "TC-LON", "APT-LHR", 1.0, 1.0),
        _lane("FERRY-DOV-CAL", "ferry", "PORT-DOV", "PORT-CAL", 1.5, 1.0, FOUR_PM),
        _lane("TUN-DOV-CAL", "tunnel", "PORT-DOV", "PORT-CAL", 0.5, 1.0, FOUR_PM),
        _lane("RAIL-DOV-CAL", "rail", "PORT-DOV", "PORT-CAL", 1.5, 1.0, FOUR_PM),
        _lane("AIR-LHR-CAL", "air", "APT-LHR", "PORT-CAL", 1.0, 2.0, FOUR_PM),
        _lane("TRUNK-CAL-LIL", "road", "PORT-CAL", "HUB-LIL", 1.0, 1.0, ((17 * 60 + 30),)),
        _lane("RD-CAL-LIL", "road", "PORT-CAL", "HUB-LIL", 1.0, 1.0),
        _lane("RD-LIL-MFG", "road", "HUB-LIL", "MFG-LIL", 0.5, 1.0),
    ),
    territories=TerritoryMap(by_subdivision={}, by_country={"GB": "EU", "FR": "EU"}),
    customs=(),
    therapies={},
    capacity=Capacity(weekly={}, dated={}),
)
LANES = NET.lane_by_id


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def leg(lane_id: str, depart: str, arrive: str, day: str = "2026-12-07") -> Leg:
    """A 2-8C leg on ``lane_id`` leaving and arriving at these UTC times of ``day``."""
    lane = LANES[lane_id]
    return Leg(
        lane_id=lane_id, carrier=lane.carrier, mode=lane.mode, from_site=lane.from_site,
        to_site=lane.to_site, depart=utc(f"{day} {depart}"), arrive=utc(f"{day} {arrive}"),
        temperature="2-8C",
    )  # fmt: skip


def violations(*legs: Leg) -> list[tuple[str, str]]:
    """(kind, where) of the violations of ``legs`` from ready 12:00Z."""
    found = check_legs(
        NET,
        legs,
        origin=legs[0].from_site,
        destination=legs[-1].to_site,
        ready=utc("2026-12-07 12:00"),
        temperature="2-8C",
    )
    return [(v.kind, v.where) for v in found]


TO_DOVER = leg("RD-LON-DOV", "13:00", "15:00")  # dispatched 1 h after ready
FERRY = leg("FERRY-DOV-CAL", "16:00", "17:30")  # 16:00 London, checked in from 15:00


@pytest.mark.parametrize(
    "rest",
    [
        # the van rides the ferry, drives off at 17:30Z, on through Lille
        [FERRY, leg("RD-CAL-LIL", "17:30", "18:30"), leg("RD-LIL-MFG", "18:30", "19:00")],
        # and the shuttle
        [
            leg("TUN-DOV-CAL", "16:00", "16:30"),
            leg("RD-CAL-LIL", "16:30", "17:30"),
            leg("RD-LIL-MFG", "17:30", "18:00"),
        ],
    ],
)
def test_a_van_that_rode_a_ferry_or_tunnel_drives_on(rest) -> None:
    """Centre -> Dover by van, the crossing, then two road legs each leaving when the
    previous one hands over: one dispatch, no violation."""
    assert violations(TO_DOVER, *rest) == []


def test_the_first_road_leg_pays_its_dispatch() -> None:
    """Ready 12:00Z: the van cannot leave the centre before 13:00Z."""
    early = leg("RD-LON-DOV", "12:30", "14:30")
    assert violations(early, FERRY) == [("lead_time", "leg 1 (RD-LON-DOV)")]


def test_a_van_still_checks_in_for_the_ferry() -> None:
    """At Dover at 15:30Z, the 16:00Z ferry needs its 1 h check-in, van or not."""
    late = leg("RD-LON-DOV", "13:30", "15:30")
    assert violations(late, FERRY) == [("lead_time", "leg 2 (FERRY-DOV-CAL)")]


@pytest.mark.parametrize(
    ("before", "now", "later"),
    [
        # the train from Dover (boarded out of the van): the material left the van
        (
            [TO_DOVER, leg("RAIL-DOV-CAL", "16:00", "17:30")],
            leg("RD-CAL-LIL", "17:30", "18:30"),
            leg("RD-CAL-LIL", "18:30", "19:30"),
        ),
        # a flight (16:00 London, accepted from 14:00Z)
        (
            [leg("RD-LON-LHR", "13:00", "14:00"), leg("AIR-LHR-CAL", "16:00", "17:00")],
            leg("RD-CAL-LIL", "17:00", "18:00"),
            leg("RD-CAL-LIL", "18:00", "19:00"),
        ),
    ],
)
def test_a_road_leg_after_a_train_or_flight_is_dispatched(before, now, later) -> None:
    """The courier leaving Calais at the handover breaks its 1 h dispatch; leaving an
    hour later it is fine."""
    found = check_legs(
        NET, (*before, now), origin="TC-LON", destination="HUB-LIL",
        ready=utc("2026-12-07 12:00"), temperature="2-8C",
    )  # fmt: skip
    assert [(v.kind, v.where) for v in found] == [("lead_time", "leg 3 (RD-CAL-LIL)")]
    assert "dispatched" in found[0].message
    assert violations(*before, later) == []


def test_a_timetabled_trunk_run_is_not_a_van() -> None:
    """After the ferry (Calais 17:30Z) the trunk run leaves the next day at 17:30 Paris
    = 16:30Z and hands over at Lille at 17:30Z: the courier to the plant is dispatched,
    18:30Z at the earliest."""
    trunk = leg("TRUNK-CAL-LIL", "16:30", "17:30", day="2026-12-08")
    now = leg("RD-LIL-MFG", "17:30", "18:00", day="2026-12-08")
    later = leg("RD-LIL-MFG", "18:30", "19:00", day="2026-12-08")
    assert violations(TO_DOVER, FERRY, trunk, now) == [("lead_time", "leg 4 (RD-LIL-MFG)")]
    assert violations(TO_DOVER, FERRY, trunk, later) == []
