"""The scenario filters `logistics critical` writes: `touching_sites` closes every lane
from or to a site, `road_zones` the generated legs between two road zones; an element's
scenario file reads back to the same scenario, and unknown zones are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import logistics as lg
from logistics.analysis.critical import element_scenario
from logistics.analysis.elements import ElementKind, elements
from logistics.errors import InputError
from logistics.io.critical import scenario_toml
from logistics.scenarios import Disruption, Scenario, apply, lane_matches, read_scenario

from .bundles import channel_bundle

START = datetime(2026, 12, 7, tzinfo=UTC)
END = datetime(2026, 12, 14, tzinfo=UTC)


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    """The embedded bundle (generated road legs in several road zones)."""
    return lg.read_network()


def _closed(net: lg.Network) -> set[str]:
    return {lane.lane_id for lane in net.lanes if any(w.closed for w in lane.windows)}


def test_touching_sites_closes_lanes_at_the_site(tmp_path: Path) -> None:
    """Closing Folkestone closes exactly the lanes with Folkestone at one end."""
    net = lg.read_network(channel_bundle(tmp_path))
    book = lg.read_orders(tmp_path / "orders.csv", net)
    scenario = Scenario(
        name="x",
        start=START,
        end=END,
        disruptions=(Disruption(kind="close_lanes", touching_sites=("XING-GB-FOLK",)),),
    )
    changed, _ = apply(scenario, net, book)
    expected = {
        lane.lane_id for lane in net.lanes if "XING-GB-FOLK" in (lane.from_site, lane.to_site)
    }
    assert _closed(changed) == expected and len(expected) == 6


def test_road_zones_match_generated_legs(europe: lg.Network) -> None:
    """`road_zones = ["zealand", "scandinavia"]` matches the generated legs with one end
    in each zone, either way (the Oresund), and nothing listed; one zone matches the
    legs inside it."""
    cfg = europe.roads

    def zone(site_id: str) -> str:
        s = europe.sites[site_id]
        return cfg.site_zone(s.site_id, s.country, s.subdivision)

    for zones in (("zealand", "scandinavia"), ("finland",)):
        d = Disruption(kind="close_lanes", road_zones=zones)
        got = {lane.lane_id for lane in europe.lanes if lane_matches(d, lane, europe)}
        expected = {
            lane.lane_id
            for lane in europe.lanes
            if lane.generated and {zone(lane.from_site), zone(lane.to_site)} == set(zones)
        }
        assert got == expected and got


def test_element_scenarios_read_back(europe: lg.Network, tmp_path: Path) -> None:
    """For one element of each kind, the written scenario file reads back (against the
    network) to the scenario `logistics critical` ran."""
    catalogue = elements(europe)
    by_kind = {}
    for e in catalogue.values():
        by_kind.setdefault(e.kind, e)
    assert set(by_kind) == set(ElementKind)
    for kind, element in by_kind.items():
        scenario = element_scenario(element, START, END)
        path = tmp_path / f"{kind}.toml"
        path.write_text(scenario_toml(scenario), encoding="utf-8")
        back = read_scenario(path, europe)
        assert (back.name, back.start, back.end) == (scenario.name, START, END)
        assert back.disruptions == scenario.disruptions


def test_unknown_road_zone_is_refused(europe: lg.Network, tmp_path: Path) -> None:
    """A zone no site lies in, or three zones, are input errors naming the key."""
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[disruption]]\nkind = "close_lanes"\nroad_zones = ["atlantis"]\n\n'
        '[[disruption]]\nkind = "close_lanes"\nroad_zones = ["a", "b", "c"]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_scenario(path, europe)
    text = "\n".join(str(i) for i in err.value.issues)
    assert "disruption[1].road_zones" in text and "atlantis" in text
    assert "disruption[2].road_zones" in text and "one or two road zones" in text
