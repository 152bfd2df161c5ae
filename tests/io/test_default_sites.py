"""Places of the default bundle against public references: airports, Belfast, centres."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

import logistics as lg
from logistics.network.router import Router


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    return lg.read_network()


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _dms(deg: int, minutes: int, seconds: int) -> float:
    return deg + minutes / 60 + seconds / 3600


def test_every_airport_is_where_airportsdata_puts_it(europe: lg.Network):
    """Each airport site has the airportsdata position (4 decimals), country and time
    zone of its IATA code; Belfast City (BHD) is one of them, in Northern Ireland."""
    airportsdata = pytest.importorskip("airportsdata")
    table = airportsdata.load("IATA")
    airports = [s for s in europe.sites.values() if s.kind == "airport"]
    for site in airports:
        ref = table[site.iata]
        assert abs(ref["lat"] - site.lat) <= 1e-4 and abs(ref["lon"] - site.lon) <= 1e-4, site
        assert (ref["country"], ref["tz"]) == (site.country, site.timezone), site.site_id
    bhd = europe.sites["APT-BHD"]
    assert (bhd.iata, bhd.subdivision) == ("BHD", "GB-NIR")


def test_belfast_international_keeps_only_the_night_freight_run(europe: lg.Network):
    """Every listed lane at Belfast International leaves between 21:00 and 06:00 local
    (the integrators' night run; its daytime routes are low-cost, without cargo), and
    Belfast City has the network carriers' Heathrow service both ways."""
    at_bfs = [
        lane
        for lane in europe.lanes
        if "APT-BFS" in (lane.from_site, lane.to_site) and not lane.lane_id.startswith("road:")
    ]
    assert at_bfs
    for lane in at_bfs:
        assert lane.departures, lane.lane_id
        assert all(m >= 21 * 60 or m < 6 * 60 for m in lane.departures), lane.lane_id
    pairs = {(lane.from_site, lane.to_site) for lane in europe.lanes}
    assert {("APT-BHD", "APT-LHR"), ("APT-LHR", "APT-BHD")} <= pairs


def test_belfast_centre_flies_from_belfast_city(europe: lg.Network):
    """Fresh material ready at Belfast City Hospital on a Monday afternoon reaches
    Heathrow on a flight from Belfast City, not from Belfast International."""
    ready = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    it = Router(europe).earliest("TC-GB-BELFAST", "APT-LHR", ready, "2-8C")
    assert it is not None
    flights = [leg for leg in it.legs if leg.mode == "air"]
    assert flights and flights[0].from_site == "APT-BHD"
    local = flights[0].depart.astimezone(ZoneInfo("Europe/London"))
    assert local.date() == ready.date()


@pytest.mark.parametrize(
    ("site_id", "lat", "lon"),
    [
        # Wikipedia infobox coordinates of each campus
        ("TC-FR-IPC", _dms(43, 15, 44), _dms(5, 24, 38)),  # Institut Paoli-Calmettes
        ("TC-FR-LYONSUD", _dms(45, 42, 6), _dms(4, 48, 25)),  # Hôpital Lyon Sud
        ("TC-FR-TOULOUSE", _dms(43, 33, 20), _dms(1, 25, 52)),  # IUCT-Oncopole
    ],
)
def test_corrected_centres_lie_on_their_campus(europe: lg.Network, site_id, lat, lon):
    """The corrected centres lie within 0.3 km of their campus (Paoli-Calmettes was
    2.6 km north, at La Timone)."""
    site = europe.sites[site_id]
    assert _km(site.lat, site.lon, lat, lon) < 0.3
