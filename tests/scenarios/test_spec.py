"""Reading scenario files: the examples validate, bad files name file, line and key."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

import logistics as lg
from logistics.errors import InputError, Issue
from logistics.scenarios import Scenario, example_scenarios, read_scenario, validate_against

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
EXAMPLES = sorted((ROOT / "config" / "scenarios").glob("*.toml"))


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    return lg.read_network()


@pytest.fixture(scope="module")
def tiny() -> lg.Network:
    return lg.read_network(TINY)


def write(tmp_path: Path, text: str, name: str = "scn.toml") -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def issues_of(path: Path, network: lg.Network | None = None) -> list[Issue]:
    with pytest.raises(InputError) as info:
        read_scenario(path, network)
    return list(info.value.issues)


def where(issues: list[Issue]) -> set[tuple[str, int | None, str | None]]:
    return {(i.file, i.row, i.column) for i in issues}


def test_the_six_examples_ship_in_config() -> None:
    """The examples named in the contract are in config/scenarios/ and packaged."""
    names = {p.name for p in EXAMPLES}
    assert {
        "channel-closure-dec2020.toml",
        "ash-cloud-apr2010.toml",
        "swiss-customs-slowdown.toml",
        "cleanroom-outage-leiden.toml",
        "demand-surge-30.toml",
        "courier-capacity-cut.toml",
    } <= names
    assert {p.name for p in example_scenarios()} == names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_parse_and_validate_against_the_default_network(
    path: Path, europe: lg.Network
) -> None:
    """Every example reads cleanly, names only things of the default network and
    starts with a comment header saying what it models."""
    scenario = read_scenario(path, europe)
    assert scenario.name and scenario.description
    assert scenario.disruptions
    assert validate_against(scenario, europe) == []
    assert path.read_text(encoding="utf-8").startswith("# ")
    for d in scenario.disruptions:
        start, end = scenario.bounds(d)
        if start is not None and end is not None:
            # inside or around the example book's horizon 2026-12-07 .. 2027-01-04
            assert datetime(2026, 12, 6, tzinfo=UTC) <= start < end
            assert end <= datetime(2027, 1, 6, tzinfo=UTC)


def test_channel_closure_example_matches_the_contract(europe: lg.Network) -> None:
    """The December 2020 example closes GB->EU road, ferry and tunnel lanes in its window."""
    s = read_scenario(ROOT / "config/scenarios/channel-closure-dec2020.toml", europe)
    assert s.start == datetime(2026, 12, 20, 23, tzinfo=UTC)
    assert s.end == datetime(2026, 12, 23, 12, tzinfo=UTC)
    close = s.disruptions[0]
    assert close.kind == "close_lanes"
    assert set(close.modes or ()) == {"road", "ferry", "tunnel"}
    assert (close.from_territory, close.to_territory) == ("GB", "EU")


def test_contract_example_reads(tmp_path: Path, tiny: lg.Network) -> None:
    """The example of the data contract: every kind and field parsed as written."""
    path = write(
        tmp_path,
        """
name = "Kent border closure"
description = "France closes the Channel crossings to traffic from Great Britain"
start = "2026-12-20T23:00:00Z"     # disruptions apply to departures in [start, end)
end = "2026-12-23T12:00:00+01:00"

[[disruption]]
kind = "close_lanes"
modes = ["road", "ferry", "tunnel"]
from_territory = "GB"
to_territory = "EU"

[[disruption]]
kind = "customs_delay"
from_territory = "GB"
to_territory = "EU"
factor = 3.0
add_h = 0

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
resource = "manufacturing"
factor = 0.0

[[disruption]]
kind = "lane_delay"
modes = ["air"]
factor = 1.5
start = 2026-12-21T00:00:00Z

[[disruption]]
kind = "demand"
factor = 1.3
seed = 7
""",
    )
    s = read_scenario(path)
    assert s.name == "Kent border closure"
    assert s.end == datetime(2026, 12, 23, 11, tzinfo=UTC)  # offset converted to UTC
    assert [d.kind for d in s.disruptions] == [
        "close_lanes",
        "customs_delay",
        "site_capacity",
        "lane_delay",
        "demand",
    ]
    delay = s.disruptions[3]
    assert (
        delay.factor == 1.5
        and delay.add_h == 0
        and delay.start == datetime(2026, 12, 21, tzinfo=UTC)
    )
    assert s.bounds(delay) == (datetime(2026, 12, 21, tzinfo=UTC), s.end)
    assert s.disruptions[4].seed == 7
    assert s.path == path and len(s.sha256) == 64
    # the same file against a network (tiny has no ferry or tunnel lane)
    issues = issues_of(path, tiny)
    assert where(issues) == {("scn.toml", 8, "disruption[1].modes")}
    assert {i.got for i in issues} == {"ferry", "tunnel"}


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    """A file without name is named after the file; no window means always."""
    s = read_scenario(write(tmp_path, 'description = "x"\n', "quiet-week.toml"))
    assert s == Scenario(name="quiet-week", description="x", path=tmp_path / "quiet-week.toml")
    assert s.start is None and s.end is None and s.disruptions == ()


def test_unknown_kind(tmp_path: Path) -> None:
    """An unknown kind names the kind key and suggests the closest kind."""
    path = write(
        tmp_path, '[[disruption]]\nkind = "lane_delay"\n\n[[disruption]]\nkind = "close_lane"\n'
    )
    (issue,) = issues_of(path)
    assert (issue.file, issue.row, issue.column) == ("scn.toml", 5, "disruption[2].kind")
    assert issue.got == "close_lane" and "close_lanes" in issue.expected


def test_missing_kind_and_required_keys(tmp_path: Path) -> None:
    """A table without kind, and kinds missing required keys, point at their header."""
    path = write(
        tmp_path,
        """
[[disruption]]
factor = 2

[[disruption]]
kind = "customs_delay"
from_territory = "GB"

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
""",
    )
    assert where(issues_of(path)) == {
        ("scn.toml", 1, "disruption[1].kind"),
        ("scn.toml", 4, "disruption[2].to_territory"),
        ("scn.toml", 8, "disruption[3].resource"),
        ("scn.toml", 8, "disruption[3].factor"),
    }


def test_end_before_start(tmp_path: Path) -> None:
    """end <= start at the top and inside a disruption (also against the scenario's)."""
    path = write(
        tmp_path,
        """
start = "2026-12-20T00:00:00Z"
end = "2026-12-19T00:00:00Z"

[[disruption]]
kind = "close_lanes"
modes = ["air"]
start = "2026-12-10T00:00:00Z"
end = "2026-12-10T00:00:00Z"
""",
    )
    assert where(issues_of(path)) == {("scn.toml", 2, "end"), ("scn.toml", 8, "disruption[1].end")}
    path = write(
        tmp_path,
        """
start = "2026-12-20T00:00:00Z"
end = "2026-12-22T00:00:00Z"

[[disruption]]
kind = "close_lanes"
modes = ["air"]
end = "2026-12-19T00:00:00Z"
""",
    )
    assert where(issues_of(path)) == {("scn.toml", 7, "disruption[1].end")}


def test_naive_times_are_refused(tmp_path: Path) -> None:
    """A time without Z or offset (string or TOML local datetime) or a bare date."""
    path = write(
        tmp_path,
        """
start = "2026-12-20T23:00:00"
end = 2026-12-23T12:00:00

[[disruption]]
kind = "close_lanes"
modes = ["air"]
start = 2026-12-21
end = "tomorrow"
""",
    )
    issues = issues_of(path)
    assert where(issues) == {
        ("scn.toml", 1, "start"),
        ("scn.toml", 2, "end"),
        ("scn.toml", 7, "disruption[1].start"),
        ("scn.toml", 8, "disruption[1].end"),
    }
    assert all("offset" in i.expected for i in issues)
    assert issues[0].got == "2026-12-20T23:00:00"


def test_factor_rules(tmp_path: Path) -> None:
    """factor 0 is an outage for site and carrier capacity, refused elsewhere."""
    path = write(
        tmp_path,
        """
[[disruption]]
kind = "lane_delay"
modes = ["air"]
factor = 0

[[disruption]]
kind = "customs_delay"
from_territory = "GB"
to_territory = "EU"
factor = -1
add_h = -2

[[disruption]]
kind = "demand"
factor = 0.0

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
resource = "manufacturing"
factor = 0

[[disruption]]
kind = "carrier_capacity"
carriers = ["Courier A"]
factor = 0

[[disruption]]
kind = "lane_delay"
factor = "fast"
add_h = true
""",
    )
    issues = issues_of(path)
    assert where(issues) == {
        ("scn.toml", 4, "disruption[1].factor"),
        ("scn.toml", 10, "disruption[2].factor"),
        ("scn.toml", 11, "disruption[2].add_h"),
        ("scn.toml", 15, "disruption[3].factor"),
        ("scn.toml", 30, "disruption[6].factor"),
        ("scn.toml", 31, "disruption[6].add_h"),
    }
    first = next(i for i in issues if i.column == "disruption[1].factor")
    assert first.expected == "a number > 0" and first.got == "0"


def test_wrong_types(tmp_path: Path) -> None:
    """Lists, modes, countries, resource and seed are checked; every problem at once."""
    path = write(
        tmp_path,
        """
name = 3

[[disruption]]
kind = "close_lanes"
modes = "air"
countries = ["gb"]
lanes = []

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
resource = "apheresis chairs"
factor = 0.5

[[disruption]]
kind = "demand"
factor = 1.2
seed = 1.5
""",
    )
    assert where(issues_of(path)) == {
        ("scn.toml", 1, "name"),
        ("scn.toml", 5, "disruption[1].modes"),
        ("scn.toml", 6, "disruption[1].countries"),
        ("scn.toml", 7, "disruption[1].lanes"),
        ("scn.toml", 12, "disruption[2].resource"),
        ("scn.toml", 18, "disruption[3].seed"),
    }


def test_site_capacity_needs_both_bounds_or_none(tmp_path: Path) -> None:
    """A half-open site_capacity window cannot be written as dated capacity."""
    path = write(
        tmp_path,
        """
[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
resource = "manufacturing"
factor = 0
start = "2026-12-14T00:00:00+01:00"
""",
    )
    assert where(issues_of(path)) == {("scn.toml", 1, "disruption[1]")}


def test_single_brackets_are_refused(tmp_path: Path) -> None:
    """[disruption] (one table) instead of [[disruption]] is explained."""
    path = write(tmp_path, 'name = "x"\n\n[disruption]\nkind = "demand"\nfactor = 2\n')
    (issue,) = issues_of(path)
    assert (issue.row, issue.column) == (3, "disruption")
    assert "[[disruption]]" in issue.expected


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A TOML syntax error reports the file and the line of the error."""
    path = write(tmp_path, 'name = "x"\n\n[[disruption]]\nkind = "demand\nfactor = 2\n')
    (issue,) = issues_of(path)
    assert (issue.file, issue.row, issue.column) == ("scn.toml", 4, None)
    assert issue.expected == "valid TOML"


def test_bad_utf8_names_the_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are one issue at their line, as in a bundle's TOML
    files (the same loader reads both)."""
    path = tmp_path / "scn.toml"
    path.write_bytes(b'name = "x"\ndescription = "caf\xe9"\n')
    (issue,) = issues_of(path)
    assert (issue.file, issue.row, issue.expected, issue.got) == (
        "scn.toml",
        2,
        "UTF-8 text",
        "byte 0xe9",
    )


def test_missing_file() -> None:
    """A missing file is one issue naming the path."""
    (issue,) = issues_of(Path("/nonexistent/scenario.toml"))
    assert issue.file == "/nonexistent/scenario.toml" and issue.got == "no such file"


def test_unknown_keys_are_warnings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Unknown top-level and disruption keys are logged, with a suggestion, not refused."""
    path = write(
        tmp_path,
        """
name = "x"
owner = "ops"

[[disruption]]
kind = "lane_delay"
factr = 2
""",
    )
    with caplog.at_level(logging.WARNING, logger="logistics"):
        s = read_scenario(path)
    assert s.disruptions[0].factor == 1.0
    text = caplog.text
    assert "scn.toml:2:owner: unknown key ignored" in text
    assert "scn.toml:6:disruption[1].factr" in text and "'factor'" in text


def test_unknown_names_against_a_network(tmp_path: Path, tiny: lg.Network) -> None:
    """Lane ids, sites, carriers, territories, modes and countries not in the network
    are issues with file, line and key; without a network the file reads."""
    path = write(
        tmp_path,
        """
[[disruption]]
kind = "close_lanes"
lanes = ["AIR-LHR-AMS", "AIR-LHR-AMX"]
carriers = ["Courier Z"]
from_sites = ["TC-LON", "TC-PAR"]
countries = ["FR"]
modes = ["rail"]

[[disruption]]
kind = "customs_delay"
from_territory = "XK"
to_territory = "EU"
factor = 2

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI", "TC-LON"]
resource = "manufacturing"
factor = 0.5
""",
    )
    scenario = read_scenario(path)  # no network: only the file's own rules
    issues = issues_of(path, tiny)
    assert where(issues) == {
        ("scn.toml", 3, "disruption[1].lanes"),
        ("scn.toml", 4, "disruption[1].carriers"),
        ("scn.toml", 5, "disruption[1].from_sites"),
        ("scn.toml", 6, "disruption[1].countries"),
        ("scn.toml", 7, "disruption[1].modes"),
        ("scn.toml", 11, "disruption[2].from_territory"),
        ("scn.toml", 17, "disruption[3].sites"),
    }
    lane = next(i for i in issues if i.column == "disruption[1].lanes")
    assert lane.got == "AIR-LHR-AMX" and "AIR-LHR-AMS" in lane.expected
    assert validate_against(scenario, tiny) == issues


def test_customs_delay_needs_a_rule(tmp_path: Path, europe: lg.Network) -> None:
    """A customs_delay between territories without a customs rule does nothing: refused."""
    path = write(
        tmp_path,
        '[[disruption]]\nkind = "customs_delay"\nfrom_territory = "EU"\nto_territory = "EU"\n',
    )
    (issue,) = issues_of(path, europe)
    assert issue.column == "disruption[1].to_territory" and issue.row == 4


def test_generated_road_lane_ids_are_known(tmp_path: Path, europe: lg.Network) -> None:
    """A generated road leg (road:A>B) may be named in lanes."""
    lane_id = next(lane.lane_id for lane in europe.lanes if lane.generated)
    path = write(tmp_path, f'[[disruption]]\nkind = "close_lanes"\nlanes = ["{lane_id}"]\n')
    assert read_scenario(path, europe).disruptions[0].lanes == (lane_id,)


def test_baseline() -> None:
    """The baseline has no disruptions and no window."""
    b = Scenario.baseline()
    assert b.name == "baseline" and b.disruptions == () and b.start is None and b.end is None
    assert b == Scenario.baseline()
