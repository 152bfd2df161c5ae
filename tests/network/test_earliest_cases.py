"""Hand-worked earliest-arrival cases on the tiny bundle tests/data/net/base.

Every expected time is derived in the comments from the rules of the data contract:
a lane leaves at its next departure (timetabled, local time of from_site) or, on
demand, at the first instant the from_site is open, no earlier than handover + lead
time; the leg takes its duration; a leg into another customs territory waits for the
customs office (local time at to_site), then clearance + import release; the material
is handed over at to_site at the first instant it is open.

The base bundle is described in tests/data/net/README.md. In short: APT-LHR ->
APT-AMS flies 07:10 and 18:30 London time, Mo-Fr, lead 2 h, 3 h (p90 4.5 h), customs
GB->EU by air 2 h (p90 6 h) around the clock; APT-AMS -> MFG-LEI is an on-demand road
leg, lead 0.5 h, 0.75 h (p90 1 h); Leiden opens Mo-Fr 07:00-19:00 (Dutch holidays
closed). Sites are in Europe/London (GMT = UTC in winter, BST = UTC+1 in summer),
Europe/Amsterdam and Europe/Paris (CET = UTC+1, CEST = UTC+2).
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import logistics as lg
from logistics.cli import app
from logistics.model.itinerary import Itinerary
from logistics.network.earliest import earliest_chains
from logistics.network.explain import why_not
from logistics.network.router import Router, earliest_arrival
from logistics.network.timebase import to_s

BASE = Path(__file__).resolve().parents[1] / "data" / "net" / "base"

LEG_COLUMNS = [  # legs.csv of the contract without order_id and direction
    "seq", "lane_id", "carrier", "mode", "from_site", "to_site", "depart", "arrive",
    "temperature", "customs_from", "customs_to", "customs_h",
]  # fmt: skip


def utc(text: str) -> datetime:
    """'2026-12-07 18:30' -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def variant(
    tmp_path: Path,
    *,
    lanes: dict[str, dict[str, str]] | None = None,
    sites: dict[str, dict[str, str]] | None = None,
    add_lanes: list[dict[str, str]] | None = None,
) -> Path:
    """A copy of the base bundle with some cells changed (``{row id: {column: value}}``)
    and some lanes added; returns the folder."""
    folder = tmp_path / "bundle"
    shutil.copytree(BASE, folder)
    for name, key, changes, extra in (
        ("lanes.csv", "lane_id", lanes or {}, add_lanes or []),
        ("sites.csv", "site_id", sites or {}, []),
    ):
        path = folder / name
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
        assert set(changes) <= {r[key] for r in rows}, f"no such row in {name}"
        for row in rows:
            row.update(changes.get(row[key], {}))
        rows += [{c: "" for c in columns} | new for new in extra]
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def base() -> lg.Network:
    return lg.read_network(BASE)


def assert_valid(network: lg.Network, it: Itinerary, quantile: float | None = None) -> None:
    """The independent checker (logistics.check, when present) finds nothing wrong."""
    try:
        from logistics.check import check_itinerary
    except ImportError:  # test_properties.py::test_itineraries_pass_the_checker says so
        return
    assert check_itinerary(network, it, quantile) == []


def legs(it: Itinerary) -> list[tuple[str, datetime, datetime]]:
    return [(leg.lane_id, leg.depart, leg.arrive) for leg in it.legs]


# ------------------------------------------------------------------ timetables


@pytest.mark.parametrize(
    ("ready", "depart", "arrive"),
    [
        # ready Mon 7 Dec 09:30Z, lead 2 h => 11:30Z; 07:10 has gone, next departure
        # 18:30 London = 18:30Z (GMT in December); +3 h => 21:30Z at Schiphol;
        # customs GB->EU by air, office 24/7, 2 h => 23:30Z; Schiphol 24/7 => 23:30Z.
        ("2026-12-07 09:30", "2026-12-07 18:30", "2026-12-07 23:30"),
        # ready Mon 04:00Z, lead 2 h => 06:00Z; next departure 07:10 London = 07:10Z;
        # +3 h => 10:10Z; customs 2 h => 12:10Z.
        ("2026-12-07 04:00", "2026-12-07 07:10", "2026-12-07 12:10"),
    ],
)
def test_waits_for_next_timetabled_departure(base, ready, depart, arrive) -> None:
    """Material ready between two flights waits for the next one; the leg carries the
    customs clearance (GB->EU, 2 h) inside its arrival."""
    it = Router(base).earliest("APT-LHR", "APT-AMS", utc(ready), "2-8C")
    assert it is not None
    assert legs(it) == [("AIR-LHR-AMS", utc(depart), utc(arrive))]
    leg = it.legs[0]
    assert (leg.customs_from, leg.customs_to, leg.customs_h) == ("GB", "EU", 2.0)
    assert it.arrival == utc(arrive)
    assert_valid(base, it)


@pytest.mark.parametrize(
    ("ready", "depart", "arrive"),
    [
        # ready Mon 16:45Z, lead 2 h => 18:45Z, after the 18:30Z flight: next departure
        # Tue 8 Dec 07:10Z; +3 h => 10:10Z; customs 2 h => 12:10Z.
        ("2026-12-07 16:45", "2026-12-08 07:10", "2026-12-08 12:10"),
        # ready 16:30Z, lead 2 h => 18:30Z exactly: "at or after" catches the 18:30Z
        # flight; +3 h => 21:30Z; customs 2 h => 23:30Z.
        ("2026-12-07 16:30", "2026-12-07 18:30", "2026-12-07 23:30"),
        # one second later, 16:30:01Z + 2 h => 18:30:01Z: missed => Tue 07:10Z.
        ("2026-12-07 16:30:01", "2026-12-08 07:10", "2026-12-08 12:10"),
    ],
)
def test_lead_time_misses_the_flight(base, ready, depart, arrive) -> None:
    """The acceptance cut-off (lead time 2 h) decides whether the 18:30 flight is
    caught; the boundary is inclusive."""
    it = Router(base).earliest("APT-LHR", "APT-AMS", utc(ready), "2-8C")
    assert it is not None
    assert legs(it) == [("AIR-LHR-AMS", utc(depart), utc(arrive))]
    assert_valid(base, it)


@pytest.mark.parametrize(
    "ready",
    [
        # ready Fri 11 Dec 17:00Z, lead 2 h => 19:00Z, after Friday's 18:30Z flight;
        # the lane runs Mo-Fr, so Sat 12 and Sun 13 have none => Mon 14 Dec 07:10Z.
        "2026-12-11 17:00",
        # ready Sat 12 Dec 10:00Z: no weekend flights either => Mon 07:10Z.
        "2026-12-12 10:00",
    ],
)
def test_weekend_without_flights(base, ready) -> None:
    """A Mo-Fr lane: material ready Friday evening or Saturday flies on Monday."""
    it = Router(base).earliest("APT-LHR", "APT-AMS", utc(ready), "2-8C")
    assert it is not None
    # Mon 14 Dec 07:10Z; +3 h => 10:10Z; customs 2 h => 12:10Z.
    assert legs(it) == [("AIR-LHR-AMS", utc("2026-12-14 07:10"), utc("2026-12-14 12:10"))]
    assert_valid(base, it)


def test_full_chain_hospital_to_plant(base) -> None:
    """Three legs with a night wait for the plant to open (the documented example)."""
    it = Router(base).earliest("TC-LON", "MFG-LEI", utc("2026-12-07 13:00"), "2-8C")
    assert it is not None
    # TC-LON (open Mo-Fr 08:00-18:00 GMT): ready Mon 13:00Z + lead 0.5 h => 13:30Z,
    # open => depart 13:30Z; +1.5 h => 15:00Z at Heathrow (24/7).
    # Lead 2 h => 17:00Z; next flight 18:30Z; +3 h => 21:30Z; customs 2 h => 23:30Z.
    # Schiphol (24/7): lead 0.5 h => Tue 00:00Z, depart; +0.75 h => 00:45Z = 01:45 CET;
    # Leiden opens 07:00 CET = 06:00Z => handed over Tue 8 Dec 06:00Z (waited 5.25 h).
    assert legs(it) == [
        ("RD-LON-LHR", utc("2026-12-07 13:30"), utc("2026-12-07 15:00")),
        ("AIR-LHR-AMS", utc("2026-12-07 18:30"), utc("2026-12-07 23:30")),
        ("RD-AMS-LEI", utc("2026-12-08 00:00"), utc("2026-12-08 06:00")),
    ]
    assert it.legs[2].wait_open_h == 5.25
    assert it.via == ("APT-LHR", "APT-AMS")
    assert it.cost_eur == 150 + 900 + 120
    assert_valid(base, it)
    # The module-level helper gives the same answer, and the one-to-all form too.
    assert earliest_arrival(base, "TC-LON", utc("2026-12-07 13:00"), "2-8C", "MFG-LEI") == it
    every = earliest_arrival(base, "TC-LON", utc("2026-12-07 13:00"), "2-8C")
    assert isinstance(every, dict)
    assert every["MFG-LEI"] == it
    # Folkestone: 13:30Z + 2 h => 15:30Z; Coquelles: +0.5 lead, +0.5 h => 16:30Z =
    # 17:30 CET, office open => +1 h clearance +0.5 h release => 18:00Z.
    assert every["XNG-CQF"].arrival == utc("2026-12-07 18:00")
    assert set(every) == {"APT-LHR", "APT-AMS", "MFG-LEI", "XNG-FOL", "XNG-CQF"}


# ---------------------------------------------------------------- public holidays


@pytest.mark.parametrize(
    ("ready", "arrive"),
    [
        # Mon 20 Apr 2026, an ordinary Monday: ready 08:00Z + lead 0.5 h => depart
        # 08:30Z; +0.75 h => 09:15Z = 11:15 CEST, Leiden open => 09:15Z.
        ("2026-04-20 08:00", "2026-04-20 09:15"),
        # Mon 27 Apr 2026 is King's Day (NL public holiday): the same trip reaches
        # Leiden 09:15Z, closed all day => Tue 28 Apr 07:00 CEST = 05:00Z.
        ("2026-04-27 08:00", "2026-04-28 05:00"),
        # Thu 24 Dec 20:00Z + 0.5 h => 20:30Z; +0.75 h => 21:15Z = 22:15 CET, closed;
        # Fri 25 Dec is Christmas (closed), Sat/Sun are not in Mo-Fr => Mon 28 Dec
        # 07:00 CET = 06:00Z.
        ("2026-12-24 20:00", "2026-12-28 06:00"),
    ],
)
def test_public_holiday_closes_destination(base, ready, arrive) -> None:
    """A Dutch public holiday keeps Leiden closed: the handover waits for the next
    open day, while the on-demand courier itself leaves at once from 24/7 Schiphol."""
    it = Router(base).earliest("APT-AMS", "MFG-LEI", utc(ready), "2-8C")
    assert it is not None
    depart = utc(ready) + timedelta(hours=0.5)  # lead time; Schiphol is 24/7
    assert legs(it) == [("RD-AMS-LEI", depart, utc(arrive))]
    assert_valid(base, it)


def test_ph_open_site_ignores_holiday(tmp_path) -> None:
    """With ph_open = true Leiden receives on King's Day during its weekly hours."""
    net = lg.read_network(variant(tmp_path, sites={"MFG-LEI": {"ph_open": "true"}}))
    it = Router(net).earliest("APT-AMS", "MFG-LEI", utc("2026-04-27 08:00"), "2-8C")
    assert it is not None
    # 08:00Z + 0.5 h => 08:30Z; +0.75 h => 09:15Z = 11:15 CEST: open despite King's Day.
    assert it.arrival == utc("2026-04-27 09:15")
    assert_valid(net, it)


# --------------------------------------------------------------------------- DST


@pytest.fixture(scope="module")
def daily(tmp_path_factory) -> lg.Network:
    """The base with the flight running every day (so DST Sundays have flights)."""
    folder = variant(tmp_path_factory.mktemp("daily"), lanes={"AIR-LHR-AMS": {"days": ""}})
    return lg.read_network(folder)


@pytest.mark.parametrize(
    ("ready", "depart"),
    [
        # Spring: Europe/London goes GMT -> BST on Sun 29 Mar 2026 at 01:00Z.
        # Sat 28 Mar 00:00Z + 2 h => 02:00Z; 07:10 GMT => 07:10Z.
        ("2026-03-28 00:00", "2026-03-28 07:10"),
        # Sun 29 Mar 00:00Z + 2 h => 02:00Z (03:00 BST); 07:10 BST => 06:10Z.
        ("2026-03-29 00:00", "2026-03-29 06:10"),
        # Sat 28 Mar 17:00Z + 2 h => 19:00Z, after 18:30Z; the next flight is Sunday's
        # 07:10, already BST => 06:10Z.
        ("2026-03-28 17:00", "2026-03-29 06:10"),
        # Sun 29 Mar 12:00Z + 2 h => 14:00Z; 18:30 BST => 17:30Z.
        ("2026-03-29 12:00", "2026-03-29 17:30"),
        # Autumn: BST -> GMT on Sun 25 Oct 2026 at 01:00Z.
        # Sat 24 Oct 00:00Z + 2 h => 02:00Z; 07:10 BST => 06:10Z.
        ("2026-10-24 00:00", "2026-10-24 06:10"),
        # Sun 25 Oct 00:00Z + 2 h => 02:00Z (02:00 GMT); 07:10 GMT => 07:10Z.
        ("2026-10-25 00:00", "2026-10-25 07:10"),
        # Sat 24 Oct 17:00Z + 2 h => 19:00Z (20:00 BST), after 18:30 BST = 17:30Z;
        # next is Sunday 07:10 GMT => 07:10Z.
        ("2026-10-24 17:00", "2026-10-25 07:10"),
    ],
)
def test_dst_local_timetable(daily, ready, depart) -> None:
    """A timetable in local London time moves by an hour in UTC across the DST
    changes: 07:10 local is 07:10Z in winter and 06:10Z in summer."""
    it = Router(daily).earliest("APT-LHR", "APT-AMS", utc(ready), "2-8C")
    assert it is not None
    dep = utc(depart)
    # +3 h flight, +2 h customs (24/7 office, Schiphol 24/7) => depart + 5 h.
    assert legs(it) == [("AIR-LHR-AMS", dep, dep + timedelta(hours=5))]
    assert_valid(daily, it)


@pytest.mark.parametrize(
    ("ready", "arrive"),
    [
        # Fri 27 Mar 20:00Z + 0.5 => 20:30Z; +0.75 h => 21:15Z = 22:15 CET, closed;
        # weekend; Mon 30 Mar 07:00 CEST (Amsterdam changed on the 29th) => 05:00Z.
        ("2026-03-27 20:00", "2026-03-30 05:00"),
        # Fri 23 Oct 20:00Z => 21:15Z = 23:15 CEST, closed; weekend; Mon 26 Oct
        # 07:00 CET => 06:00Z.
        ("2026-10-23 20:00", "2026-10-26 06:00"),
    ],
)
def test_dst_opening_hours_at_destination(base, ready, arrive) -> None:
    """Opening hours are local: Leiden's 07:00 opening is 05:00Z after the spring
    change and 06:00Z after the autumn one."""
    it = Router(base).earliest("APT-AMS", "MFG-LEI", utc(ready), "2-8C")
    assert it is not None
    assert it.arrival == utc(arrive)
    assert_valid(base, it)


# ------------------------------------------------------------------------ customs


@pytest.mark.parametrize(
    ("ready", "arrive", "customs_h"),
    [
        # Ready at Folkestone Mon 7 Dec 21:00Z + lead 0.5 h => depart 21:30Z; +0.5 h =>
        # 22:00Z = 23:00 CET at Coquelles; office Mo-Su 06:00-22:00 Paris time is
        # closed => clearance starts Tue 06:00 CET = 05:00Z; +1 h clearance +0.5 h
        # import release => 06:30Z; Coquelles 24/7 => 06:30Z. customs_h = 8.5.
        ("2026-12-07 21:00", "2026-12-08 06:30", 8.5),
        # Ready 20:30Z => depart 21:00Z; +0.5 h => 21:30Z = 22:30 CET: closed in
        # Paris (in London it would be 21:30, open: the office follows to_site time)
        # => 05:00Z + 1.5 h => 06:30Z. customs_h = 9.0.
        ("2026-12-07 20:30", "2026-12-08 06:30", 9.0),
        # Ready 19:00Z => depart 19:30Z; +0.5 h => 20:00Z = 21:00 CET, office open =>
        # +1.5 h => 21:30Z. customs_h = 1.5.
        ("2026-12-07 19:00", "2026-12-07 21:30", 1.5),
    ],
)
def test_customs_office_hours_delay_crossing(base, ready, arrive, customs_h) -> None:
    """A tunnel crossing GB->EU arriving after the customs office closed waits for it
    to open (local time at the arrival terminal), then clears."""
    it = Router(base).earliest("XNG-FOL", "XNG-CQF", utc(ready), "2-8C")
    assert it is not None
    (leg,) = it.legs
    assert leg.lane_id == "TUN-FOL-CQF"
    assert leg.depart == utc(ready) + timedelta(hours=0.5)  # lead time, terminal 24/7
    assert leg.arrive == utc(arrive)
    assert (leg.customs_from, leg.customs_to) == ("GB", "EU")
    assert leg.customs_h == customs_h
    assert_valid(base, it)


# ------------------------------------------------------------------- temperatures


def test_temperature_no_lane_carries(base) -> None:
    """No lane carries -80C: no itinerary, and why_not names the first missing lane;
    LN2 leaves London but nothing carries it into Coquelles."""
    router = Router(base)
    ready = utc("2026-12-07 13:00")
    assert router.earliest("TC-LON", "MFG-LEI", ready, "-80C") is None
    assert router.alternatives("TC-LON", "MFG-LEI", ready, "-80C", 2) == []
    assert why_not(router, "TC-LON", "MFG-LEI", ready, "-80C") == (
        "no lane from TC-LON carries -80C"
    )
    # LN2: RD-LON-LHR carries it, but neither RD-LON-FOL nor TUN-FOL-CQF do.
    assert router.earliest("TC-LON", "XNG-CQF", ready, "LN2") is None
    assert why_not(router, "TC-LON", "XNG-CQF", ready, "LN2") == "no lane to XNG-CQF carries LN2"
    # CRT runs from Schiphol (to Leiden) and into Coquelles, but no chain links them.
    assert why_not(router, "APT-AMS", "XNG-CQF", ready, "CRT") == (
        "no chain of lanes carrying CRT links APT-AMS to XNG-CQF"
    )
    # and LN2 does reach Leiden by air: why_not has nothing to say.
    assert why_not(router, "TC-LON", "MFG-LEI", ready, "LN2") is None


# ------------------------------------------------------------------- validity dates


def test_timetabled_lane_not_used_before_valid_from(tmp_path) -> None:
    """The flight exists from Wed 9 Dec 2026 only."""
    net = lg.read_network(variant(tmp_path, lanes={"AIR-LHR-AMS": {"valid_from": "2026-12-09"}}))
    it = Router(net).earliest("APT-LHR", "APT-AMS", utc("2026-12-07 09:30"), "2-8C")
    assert it is not None
    # ready Mon 09:30Z + 2 h => 11:30Z; Mon 18:30 and Tue flights do not exist yet;
    # first one Wed 9 Dec 07:10Z (valid_from is inclusive); +3 h +2 h => 12:10Z.
    assert legs(it) == [("AIR-LHR-AMS", utc("2026-12-09 07:10"), utc("2026-12-09 12:10"))]
    assert_valid(net, it)


def test_timetabled_lane_not_used_after_valid_to(tmp_path) -> None:
    """The flight ends on Tue 8 Dec 2026 (inclusive)."""
    net = lg.read_network(variant(tmp_path, lanes={"AIR-LHR-AMS": {"valid_to": "2026-12-08"}}))
    router = Router(net)
    # ready Tue 04:00Z + 2 h => 06:00Z; Tue 07:10Z still valid; +5 h => 12:10Z.
    it = router.earliest("APT-LHR", "APT-AMS", utc("2026-12-08 04:00"), "2-8C")
    assert it is not None
    assert legs(it) == [("AIR-LHR-AMS", utc("2026-12-08 07:10"), utc("2026-12-08 12:10"))]
    # ready Tue 17:00Z + 2 h => 19:00Z: after the last flight ever => no itinerary.
    ready = utc("2026-12-08 17:00")
    assert router.earliest("APT-LHR", "APT-AMS", ready, "2-8C") is None
    reason = why_not(router, "APT-LHR", "APT-AMS", ready, "2-8C")
    assert reason is not None and reason.startswith("no departure reaches APT-AMS from APT-LHR")


def test_on_demand_lane_not_used_before_valid_from(tmp_path) -> None:
    """Validity dates bind on-demand lanes too: the courier exists from Wed 9 Dec."""
    net = lg.read_network(variant(tmp_path, lanes={"RD-AMS-LEI": {"valid_from": "2026-12-09"}}))
    it = Router(net).earliest("APT-AMS", "MFG-LEI", utc("2026-12-07 10:00"), "2-8C")
    assert it is not None
    # ready Mon 10:00Z + 0.5 h => 10:30Z, but the lane exists from Wed 9 Dec, local
    # (Amsterdam) date: first instant Wed 00:00 CET = Tue 8 Dec 23:00Z, Schiphol open
    # => depart 23:00Z; +0.75 h => 23:45Z = 00:45 CET; Leiden opens 07:00 CET = 06:00Z.
    assert legs(it) == [("RD-AMS-LEI", utc("2026-12-08 23:00"), utc("2026-12-09 06:00"))]
    assert_valid(net, it)


def test_on_demand_lane_runs_on_its_days_only(tmp_path) -> None:
    """An on-demand courier that runs Mo-Fr does not leave on a Saturday."""
    net = lg.read_network(variant(tmp_path, lanes={"RD-AMS-LEI": {"days": "Mo-Fr"}}))
    it = Router(net).earliest("APT-AMS", "MFG-LEI", utc("2026-12-12 10:00"), "2-8C")
    assert it is not None
    # ready Sat 12 Dec 10:00Z + 0.5 h => 10:30Z; Saturday and Sunday (Amsterdam dates)
    # have no courier => Mon 14 Dec 00:00 CET = Sun 13 Dec 23:00Z; +0.75 h => 23:45Z;
    # Leiden opens Mon 07:00 CET = 06:00Z.
    assert legs(it) == [("RD-AMS-LEI", utc("2026-12-13 23:00"), utc("2026-12-14 06:00"))]
    assert_valid(net, it)


def test_candidate_search_honours_on_demand_running_days(tmp_path) -> None:
    """Candidate building's search (earliest_chains, early stop at the target) applies
    an on-demand lane's running days like the router. Leiden opens on Saturdays here,
    so a Saturday courier would show."""
    net = lg.read_network(variant(
        tmp_path, lanes={"RD-AMS-LEI": {"days": "Mo-Fr"}},
        sites={"MFG-LEI": {"opening_hours": "Mo-Sa 07:00-19:00"}},
    ))  # fmt: skip
    router = Router(net)
    cn = router.compiled(utc("2026-12-11 00:00"), utc("2026-12-13 00:00"))
    leiden, schiphol = cn.index["MFG-LEI"], cn.index["APT-AMS"]
    cases = [
        # Sat 12 Dec 10:00Z + 0.5 h: Saturday and Sunday (Amsterdam dates) have no
        # courier => Mon 00:00 CET = Sun 23:00Z; +0.75 h => 23:45Z; Leiden opens Mon
        # 07:00 CET = 06:00Z. (A courier running daily would give Sat 11:15Z.)
        ("2026-12-12 10:00", "2026-12-13 23:00", "2026-12-14 06:00"),
        # Fri 22:30Z (23:30 CET) + 0.5 h => 23:00Z = Sat 00:00 CET: a Saturday =>
        # again Sun 23:00Z and Mon 06:00Z (daily: Fri 23:00Z, Leiden Sat 06:00Z).
        ("2026-12-11 22:30", "2026-12-13 23:00", "2026-12-14 06:00"),
        # Fri 21:00Z + 0.5 h => 21:30Z = 22:30 CET, still Friday: goes at once;
        # +0.75 h => 22:15Z = 23:15 CET, closed; Sat 07:00 CET = 06:00Z.
        ("2026-12-11 21:00", "2026-12-11 21:30", "2026-12-12 06:00"),
    ]
    for ready, depart, arrive in cases:
        at, cids = earliest_chains(cn, schiphol, float(to_s(utc(ready))), "2-8C", (leiden,))[leiden]
        assert at == to_s(utc(arrive)), ready
        assert [cn.lanes[k].lane_id for k in cids] == ["RD-AMS-LEI"]
        it = router.earliest("APT-AMS", "MFG-LEI", utc(ready), "2-8C")
        assert it is not None
        assert legs(it) == [("RD-AMS-LEI", utc(depart), utc(arrive))]
        assert_valid(net, it)


def test_answer_beyond_the_horizon_is_none_not_a_closed_handover() -> None:
    """Past the compiled horizon the router gives up instead of handing over at a
    closed site (a site open at the horizon's end is not open for ever after)."""
    net = lg.read_network(BASE)
    ready = utc("2026-12-07 17:30")
    # Truth: depart 18:00Z, +0.75 h => 18:45Z = 19:45 CET, Leiden closed since 19:00
    # CET => Tue 07:00 CET = 06:00Z.
    it = Router(net).earliest("APT-AMS", "MFG-LEI", ready, "2-8C")
    assert it is not None and it.arrival == utc("2026-12-08 06:00")
    # With no margin the horizon ends at 17:30Z, while Leiden is open (until 18:00Z);
    # nothing is known after 18:00Z, so there is no answer (not 18:45Z).
    assert Router(net, margin_days=0).earliest("APT-AMS", "MFG-LEI", ready, "2-8C") is None


def test_cheapest_with_identical_parallel_lanes(tmp_path) -> None:
    """Two couriers with the same times and cost: cheapest() picks one (equal labels
    must not make the search compare lane chains)."""
    net = lg.read_network(variant(tmp_path, add_lanes=[{
        "lane_id": "RD2-AMS-LEI", "carrier": "Courier A", "mode": "road",
        "from_site": "APT-AMS", "to_site": "MFG-LEI", "duration_h": "0.75",
        "duration_p90_h": "1.0", "lead_time_h": "0.5", "temperatures": "2-8C",
        "cost_eur": "120",
    }]))  # fmt: skip
    it = Router(net).cheapest("APT-AMS", "MFG-LEI", utc("2026-12-07 08:00"), "2-8C", 24)
    assert it is not None
    # 08:00Z + 0.5 h => 08:30Z; +0.75 h => 09:15Z = 10:15 CET, open; 120 EUR either way.
    assert [(leg.depart, leg.arrive) for leg in it.legs] == [
        (utc("2026-12-07 08:30"), utc("2026-12-07 09:15"))
    ]
    assert it.cost_eur == 120
    assert_valid(net, it)


def test_cheapest_trades_time_for_cost(tmp_path) -> None:
    """cheapest() takes a slower, cheaper airline when the budget allows, else the
    faster one; None when nothing makes the budget."""
    net = lg.read_network(variant(tmp_path, add_lanes=[{
        "lane_id": "AIR2-LHR-AMS", "carrier": "Airline B", "mode": "air",
        "from_site": "APT-LHR", "to_site": "APT-AMS", "duration_h": "4",
        "departures": "20:00", "lead_time_h": "2", "temperatures": "2-8C",
        "cost_eur": "500",
    }]))  # fmt: skip
    router = Router(net)
    ready = utc("2026-12-07 09:30")
    # Airline A: 18:30Z + 3 h + 2 h customs => 23:30Z, 900 EUR (14 h after ready).
    # Airline B: 20:00Z + 4 h + 2 h => Tue 02:00Z, 500 EUR (16.5 h after ready).
    cheap = router.cheapest("APT-LHR", "APT-AMS", ready, "2-8C", 17)
    assert cheap is not None
    assert (cheap.legs[0].lane_id, cheap.arrival, cheap.cost_eur) == (
        "AIR2-LHR-AMS",
        utc("2026-12-08 02:00"),
        500,
    )
    fast = router.cheapest("APT-LHR", "APT-AMS", ready, "2-8C", 16)
    assert fast is not None
    assert (fast.legs[0].lane_id, fast.arrival, fast.cost_eur) == (
        "AIR-LHR-AMS",
        utc("2026-12-07 23:30"),
        900,
    )
    assert router.cheapest("APT-LHR", "APT-AMS", ready, "2-8C", 13.5) is None


# ---------------------------------------------------------------------- quantiles


def test_quantile_09_uses_p90_columns(base) -> None:
    """At the 0.9 planning quantile durations and clearance come from the p90 columns."""
    ready = utc("2026-12-07 13:00")
    nominal = Router(base).earliest("TC-LON", "MFG-LEI", ready, "2-8C")
    p90 = Router(base, quantile=0.9).earliest("TC-LON", "MFG-LEI", ready, "2-8C")
    assert nominal is not None and p90 is not None
    # Nominal: see test_full_chain_hospital_to_plant => handed over Tue 06:00Z.
    assert nominal.arrival == utc("2026-12-08 06:00")
    # p90: depart 13:30Z, +2.0 h => 15:30Z; lead 2 h => 17:30Z; flight 18:30Z;
    # +4.5 h => 23:00Z; customs p90 6 h => Tue 05:00Z; lead 0.5 h => 05:30Z;
    # +1.0 h => 06:30Z = 07:30 CET, Leiden open => 06:30Z.
    assert legs(p90) == [
        ("RD-LON-LHR", utc("2026-12-07 13:30"), utc("2026-12-07 15:30")),
        ("AIR-LHR-AMS", utc("2026-12-07 18:30"), utc("2026-12-08 05:00")),
        ("RD-AMS-LEI", utc("2026-12-08 05:30"), utc("2026-12-08 06:30")),
    ]
    assert p90.legs[1].customs_h == 6.0
    assert_valid(base, p90, 0.9)
    # 0.5 is the median, i.e. nominal; 0.75 lies between nominal and p90 on every leg.
    assert Router(base, quantile=0.5).earliest("TC-LON", "MFG-LEI", ready, "2-8C") == nominal
    mid = Router(base, quantile=0.75).earliest("APT-LHR", "APT-AMS", ready, "2-8C")
    assert mid is not None
    # flight 18:30Z: nominal 23:30Z (3 h + 2 h), p90 05:00Z (4.5 h + 6 h).
    assert utc("2026-12-07 23:30") < mid.arrival < utc("2026-12-08 05:00")
    assert_valid(base, mid, 0.75)


def test_quantile_09_with_zero_median_clearance(tmp_path) -> None:
    """The contract: --quantile 0.9 uses the p90 columns, also when the median is 0."""
    folder = variant(tmp_path)
    text = (folder / "customs.csv").read_text()
    (folder / "customs.csv").write_text(text.replace("GB,EU,air,2,6,", "GB,EU,air,0,3,"))
    net = lg.read_network(folder)
    it = Router(net, quantile=0.9).earliest("APT-LHR", "APT-AMS", utc("2026-12-07 09:30"), "2-8C")
    assert it is not None
    # flight 18:30Z, +4.5 h (p90) => 23:00Z, clearance p90 3 h => Tue 02:00Z.
    assert it.arrival == utc("2026-12-08 02:00")


# ----------------------------------------------------------------------- fallbacks


def test_alternatives_take_another_route(tmp_path) -> None:
    """A second, later airline is offered as the fallback; the same route at a later
    departure is not."""
    net = lg.read_network(variant(tmp_path, add_lanes=[{
        "lane_id": "AIR2-LHR-AMS", "carrier": "Airline B", "mode": "air",
        "from_site": "APT-LHR", "to_site": "APT-AMS", "duration_h": "1.5",
        "departures": "20:00", "lead_time_h": "3", "temperatures": "2-8C",
        "cost_eur": "700",
    }]))  # fmt: skip
    found = Router(net).alternatives("TC-LON", "MFG-LEI", utc("2026-12-07 13:00"), "2-8C", 3)
    # fastest as in test_full_chain_hospital_to_plant: Tue 06:00Z at Leiden.
    # Airline B: at Heathrow 15:00Z + 3 h => 18:00Z; 20:00Z flight; +1.5 h => 21:30Z;
    # customs 2 h => 23:30Z; Schiphol => Leiden Tue 06:00Z too (a tie at the opening).
    assert [it.legs[1].lane_id for it in found] in (
        ["AIR-LHR-AMS", "AIR2-LHR-AMS"],
        ["AIR2-LHR-AMS", "AIR-LHR-AMS"],
    )
    assert [it.arrival for it in found] == [utc("2026-12-08 06:00")] * 2
    assert len({it.signature() for it in found}) == 2
    for it in found:
        assert_valid(net, it)


# ----------------------------------------------------------------------------- CLI


runner = CliRunner()


def route(*args: str):
    return runner.invoke(app, ["route", *args])


def test_cli_route_csv(tmp_path) -> None:
    """`route --format csv` prints the legs.csv columns and exits 0; a --depart without
    offset is local time at FROM (GMT in December, so 13:00 = 13:00Z)."""
    result = route("TC-LON", "MFG-LEI", "--depart", "2026-12-07T13:00", "--temperature",
                   "2-8C", "--network", str(BASE), "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == LEG_COLUMNS
    # the legs of test_full_chain_hospital_to_plant
    assert rows[1:] == [
        ["1", "RD-LON-LHR", "Courier A", "road", "TC-LON", "APT-LHR",
         "2026-12-07T13:30:00Z", "2026-12-07T15:00:00Z", "2-8C", "", "", "0"],
        ["2", "AIR-LHR-AMS", "Airline A", "air", "APT-LHR", "APT-AMS",
         "2026-12-07T18:30:00Z", "2026-12-07T23:30:00Z", "2-8C", "GB", "EU", "2.00"],
        ["3", "RD-AMS-LEI", "Courier A", "road", "APT-AMS", "MFG-LEI",
         "2026-12-08T00:00:00Z", "2026-12-08T06:00:00Z", "2-8C", "", "", "0"],
    ]  # fmt: skip


def test_cli_route_local_time_in_summer_and_quantile() -> None:
    """--depart without offset in June is BST: 2026-06-01T09:30 London = 08:30Z; with
    --quantile 0.9 the p90 columns apply."""
    result = route("APT-LHR", "APT-AMS", "--depart", "2026-06-01T09:30", "--temperature",
                   "2-8C", "--network", str(BASE), "--format", "csv",
                   "--quantile", "0.9")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # ready Mon 1 Jun 08:30Z + 2 h => 10:30Z; 07:10 BST = 06:10Z has gone; 18:30 BST =
    # 17:30Z; +4.5 h => 22:00Z; customs p90 6 h => Tue 04:00Z.
    assert [(r["depart"], r["arrive"], r["customs_h"]) for r in rows] == [
        ("2026-06-01T17:30:00Z", "2026-06-02T04:00:00Z", "6.00")
    ]


def test_cli_route_alternatives_numbered(tmp_path) -> None:
    """--alternatives adds an `itinerary` column numbering the itineraries."""
    folder = variant(tmp_path, add_lanes=[{
        "lane_id": "AIR2-LHR-AMS", "carrier": "Airline B", "mode": "air",
        "from_site": "APT-LHR", "to_site": "APT-AMS", "duration_h": "4",
        "departures": "20:00", "lead_time_h": "2", "temperatures": "2-8C", "cost_eur": "700",
    }])  # fmt: skip
    result = route("APT-LHR", "APT-AMS", "--depart", "2026-12-07T09:30Z", "--temperature",
                   "2-8C", "--network", str(folder), "--format", "csv",
                   "--alternatives", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["itinerary", *LEG_COLUMNS]
    # 1: 18:30Z + 3 h + 2 h => 23:30Z. 2: 20:00Z + 4 h + 2 h => Tue 02:00Z.
    assert [(r["itinerary"], r["lane_id"], r["arrive"]) for r in rows] == [
        ("1", "AIR-LHR-AMS", "2026-12-07T23:30:00Z"),
        ("2", "AIR2-LHR-AMS", "2026-12-08T02:00:00Z"),
    ]


def test_cli_route_no_itinerary_exits_1() -> None:
    """No lane carries -80C: exit 1 and the reason on stderr."""
    result = route("TC-LON", "MFG-LEI", "--depart", "2026-12-07T13:00", "--temperature",
                   "-80C", "--network", str(BASE), "--format", "csv")  # fmt: skip
    assert result.exit_code == 1
    assert "no lane from TC-LON carries -80C" in result.stderr
    assert result.stdout == ""


def test_cli_route_unknown_site_exits_2() -> None:
    """An unknown site id is invalid input: exit 2, and the message names it."""
    result = route("TC-LON", "NOWHERE", "--depart", "2026-12-07T13:00", "--temperature",
                   "2-8C", "--network", str(BASE), "--format", "csv")  # fmt: skip
    assert result.exit_code == 2
    assert "NOWHERE" in result.stderr
    assert result.stdout == ""


def test_cli_route_json_typed_with_local_times() -> None:
    """`route --format json` gives numbers as numbers and each time in UTC and in the
    local time of its site (London in December is GMT, Amsterdam CET: +01:00); the
    legs' hours add up to the itinerary's."""
    import json

    result = route("TC-LON", "MFG-LEI", "--depart", "2026-12-07T13:00", "--temperature",
                   "2-8C", "--network", str(BASE), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    (it,) = json.loads(result.stdout)
    assert isinstance(it["hours"], float) and isinstance(it["cost_eur"], float)
    assert it["ready_local"] == "2026-12-07T13:00:00+00:00"
    legs = it["legs"]
    assert [leg["seq"] for leg in legs] == [1, 2, 3]
    air = legs[1]
    assert air["depart"] == "2026-12-07T18:30:00Z"
    assert air["depart_local"] == "2026-12-07T18:30:00+00:00"
    assert air["arrive_local"] == "2026-12-08T00:30:00+01:00"
    assert air["customs_h"] == 2.0 and isinstance(air["wait_h"], float)
    assert it["arrival_local"] == "2026-12-08T07:00:00+01:00"


def test_cli_route_unknown_site_suggests_the_closest() -> None:
    """An unknown site id is an input error (exit 2) naming the closest id."""
    result = route("TC-LOM", "MFG-LEI", "--depart", "2026-12-07T13:00", "--temperature",
                   "2-8C", "--network", str(BASE))  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean 'TC-LON'" in result.output
