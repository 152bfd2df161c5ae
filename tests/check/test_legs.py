"""The independent leg checker: one valid hand-made itinerary per situation and one
violating itinerary per rule, each asserting exactly the kind(s) reported.

The network is built in code (no files, no routing engine). Its clocks:
- London is UTC+0 in December (GMT) and UTC+1 in summer (BST); Amsterdam, Paris and
  Zurich are UTC+1 in winter (CET) and UTC+2 in summer (CEST).
- 2026-03-29 01:00Z Zurich jumps 02:00 -> 03:00 (02:30 does not exist);
  2026-10-25 01:00Z Zurich falls back 03:00 -> 02:00 (02:30 happens twice).
Weekdays: 2026-12-07 Mon, 2026-12-08 Tue, 2026-12-12 Sat, 2026-12-24 Thu,
2026-12-25 Fri (Christmas, a public holiday in England), 2026-06-15 Mon,
2027-12-31 Fri, 2028-01-01 Sat, 2028-01-03 Mon.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from logistics.check import Violation, check_itinerary, check_legs
from logistics.model.calendar import OpeningHours, SiteCalendar
from logistics.model.capacity import Capacity
from logistics.model.customs import CustomsRule, TerritoryMap
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.sites import Site

ALL_CLASSES = frozenset({"CRT", "2-8C", "-80C", "LN2"})
MO_FR = frozenset(range(5))


def _site(site_id, kind, country, tz, hours, *, ph_open, territory, sub=None) -> Site:
    calendar = SiteCalendar(OpeningHours(hours), tz, country, sub, ph_open)
    return Site(
        site_id=site_id,
        name=site_id,
        kind=kind,
        country=country,
        subdivision=sub,
        lat=50.0,
        lon=5.0,
        timezone=tz,
        calendar=calendar,
        territory=territory,
    )


def _rule(a, b, mode, median, p90, hours="24/7", release=0.0) -> CustomsRule:
    return CustomsRule(
        from_territory=a,
        to_territory=b,
        mode=mode,
        clearance_median_h=median,
        clearance_p90_h=p90,
        office_hours=OpeningHours(hours),
        import_release_h=release,
    )


def _network() -> Network:
    sites = [
        _site(
            "TC-LON",
            "treatment_centre",
            "GB",
            "Europe/London",
            "Mo-Fr 08:00-18:00",
            ph_open=False,
            territory="GB",
            sub="GB-ENG",
        ),
        _site("APT-LHR", "airport", "GB", "Europe/London", "24/7", ph_open=True, territory="GB"),
        _site("APT-AMS", "airport", "NL", "Europe/Amsterdam", "24/7", ph_open=True, territory="EU"),
        _site(
            "MFG-LEI",
            "manufacturing_site",
            "NL",
            "Europe/Amsterdam",
            "Mo-Fr 07:00-19:00; Sa 08:00-14:00",
            ph_open=False,
            territory="EU",
        ),
        _site("APT-ZRH", "airport", "CH", "Europe/Zurich", "24/7", ph_open=True, territory="CH"),
        _site("PORT-DOV", "crossing", "GB", "Europe/London", "24/7", ph_open=True, territory="GB"),
        _site("PORT-CAL", "crossing", "FR", "Europe/Paris", "24/7", ph_open=True, territory="EU"),
    ]
    lanes = (
        Lane(
            lane_id="RD-LON-LHR",
            carrier="Courier A",
            mode="road",
            from_site="TC-LON",
            to_site="APT-LHR",
            duration_h=1.5,
            duration_p90_h=2.0,
            lead_time_h=0.5,
        ),
        Lane(
            lane_id="AIR-LHR-AMS",
            carrier="Courier A",
            mode="air",
            from_site="APT-LHR",
            to_site="APT-AMS",
            duration_h=3.0,
            duration_p90_h=4.0,
            departures=(7 * 60 + 10, 18 * 60 + 30),
            days=MO_FR,
            lead_time_h=2.0,
            temperatures=frozenset({"CRT", "2-8C", "LN2"}),
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 12, 31),
        ),
        Lane(
            lane_id="RD-AMS-LEI",
            carrier="Courier A",
            mode="road",
            from_site="APT-AMS",
            to_site="MFG-LEI",
            duration_h=0.75,
            duration_p90_h=1.0,
            lead_time_h=0.5,
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 12, 31),
        ),
        Lane(
            lane_id="road:APT-AMS>MFG-LEI",
            carrier="Road courier",
            mode="road",
            from_site="APT-AMS",
            to_site="MFG-LEI",
            duration_h=0.75,
            duration_p90_h=1.0,
            lead_time_h=0.5,
            generated=True,
        ),
        Lane(
            lane_id="AIR-ZRH-AMS",
            carrier="Swiss Air",
            mode="air",
            from_site="APT-ZRH",
            to_site="APT-AMS",
            duration_h=1.5,
            duration_p90_h=2.0,
            departures=(2 * 60 + 30, 7 * 60),
            lead_time_h=2.0,
        ),
        Lane(
            lane_id="OBC-AMS-ZRH",
            carrier="Hand carry",
            mode="onboard_courier",
            from_site="APT-AMS",
            to_site="APT-ZRH",
            duration_h=1.5,
            duration_p90_h=2.0,
            lead_time_h=2.0,
        ),
        Lane(
            lane_id="FERRY-DOV-CAL",
            carrier="Ferry Co",
            mode="ferry",
            from_site="PORT-DOV",
            to_site="PORT-CAL",
            duration_h=1.5,
            duration_p90_h=2.0,
            departures=(20 * 60 + 30,),
            lead_time_h=0.5,
        ),
    )
    customs = (
        _rule("GB", "EU", "air", 2.0, 6.0),
        _rule("GB", "EU", None, 4.0, 8.0, "Mo-Fr 06:00-22:00"),
        _rule("CH", "EU", "air", 1.0, 2.0),
        # deliberately no EU -> CH rule (customs_missing)
    )
    return Network(
        sites={s.site_id: s for s in sites},
        lanes=lanes,
        territories=TerritoryMap(
            by_subdivision={}, by_country={"GB": "GB", "NL": "EU", "FR": "EU", "CH": "CH"}
        ),
        customs=customs,
        therapies={},
        capacity=Capacity(weekly={}, dated={}),
    )


NET = _network()
LANES = NET.lane_by_id


def utc(text: str) -> datetime:
    """'2026-12-07T14:00' read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def leg(lane_id: str, depart: str, arrive: str, **fields) -> Leg:
    """A 2-8C leg on ``lane_id`` with the lane's carrier, mode and sites unless given."""
    lane = LANES.get(lane_id)
    base = (
        {
            "carrier": lane.carrier,
            "mode": lane.mode,
            "from_site": lane.from_site,
            "to_site": lane.to_site,
        }
        if lane
        else {}
    )
    values = {"temperature": "2-8C", **base, **fields}
    return Leg(lane_id=lane_id, depart=utc(depart), arrive=utc(arrive), **values)


def kinds(violations: list[Violation]) -> list[str]:
    return sorted({v.kind for v in violations})


def check(legs, origin, destination, ready, temperature="2-8C", quantile=None):
    return check_legs(
        NET,
        legs,
        origin=origin,
        destination=destination,
        ready=utc(ready),
        temperature=temperature,
        quantile=quantile,
    )


# The valid inbound itinerary TC-LON -> APT-LHR -> APT-AMS -> MFG-LEI, Mon 2026-12-07:
# ready 13:00 London = 13:00Z.
# 1 RD-LON-LHR on demand, lead 0.5 h -> may leave from 13:30Z; TC-LON open (Mon 14:00
#   London); 14:00Z + 1.5 h = 15:30Z at LHR (24/7).
# 2 AIR-LHR-AMS 18:30 London = 18:30Z (>= 15:30Z + 2 h lead); +3.0 h flight = 21:30Z;
#   GB->EU air clearance 2 h, office 24/7 => 23:30Z at AMS (24/7), customs_h 2.
# 3 road:APT-AMS>MFG-LEI on demand, lead 0.5 h -> from 00:00Z; MFG-LEI opens Tue 07:00
#   Amsterdam = 06:00Z, so leave 05:15Z + 0.75 h = 06:00Z, handed over while open.
LEG1 = leg("RD-LON-LHR", "2026-12-07T14:00", "2026-12-07T15:30")
LEG2 = leg(
    "AIR-LHR-AMS",
    "2026-12-07T18:30",
    "2026-12-07T23:30",
    customs_from="GB",
    customs_to="EU",
    customs_h=2.0,
)
LEG3 = leg("road:APT-AMS>MFG-LEI", "2026-12-08T05:15", "2026-12-08T06:00")
READY = "2026-12-07T13:00"


def inbound(
    legs=(LEG1, LEG2, LEG3), origin="TC-LON", destination="MFG-LEI", temperature="2-8C"
) -> Itinerary:
    return Itinerary(
        origin=origin,
        destination=destination,
        ready=utc(READY),
        temperature=temperature,
        legs=tuple(legs),
    )


# ------------------------------------------------------------------------ valid cases


def test_valid_itinerary_passes():
    """The hand-made inbound itinerary (timetabled flight, on-demand roads, GB->EU
    clearance, generated road lane, wait for the plant to open) breaks no rule."""
    assert check_itinerary(NET, inbound()) == []


def test_valid_itinerary_at_p90_passes_and_nominal_plan_is_too_fast_at_p90():
    """At quantile 0.9 the p90 columns apply: the nominal plan is too fast, a plan
    with p90 durations and clearance passes."""
    # p90: road 2.0 h -> 16:00Z; flight 18:30Z (>= 16:00Z + 2 h) + 4.0 h = 22:30Z,
    # clearance p90 6 h => 04:30Z Tue; road from 05:00Z (lead 0.5 h) + 1.0 h = 06:00Z.
    p90 = inbound(
        [
            leg("RD-LON-LHR", "2026-12-07T14:00", "2026-12-07T16:00"),
            leg(
                "AIR-LHR-AMS",
                "2026-12-07T18:30",
                "2026-12-08T04:30",
                customs_from="GB",
                customs_to="EU",
                customs_h=6.0,
            ),
            leg("road:APT-AMS>MFG-LEI", "2026-12-08T05:00", "2026-12-08T06:00"),
        ]
    )
    assert check_itinerary(NET, p90, quantile=0.9) == []
    nominal = check_itinerary(NET, inbound(), quantile=0.9)
    assert [v.kind for v in nominal if v.kind == "too_fast"] == ["too_fast"] * 3
    assert kinds(nominal) == ["customs_fields", "too_fast"]  # customs_h 2 < 6
    assert check_itinerary(NET, inbound(), quantile=0.5) == []


def test_empty_itinerary_is_fine_only_at_the_destination():
    """No legs: valid when origin == destination, 'ends_elsewhere' otherwise."""
    assert check([], "MFG-LEI", "MFG-LEI", READY) == []
    assert kinds(check([], "TC-LON", "MFG-LEI", READY)) == ["ends_elsewhere"]


# ------------------------------------------------------------------ lane and chain


def test_unknown_lane():
    """A lane id that is not in the network is 'unknown_lane' (nothing else)."""
    bad = replace(LEG2, lane_id="AIR-LHR-AMS-X")
    assert kinds(check_itinerary(NET, inbound([LEG1, bad, LEG3]))) == ["unknown_lane"]


def test_lane_endpoints():
    """A leg AMS -> LEI booked on the lane TC-LON -> LHR is 'lane_endpoints'."""
    bad = leg(
        "RD-LON-LHR", "2026-12-08T05:15", "2026-12-08T06:00", from_site="APT-AMS", to_site="MFG-LEI"
    )
    assert kinds(check_itinerary(NET, inbound([LEG1, LEG2, bad]))) == ["lane_endpoints"]


def test_lane_fields():
    """A leg whose carrier or mode differs from its lane is 'lane_fields'."""
    for bad in (replace(LEG1, carrier="Courier Z"), replace(LEG1, mode="rail")):
        assert kinds(check_itinerary(NET, inbound([bad, LEG2, LEG3]))) == ["lane_fields"]


def test_unknown_site_does_not_crash():
    """A leg from a site not in the network is reported ('unknown_site') without an
    exception, along with its unknown lane and the broken chain."""
    bad = leg(
        "RD-XXX",
        "2026-12-08T05:15",
        "2026-12-08T06:00",
        carrier="X",
        mode="road",
        from_site="TC-XXX",
        to_site="MFG-LEI",
    )
    found = check_itinerary(NET, inbound([LEG1, LEG2, bad]))
    assert kinds(found) == ["chain_broken", "unknown_lane", "unknown_site"]


def test_temperature_the_lane_does_not_carry():
    """-80C material on a flight that carries only CRT, 2-8C and LN2 is 'temperature'."""
    legs = [replace(x, temperature="-80C") for x in (LEG1, LEG2, LEG3)]
    found = check_itinerary(NET, inbound(legs, temperature="-80C"))
    assert kinds(found) == ["temperature"]
    assert "AIR-LHR-AMS" in found[0].where


def test_temperature_differs_from_the_itinerary():
    """A CRT leg inside a 2-8C itinerary is 'temperature'."""
    bad = replace(LEG2, temperature="CRT")
    assert kinds(check_itinerary(NET, inbound([LEG1, bad, LEG3]))) == ["temperature"]


def test_starts_elsewhere():
    """The first leg leaves TC-LON, but the material is handed over at APT-LHR."""
    found = check_itinerary(NET, inbound(origin="APT-LHR"))
    assert kinds(found) == ["starts_elsewhere"]


def test_chain_broken():
    """Leg AMS -> LEI right after a leg that ended at LHR is 'chain_broken'."""
    assert kinds(check_itinerary(NET, inbound([LEG1, LEG3]))) == ["chain_broken"]


def test_ends_elsewhere():
    """Legs that end at MFG-LEI for a destination APT-AMS are 'ends_elsewhere'."""
    found = check_itinerary(NET, inbound(destination="APT-AMS"))
    assert kinds(found) == ["ends_elsewhere"]


# ---------------------------------------------------------------------- departures


def test_lead_time_after_ready():
    """Ready 13:00Z, road lead time 0.5 h: leaving at 13:15Z is 'lead_time'."""
    early = leg("RD-LON-LHR", "2026-12-07T13:15", "2026-12-07T14:45")
    assert kinds(check_itinerary(NET, inbound([early, LEG2, LEG3]))) == ["lead_time"]


def test_lead_time_after_previous_leg():
    """At LHR at 17:00Z, air acceptance 2 h: the 18:30Z flight is 'lead_time'."""
    late = leg("RD-LON-LHR", "2026-12-07T15:30", "2026-12-07T17:00")
    found = check_itinerary(NET, inbound([late, LEG2, LEG3]))
    assert kinds(found) == ["lead_time"]
    assert "leg 2" in found[0].where


def test_not_a_departure():
    """AIR-LHR-AMS leaves at 07:10 and 18:30 London: an 18:00Z departure is none."""
    bad = leg(
        "AIR-LHR-AMS",
        "2026-12-07T18:00",
        "2026-12-07T23:00",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    )
    assert kinds(check_itinerary(NET, inbound([LEG1, bad, LEG3]))) == ["not_a_departure"]


def test_timetable_in_london_summer_time():
    """07:10 BST on Mon 2026-06-15 = 06:10Z is the departure; 07:10Z (08:10 BST) is
    'not_a_departure'."""
    # 06:10Z + 3 h = 09:10Z, GB->EU air 2 h => 11:10Z; ready 03:00Z (+2 h lead = 05:00Z).
    good = leg(
        "AIR-LHR-AMS",
        "2026-06-15T06:10",
        "2026-06-15T11:10",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    )
    assert check([good], "APT-LHR", "APT-AMS", "2026-06-15T03:00") == []
    wrong = leg(
        "AIR-LHR-AMS",
        "2026-06-15T07:10",
        "2026-06-15T12:10",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    )
    assert kinds(check([wrong], "APT-LHR", "APT-AMS", "2026-06-15T03:00")) == ["not_a_departure"]


def test_timetable_in_the_spring_forward_gap():
    """A 02:30 Zurich departure on 2026-03-29 (that wall time does not exist) is taken
    at the fold=0 instant 01:30Z; 01:00Z (03:00 CEST) is 'not_a_departure'."""
    # 01:30Z + 1.5 h = 03:00Z, CH->EU air clearance 1 h => 04:00Z at AMS (24/7).
    good = leg(
        "AIR-ZRH-AMS",
        "2026-03-29T01:30",
        "2026-03-29T04:00",
        customs_from="CH",
        customs_to="EU",
        customs_h=1.0,
    )
    assert check([good], "APT-ZRH", "APT-AMS", "2026-03-28T20:00") == []
    shifted = leg(
        "AIR-ZRH-AMS",
        "2026-03-29T01:00",
        "2026-03-29T03:30",
        customs_from="CH",
        customs_to="EU",
        customs_h=1.0,
    )
    assert kinds(check([shifted], "APT-ZRH", "APT-AMS", "2026-03-28T20:00")) == ["not_a_departure"]


def test_timetable_in_the_repeated_fall_back_hour():
    """02:30 Zurich on 2026-10-25 happens twice (00:30Z CEST and 01:30Z CET): both are
    departures of the 02:30 service; 01:00Z (02:00 CET) is none."""
    ready = "2026-10-24T20:00"
    for depart, arrive in (("00:30", "03:00"), ("01:30", "04:00")):
        good = leg(
            "AIR-ZRH-AMS",
            f"2026-10-25T{depart}",
            f"2026-10-25T{arrive}",
            customs_from="CH",
            customs_to="EU",
            customs_h=1.0,
        )
        assert check([good], "APT-ZRH", "APT-AMS", ready) == [], depart
    wrong = leg(
        "AIR-ZRH-AMS",
        "2026-10-25T01:00",
        "2026-10-25T03:30",
        customs_from="CH",
        customs_to="EU",
        customs_h=1.0,
    )
    assert kinds(check([wrong], "APT-ZRH", "APT-AMS", ready)) == ["not_a_departure"]


def test_not_running_on_a_saturday():
    """The Mo-Fr 18:30 flight on Sat 2026-12-12 is 'not_running'."""
    sat = leg(
        "AIR-LHR-AMS",
        "2026-12-12T18:30",
        "2026-12-12T23:30",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    )
    found = check([sat], "APT-LHR", "APT-AMS", "2026-12-12T12:00")
    assert kinds(found) == ["not_running"]
    assert "Mo-Fr" in found[0].message


def test_on_demand_lane_not_running_on_its_off_days():
    """An on-demand lane listed with days Mo-Th does not run on Friday 2026-12-11 (10:00
    London, TC-LON open): 'not_running'."""
    lanes = tuple(
        replace(x, days=frozenset(range(4))) if x.lane_id == "RD-LON-LHR" else x for x in NET.lanes
    )
    net = replace(NET, lanes=lanes)
    friday = leg("RD-LON-LHR", "2026-12-11T10:00", "2026-12-11T11:30")
    found = check_legs(
        net,
        [friday],
        origin="TC-LON",
        destination="APT-LHR",
        ready=utc("2026-12-11T09:00"),
        temperature="2-8C",
    )
    assert kinds(found) == ["not_running"]
    assert "Mo-Th" in found[0].message


def test_outside_validity_of_a_timetable():
    """AIR-LHR-AMS exists until 2027-12-31: the 07:10 on Mon 2028-01-03 is
    'outside_validity'."""
    late = leg(
        "AIR-LHR-AMS",
        "2028-01-03T07:10",
        "2028-01-03T12:10",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    )
    assert kinds(check([late], "APT-LHR", "APT-AMS", "2028-01-03T04:00")) == ["outside_validity"]


def test_outside_validity_uses_the_local_date():
    """RD-AMS-LEI (valid to 2027-12-31, on demand): 2027-12-31 22:30Z is 23:30 local on
    the 31st (valid), 23:30Z is 00:30 on 2028-01-01 local ('outside_validity')."""
    # Handover waits for MFG-LEI: New Year's Day is a holiday, so Mon 2028-01-03 07:00
    # Amsterdam = 06:00Z.
    inside = leg("RD-AMS-LEI", "2027-12-31T22:30", "2028-01-03T06:00")
    outside = leg("RD-AMS-LEI", "2027-12-31T23:30", "2028-01-03T06:00")
    ready = "2027-12-31T20:00"
    assert check([inside], "APT-AMS", "MFG-LEI", ready) == []
    assert kinds(check([outside], "APT-AMS", "MFG-LEI", ready)) == ["outside_validity"]


def test_origin_closed_on_a_public_holiday():
    """An on-demand pickup at TC-LON (Mo-Fr 08:00-18:00) at 10:00 on Christmas Day (Fri
    2026-12-25, a holiday in England) is 'origin_closed'; the day before it is fine."""
    holiday = leg("RD-LON-LHR", "2026-12-25T10:00", "2026-12-25T11:30")
    assert kinds(check([holiday], "TC-LON", "APT-LHR", "2026-12-25T09:00")) == ["origin_closed"]
    workday = leg("RD-LON-LHR", "2026-12-24T10:00", "2026-12-24T11:30")
    assert check([workday], "TC-LON", "APT-LHR", "2026-12-24T09:00") == []


def test_origin_closed_after_hours():
    """An on-demand pickup at TC-LON at 18:30 on a Monday (closes 18:00) is
    'origin_closed'."""
    evening = leg("RD-LON-LHR", "2026-12-07T18:30", "2026-12-07T20:00")
    assert kinds(check([evening], "TC-LON", "APT-LHR", READY)) == ["origin_closed"]


# ---------------------------------------------------------- durations and customs


def test_too_fast():
    """Arriving at AMS at 22:30Z after the 18:30Z flight skips the 2 h clearance."""
    bad = replace(LEG2, arrive=utc("2026-12-07T22:30"))
    found = check_itinerary(NET, inbound([LEG1, bad, LEG3]))
    assert kinds(found) == ["too_fast"]
    assert "23:30Z" in found[0].message


def test_customs_office_hours():
    """Ferry Dover 20:30 GMT Tue 2026-12-08 = 20:30Z, +1.5 h = 22:00Z = 23:00 Paris;
    the GB->EU office (Mo-Fr 06:00-22:00 Paris) opens Wed 06:00 = 05:00Z, +4 h
    clearance => 09:00Z, customs_h 11. Ignoring the office hours (02:00Z, 4 h) is
    'too_fast' and too little customs_h ('customs_fields')."""
    ready = "2026-12-08T12:00"
    good = leg(
        "FERRY-DOV-CAL",
        "2026-12-08T20:30",
        "2026-12-09T09:00",
        customs_from="GB",
        customs_to="EU",
        customs_h=11.0,
    )
    assert check([good], "PORT-DOV", "PORT-CAL", ready) == []
    naive_office = replace(good, arrive=utc("2026-12-09T02:00"), customs_h=4.0)
    assert kinds(check([naive_office], "PORT-DOV", "PORT-CAL", ready)) == [
        "customs_fields",
        "too_fast",
    ]
    early = replace(good, arrive=utc("2026-12-09T08:59"))
    assert kinds(check([early], "PORT-DOV", "PORT-CAL", ready)) == ["too_fast"]


def test_customs_office_closed_over_the_weekend():
    """Friday's 20:30Z ferry lands 22:00Z (23:00 Paris); the office next opens Mon
    2026-12-14 06:00 Paris = 05:00Z, +4 h => 09:00Z Monday (customs_h 59)."""
    ready = "2026-12-11T12:00"
    good = leg(
        "FERRY-DOV-CAL",
        "2026-12-11T20:30",
        "2026-12-14T09:00",
        customs_from="GB",
        customs_to="EU",
        customs_h=59.0,
    )
    assert check([good], "PORT-DOV", "PORT-CAL", ready) == []
    saturday = replace(good, arrive=utc("2026-12-12T09:00"), customs_h=11.0)
    assert kinds(check([saturday], "PORT-DOV", "PORT-CAL", ready)) == ["customs_fields", "too_fast"]


def test_customs_office_that_never_opens():
    """A GB->EU office with hours 'Mo-Su off' can never clear the ferry:
    'customs_closed'."""
    closed = _rule("GB", "EU", None, 4.0, 8.0, "Mo-Su off")
    net = replace(NET, customs=(closed,))
    ferry = leg(
        "FERRY-DOV-CAL",
        "2026-12-08T20:30",
        "2026-12-09T09:00",
        customs_from="GB",
        customs_to="EU",
        customs_h=11.0,
    )
    found = check_legs(
        net,
        [ferry],
        origin="PORT-DOV",
        destination="PORT-CAL",
        ready=utc("2026-12-08T12:00"),
        temperature="2-8C",
    )
    assert kinds(found) == ["customs_closed"]


def test_customs_missing():
    """An EU -> CH on-board courier with no EU->CH customs rule is 'customs_missing'."""
    # Ready 08:00Z at AMS, lead 2 h, leave 10:00Z + 1.5 h = 11:30Z at ZRH (24/7).
    obc = leg(
        "OBC-AMS-ZRH",
        "2026-12-07T10:00",
        "2026-12-07T11:30",
        customs_from="EU",
        customs_to="CH",
        customs_h=0.0,
    )
    found = check([obc], "APT-AMS", "APT-ZRH", "2026-12-07T08:00")
    assert kinds(found) == ["customs_missing"]


def test_customs_fields_missing_on_a_crossing():
    """The GB->EU flight without customs_from/customs_to and customs_h is
    'customs_fields'."""
    bad = replace(LEG2, customs_from=None, customs_to=None, customs_h=0.0)
    assert kinds(check_itinerary(NET, inbound([LEG1, bad, LEG3]))) == ["customs_fields"]


def test_customs_fields_too_little_clearance():
    """customs_h 1.0 on the flight whose clearance takes 2 h is 'customs_fields'."""
    bad = replace(LEG2, customs_h=1.0)
    assert kinds(check_itinerary(NET, inbound([LEG1, bad, LEG3]))) == ["customs_fields"]


def test_customs_fields_on_a_domestic_leg():
    """A GB -> GB road leg with customs territories or customs_h is 'customs_fields'."""
    for bad in (replace(LEG1, customs_from="GB", customs_to="EU"), replace(LEG1, customs_h=0.5)):
        assert kinds(check_itinerary(NET, inbound([bad, LEG2, LEG3]))) == ["customs_fields"]


def test_destination_closed():
    """Handover at MFG-LEI at 05:00Z Tue = 06:00 Amsterdam, before it opens at 07:00."""
    early = leg("road:APT-AMS>MFG-LEI", "2026-12-08T04:15", "2026-12-08T05:00")
    found = check_itinerary(NET, inbound([LEG1, LEG2, early]))
    assert kinds(found) == ["destination_closed"]


@pytest.mark.parametrize("kind", ["treatment_centre", "manufacturing_site"])
def test_transit_through_an_end_point(kind):
    """The valid itinerary, with Heathrow (where leg 1 hands over) made a treatment
    centre or a plant: material never passes through one, so 'transit_end_point' on
    leg 1 only; the last leg's handover at the destination plant is fine."""
    sites = dict(NET.sites)
    sites["APT-LHR"] = replace(sites["APT-LHR"], kind=kind)
    net = replace(NET, sites=sites)
    found = check_itinerary(net, inbound())
    assert kinds(found) == ["transit_end_point"]
    assert "leg 1 (RD-LON-LHR)" in found[0].where and "APT-LHR" in found[0].message


# ------------------------------------------------------------------------- general


def test_every_violation_is_collected():
    """Three broken legs give three violations, labelled with order and direction."""
    legs = [
        leg("RD-LON-LHR", "2026-12-07T13:15", "2026-12-07T14:45"),  # lead time
        replace(LEG2, depart=utc("2026-12-07T18:00")),  # not a departure
        leg("road:APT-AMS>MFG-LEI", "2026-12-08T04:15", "2026-12-08T05:00"),  # closed
    ]
    found = check_itinerary(NET, inbound(legs), order_id="P-0001", direction="inbound")
    assert [v.kind for v in found] == ["lead_time", "not_a_departure", "destination_closed"]
    assert all(v.order_id == "P-0001" for v in found)
    assert [v.where for v in found] == [
        "inbound leg 1 (RD-LON-LHR)",
        "inbound leg 2 (AIR-LHR-AMS)",
        "inbound leg 3 (road:APT-AMS>MFG-LEI)",
    ]


def test_naive_times_are_reported():
    """A leg without time zones is 'naive_time', not an exception."""
    bad = replace(
        LEG1, depart=LEG1.depart.replace(tzinfo=None), arrive=LEG1.arrive.replace(tzinfo=None)
    )
    assert kinds(check_itinerary(NET, inbound([bad, LEG2, LEG3]))) == ["naive_time"]
    with pytest.raises(ValueError, match="aware"):
        check_legs(
            NET,
            [LEG1],
            origin="TC-LON",
            destination="APT-LHR",
            ready=datetime(2026, 12, 7, 13),
            temperature="2-8C",
        )


def test_violation_reads_as_one_line():
    """str(Violation) is one line naming the order, the place, the text and the kind."""
    v = Violation("too_fast", "arrives 22:30Z", "P-1", "inbound leg 2 (AIR-LHR-AMS)")
    assert str(v) == "order P-1 inbound leg 2 (AIR-LHR-AMS): arrives 22:30Z [too_fast]"
    assert str(Violation("x", "text")) == "text [x]"


def test_checker_is_independent_of_engine_and_solver():
    """No module of logistics/check imports logistics.network, .solve or .io."""
    folder = Path(__file__).resolve().parents[2] / "logistics" / "check"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(
                    ("logistics.network", "logistics.solve", "logistics.io")
                ), (path.name, name)
