"""design.csv and [design]: validation, the command's outputs and exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from design_helpers import Instance
from typer.testing import CliRunner

from logistics.cli import app
from logistics.errors import InputError
from logistics.io.bundle import default_bundle, read_network
from logistics.io.design import read_design

runner = CliRunner()


def _bad_bundle(tiny: Instance, tmp_path: Path, design_csv: str, toml: str = "") -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(tiny.bundle, folder)
    (folder / "design.csv").write_text(design_csv, encoding="utf-8")
    (folder / "network.toml").write_text(toml, encoding="utf-8")
    return folder


def test_every_bad_cell_is_reported_at_once(tiny: Instance, tmp_path: Path) -> None:
    """Unknown or non-plant sites, a bad status, a negative cost, min_lines above
    max_lines and bad [design] settings are all reported, as file:row:column."""
    folder = _bad_bundle(
        tiny,
        tmp_path,
        "site_id,status,fixed_cost_eur,lines,batch_cost_eur,min_lines,max_lines\n"
        "PL-1,candidate,100,2,10,,\n"
        "PL-9,candidate,100,2,10,,\n"
        "TC-NL-AMS,existing,100,2,10,,\n"
        "PL-2,maybe,-5,2,10,3,1\n",
        '[design]\nmax_open = -1\nv2v_cap_days = 0\nmust_open = ["PL-7"]\n',
    )
    with pytest.raises(InputError) as info:
        read_design(folder, tiny.network)
    found = {str(i) for i in info.value.issues}
    expected = {
        "design.csv:3:site_id",
        "design.csv:4:site_id",
        "design.csv:5:status",
        "design.csv:5:fixed_cost_eur",
        "design.csv:5:max_lines",
        "network.toml:2:design.max_open",
        "network.toml:3:design.v2v_cap_days",
        "network.toml:4:design.must_open",
    }
    assert {f.split(": expected")[0] for f in found} == expected


def test_must_open_and_must_close_may_not_overlap(tiny: Instance, tmp_path: Path) -> None:
    """A site both forced open and closed, or more forced sites than max_open, is refused."""
    folder = _bad_bundle(
        tiny,
        tmp_path,
        (tiny.bundle / "design.csv").read_text(),
        '[design]\nmax_open = 1\nmust_open = ["PL-1", "PL-2"]\nmust_close = ["PL-2"]\n',
    )
    with pytest.raises(InputError) as info:
        read_design(folder, tiny.network)
    columns = {i.column for i in info.value.issues}
    assert columns == {"design.must_close", "design.max_open"}


def test_cli_bad_design_exits_2_with_the_cell(tiny: Instance, tmp_path: Path) -> None:
    """`logistics design` on a bad design.csv exits 2 and names file, row and column,
    without a traceback."""
    folder = _bad_bundle(
        tiny, tmp_path, "site_id,status,fixed_cost_eur,lines,batch_cost_eur\nPL-1,open,1,1,1\n"
    )
    res = runner.invoke(app, ["design", "--network", str(folder), "--orders", str(tiny.orders)])
    assert res.exit_code == 2
    assert "design.csv:2:status: expected" in res.output
    assert "Traceback" not in res.output


def test_cli_writes_consistent_outputs(tiny: Instance, tmp_path: Path) -> None:
    """The command writes design.csv, allocation.csv, summary.json and design.geojson
    that agree: costs add up, allocations count the served orders, open sites match,
    and the input files are left as they were."""
    before = {p.name: p.read_bytes() for p in tiny.bundle.iterdir()}
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "design",
            "--network",
            str(tiny.bundle),
            "--orders",
            str(tiny.orders),
            "--out",
            str(out),
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    design = list(csv.DictReader((out / "design.csv").open()))
    allocation = list(csv.DictReader((out / "allocation.csv").open()))
    costs = summary["costs_eur"]
    assert costs["total"] == pytest.approx(
        costs["fixed"] + costs["lines"] + costs["batch"] + costs["transport"]
    )
    assert sum(int(a["orders"]) for a in allocation) == summary["served"]
    opened = {d["site_id"]: int(d["lines"]) for d in design if d["open"] == "true"}
    assert opened == summary["open_sites"]
    assert sum(int(d["batches"]) for d in design) == summary["served"]
    assert summary["bound"] <= summary["objective"] + 1e-6
    geo = json.loads((out / "design.geojson").read_text())
    assert sum(f["properties"]["kind"] == "allocation" for f in geo["features"]) == len(allocation)
    assert {p.name: p.read_bytes() for p in tiny.bundle.iterdir()} == before


def test_europe_bundle_has_a_valid_design() -> None:
    """The default bundle's design.csv reads cleanly and lists every plant of
    capacity.csv as existing, with candidates beside them."""
    network = read_network()
    design = read_design(default_bundle(), network)
    assert design is not None
    existing = {s.site_id for s in design.sites if s.status == "existing"}
    assert existing == network.capacity.sites_with("manufacturing")
    assert any(s.status == "candidate" for s in design.sites)
