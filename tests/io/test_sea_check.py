"""The bundle validator refuses generated road legs that cross the sea, and reads the
zone, link and driving-limit settings of network.toml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from logistics.network.roads import RoadLeg, road_legs
from logistics.network.seas import MAX_DETOUR, sea_crossings

EUROPE = Path(__file__).resolve().parents[2] / "data" / "europe"


@pytest.fixture
def europe_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "europe"
    shutil.copytree(EUROPE, folder)
    return folder


def _edit_toml(folder: Path, old: str, new: str) -> None:
    path = folder / "network.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_european_bundle_is_valid(validate):
    """The shipped bundle passes, sea check included."""
    run = validate(EUROPE)
    assert run.exit_code == 0, run.text


def test_finland_and_sweden_in_one_zone_is_refused(europe_copy, validate):
    """Putting FI into the Scandinavian zone generates Helsinki - Stockholm legs over
    the Baltic: the validator exits 2 and names the zone, the countries and a leg."""
    _edit_toml(europe_copy, 'scandinavia = ["SE", "NO"]', 'scandinavia = ["SE", "NO", "FI"]')
    _edit_toml(europe_copy, 'finland = ["FI"]', "")
    run = validate(europe_copy)
    assert run.exit_code == 2
    assert "network.toml:-:roads.zones" in run.issues
    text = " ".join(run.text.split())
    found = re.search(r"got 'road:(\S+)>(\S+) \(zone scandinavia\) crosses (\d+) km of sea", text)
    assert found, run.text
    assert {found[1].split("-")[1], found[2].split("-")[1]} == {"FI", "SE"}
    assert "legs between FI and SE" in text


_OLD_ZONES = """[roads.zones]
continent = [
    "AT", "BE", "BG", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IT",
    "LI", "LT", "LU", "LV", "MC", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM",
]
great_britain = ["GB"]
ireland = ["IE", "GB-NIR"]

"""


def test_one_continental_zone_is_refused(europe_copy, validate):
    """The zones of old (the continent, Scandinavia and Finland as one) drive across
    the Baltic and the Kattegat: refused, among others between Poland and Sweden and
    between Denmark and Sweden."""
    path = europe_copy / "network.toml"
    text = path.read_text(encoding="utf-8")
    zones = text[text.index("[roads.zones]") : text.index("[risk]")]
    path.write_text(text.replace(zones, _OLD_ZONES), encoding="utf-8")
    run = validate(europe_copy)
    assert run.exit_code == 2
    text = " ".join(run.text.split())
    for pair in ("PL and SE", "FI and SE"):
        assert f"legs between {pair}" in text, pair


def test_bridged_water_and_bays_are_not_sea(europe_copy):
    """Legs over short water or round a bay pass: Copenhagen airport - Lund over the
    Oresund link, Barcelona - Marseille across the Gulf of Lion (the way round by the
    coast is less than MAX_DETOUR times the straight line)."""
    import logistics as lg

    net = lg.read_network(europe_copy)
    legs = {leg.lane.lane_id: leg for leg in road_legs(net)}
    picked = [legs["road:APT-CPH>TC-SE-SKANE"], legs["road:APT-MRS>TC-ES-CLINIC"]]
    assert sea_crossings(picked) == []
    # the same Marseille - Barcelona course declared as a straight leg between two
    # far-apart coasts is judged the same way: still a bay
    assert MAX_DETOUR >= 1.5


def test_straight_leg_across_the_gulf_of_finland_is_sea():
    """A made-up straight leg Helsinki - Tallinn (80 km of open water, the way round
    by land through Russia about ten times longer) is a sea crossing; its water
    stretch is the gulf's width."""
    import logistics as lg

    net = lg.read_network(EUROPE)
    lane = net.lane_by_id["FERRY-TL-HEL-TLL"]
    a, b = net.sites[lane.from_site], net.sites[lane.to_site]
    leg = RoadLeg(lane, ("x", "x"), ((a.lat, a.lon), (b.lat, b.lon)), (False,), ())
    (found,) = sea_crossings([leg])
    assert 50 <= found.water_km <= 90
    assert found.by_land_km is None or found.by_land_km > MAX_DETOUR * 80


def test_declared_link_course_is_not_judged():
    """The stretch along a declared link (a bridge, a tunnel) is trusted: the same
    Helsinki - Tallinn course marked as a link is no sea crossing."""
    import logistics as lg

    net = lg.read_network(EUROPE)
    lane = net.lane_by_id["FERRY-TL-HEL-TLL"]
    a, b = net.sites[lane.from_site], net.sites[lane.to_site]
    leg = RoadLeg(lane, ("x", "y"), ((a.lat, a.lon), (b.lat, b.lon)), (True,), ("tunnel",))
    assert sea_crossings([leg]) == []


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("max_driving_h = 9 ", "max_driving_h = 0 ", "roads.max_driving_h"),
        ('over_limit = "two_drivers"', 'over_limit = "three_drivers"', "roads.over_limit"),
        ('zones = ["zealand", "scandinavia"]', 'zones = ["zealand"]', "roads.links.oresund.zones"),
        (
            'zones = ["zealand", "scandinavia"]',
            'zones = ["zealand", "atlantis"]',
            "roads.links.oresund.zones",
        ),
        ("via = [[54.830, 9.355]]", "via = [[154.830, 9.355]]", "roads.links.danish_border.via"),
        ('APT-CPH = "zealand"', 'APT-XXX = "zealand"', "roads.site_zones.APT-XXX"),
    ],
)
def test_bad_road_settings_are_located(europe_copy, validate, old, new, column):
    """Each bad new road setting is one issue naming its key."""
    _edit_toml(europe_copy, old, new)
    run = validate(europe_copy)
    assert run.exit_code == 2
    assert any(where.endswith(":" + column) for where in run.issues), run.text
