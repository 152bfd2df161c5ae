"""holidays.csv: holidays the holidays package does not know close the sites they cover."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import logistics as lg
from logistics.io.holidays import holiday_date
from logistics.solve import SolveParams, solve
from logistics.solve.unserved import UnservedKind

HEADER = "date,name,country,subdivision,site_id\n"


def _local(site: lg.Site, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(site.timezone))


def test_dates_every_year_or_once():
    """'--MM-DD' is (month, day) every year (29 February included), 'YYYY-MM-DD' one
    date; anything else names both forms."""
    assert holiday_date("--08-15") == (8, 15)
    assert holiday_date("--02-29") == (2, 29)
    assert holiday_date("2026-09-24") == date(2026, 9, 24)
    for bad in ("--13-01", "--02-30", "15/08", "2026-9-24"):
        with pytest.raises(ValueError, match="--MM-DD"):
            holiday_date(bad)


def test_tiny_munich_closed_on_assumption_day(tiny: Path):
    """The tiny bundle's holidays.csv gives TC-MUC (Munich, DE-BY) Assumption Day
    every year, which the holidays package lists for Bavaria only in its 'catholic'
    category: on Friday 2025-08-15 the centre is closed at 10:00 (its hours are
    Mo-Fr 08:00-18:00) and open the day before; London is not affected."""
    net = lg.read_network(tiny)
    muc, lon = net.sites["TC-MUC"], net.sites["TC-LON"]
    assert muc.calendar.is_holiday(date(2025, 8, 15))
    assert muc.calendar.is_holiday(date(2031, 8, 15))
    assert not muc.calendar.is_open(_local(muc, "2025-08-15T10:00"))
    assert muc.calendar.is_open(_local(muc, "2025-08-14T10:00"))
    assert not lon.calendar.is_holiday(date(2025, 8, 15))


def test_scope_by_country_and_subdivision(tiny: Path):
    """A row without site_id covers every site of its country (and subdivision): the
    Wednesday 2026-12-09 for DE-BY closes TC-MUC, not London; 10 December for GB
    closes TC-LON, while Heathrow (ph_open) stays open."""
    (tiny / "holidays.csv").write_text(
        HEADER + "2026-12-09,Test day,DE,DE-BY,\n--12-10,Test feast,GB,,\n", encoding="utf-8"
    )
    net = lg.read_network(tiny)
    muc, lon, lhr = (net.sites[s] for s in ("TC-MUC", "TC-LON", "APT-LHR"))
    assert not muc.calendar.is_open(_local(muc, "2026-12-09T10:00"))
    assert muc.calendar.is_open(_local(muc, "2027-12-09T10:00"))  # once, not every year
    assert lon.calendar.is_open(_local(lon, "2026-12-09T10:00"))
    assert not lon.calendar.is_open(_local(lon, "2026-12-10T10:00"))
    assert not lon.calendar.is_open(_local(lon, "2027-12-10T10:00"))  # every year
    assert lhr.calendar.is_open(_local(lhr, "2026-12-10T10:00"))


def test_row_covering_no_site_warns(tiny: Path):
    """A valid row that covers no site (a subdivision without sites) is kept out with
    a warning naming the file and row, not an error."""
    (tiny / "holidays.csv").write_text(HEADER + "--05-15,Feast,DE,DE-HH,\n", encoding="utf-8")
    net = lg.read_network(tiny)
    assert any(w.startswith("holidays.csv:2:") for w in net.warnings)


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    return lg.read_network()


def test_barcelona_closed_on_la_merce(europe: lg.Network):
    """In the default bundle Hospital Clinic and the Barcelona plant are closed on
    Thursday 2026-09-24 (La Mercè, a municipal holiday the holidays package gives only
    under its 'Barcelona' subdivision, not ES-CT) at 10:00, inside their weekday
    hours, and open on the day before; Vall d'Hebron (also Barcelona) too."""
    for site_id in ("TC-ES-CLINIC", "TC-ES-VALLHEBRON", "MFG-ES-BARCELONA"):
        site = europe.sites[site_id]
        assert not site.calendar.is_open(_local(site, "2026-09-24T10:00")), site_id
        assert site.calendar.is_open(_local(site, "2026-09-23T10:00")), site_id


def test_bavarian_assumption_only_in_catholic_municipalities(europe: lg.Network):
    """15 August 2025 (a Friday) closes the Munich, Würzburg and Regensburg centres;
    Erlangen, a Protestant-majority town where it is a working day, stays open."""
    for site_id in ("TC-DE-LMU", "TC-DE-TUM", "TC-DE-WUERZBURG", "TC-DE-REGENSBURG"):
        site = europe.sites[site_id]
        assert not site.calendar.is_open(_local(site, "2025-08-15T10:00")), site_id
    erlangen = europe.sites["TC-DE-ERLANGEN"]
    assert erlangen.calendar.is_open(_local(erlangen, "2025-08-15T10:00"))


def test_no_apheresis_on_a_municipal_holiday(europe: lg.Network):
    """An order at Hospital Clinic whose only apheresis day is La Mercè is unserved
    with 'no apheresis day'; the same order a day earlier is scheduled."""
    tz = ZoneInfo("Europe/Madrid")

    def order(day: int) -> lg.Order:
        return lg.Order(
            order_id=f"BCN-{day}",
            therapy="cart-auto",
            treatment_centre="TC-ES-CLINIC",
            apheresis_earliest=datetime(2026, 9, day, 0, 0, tzinfo=tz),
            apheresis_latest=datetime(2026, 9, day, 23, 59, tzinfo=tz),
        )

    book = lg.OrderBook(orders=(order(24), order(23)))
    result = solve(europe, book, SolveParams(workers=1, time_limit_s=30, pricing_rounds=0))
    status = {p.order_id: p.status for p in result.plan.orders}
    assert status == {"BCN-24": "unserved", "BCN-23": "scheduled"}
    (missed,) = result.unserved
    assert missed.kind is UnservedKind.NO_APHERESIS_DAY
