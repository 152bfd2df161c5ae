"""A design folder's designed bundle (network/) and plan folder (plan/): written as the
data contract's files, read back equal to the design's network, audited by
``logistics check DESIGN_DIR`` wherever the folder is moved."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from design_helpers import Instance
from typer.testing import CliRunner

from logistics.cli import app
from logistics.design.model import design_network, keep_bookings
from logistics.io.bundle import default_bundle, read_network
from logistics.io.design import NETWORK_DIR, PLAN_DIR, designed_bundle, read_design

runner = CliRunner()


def _design(inst: Instance, out: Path) -> None:
    res = runner.invoke(
        app,
        [
            "design",
            *("--network", str(inst.bundle), "--orders", str(inst.orders)),
            *("--out", str(out), "--workers", "1"),
        ],
    )
    assert res.exit_code == 0, res.output


def test_designed_bundle_reads_back_as_the_designs_network(tmp_path: Path) -> None:
    """The default bundle with some sites open (a point-of-care unit among them, so
    therapies.toml changes) and a wind-down booking: every slot of every site on every
    day of a year, and every therapy's licensed sites, read back as designed."""
    base = read_network()
    design = read_design(default_bundle(), base)
    assert design is not None
    poc = next(s for s in design.sites if s.therapies)
    shut = next(s for s in design.sites if s.status == "existing")
    lines = {poc.site_id: 3, design.sites[0].site_id: 7}
    lines.pop(shut.site_id, None)
    designed = design_network(base, design, lines)
    designed = keep_bookings(designed, {(shut.site_id, date(2027, 3, 2)): 2})
    folder = tmp_path / "network"
    folder.mkdir()
    for name, data in designed_bundle(default_bundle(), base, designed).items():
        (folder / name).write_bytes(data)
    back = read_network(folder)
    days = [date(2027, 1, 1) + timedelta(days=i) for i in range(365)]
    for site in base.sites:
        for resource in ("apheresis", "manufacturing"):
            got = [back.capacity.slots(site, resource, d) for d in days]
            assert got == [designed.capacity.slots(site, resource, d) for d in days]
    assert back.capacity.slots(shut.site_id, "manufacturing", date(2027, 3, 2)) == 2
    assert back.capacity.slots(shut.site_id, "manufacturing", date(2027, 3, 3)) == 0
    assert {t: v.sites for t, v in back.therapies.items()} == {
        t: v.sites for t, v in designed.therapies.items()
    }
    assert any(poc.site_id in t.sites for t in back.therapies.values())
    assert not any(poc.site_id in t.sites for t in base.therapies.values())
    for name in ("lanes.csv", "sites.csv", "customs.csv", "holidays.csv", "design.csv"):
        assert (folder / name).read_bytes() == (default_bundle() / name).read_bytes()


def test_check_audits_the_design_folder_wherever_it_is(
    capped: Instance, tmp_path: Path, monkeypatch
) -> None:
    """`logistics check DESIGN_DIR` passes on the folder written and on the folder moved
    elsewhere; the plan's orders agree with the design's summary and its p_breach comes
    from the Monte Carlo; the input bundle is left as it was."""
    before = {p.name: p.read_bytes() for p in capped.bundle.iterdir()}
    out = tmp_path / "out"
    shutil.copy(capped.orders, tmp_path / "book.csv")
    monkeypatch.chdir(tmp_path)  # a relative order book
    _design(replace(capped, orders=Path("book.csv")), out)
    summary = json.loads((out / "summary.json").read_text())
    rows = list(csv.DictReader((out / PLAN_DIR / "orders.csv").open()))
    served = [r for r in rows if r["status"] == "scheduled"]
    assert len(served) == summary["served"] and len(rows) == 20
    assert all(0.0 <= float(r["p_breach"]) <= 1.0 for r in served)
    plan_summary = json.loads((out / PLAN_DIR / "summary.json").read_text())
    assert plan_summary["stats"]["checker_violations"] == 0
    assert plan_summary["input_hashes"]["orders"]
    res = runner.invoke(app, ["check", str(out)])
    assert res.exit_code == 0, res.output
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(out, moved)
    monkeypatch.chdir(moved.parent)  # the recorded order book is found from anywhere
    res = runner.invoke(app, ["check", "moved"])
    assert res.exit_code == 0, res.output
    assert "PASS" in res.output
    assert {p.name: p.read_bytes() for p in capped.bundle.iterdir()} == before


def test_check_finds_a_plan_beyond_the_designed_capacity(capped: Instance, tmp_path: Path) -> None:
    """The audit is against network/: with an open site's lines cut to none there, the
    plan's batches at that site break its capacity and the check fails (exit 1)."""
    out = tmp_path / "out"
    _design(capped, out)
    summary = json.loads((out / "summary.json").read_text())
    site = next(iter(summary["open_sites"]))
    path = out / NETWORK_DIR / "capacity.csv"
    rows = list(csv.DictReader(path.open()))
    for r in rows:
        if r["site_id"] == site and r["resource"] == "manufacturing":
            r["slots"] = "0"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = runner.invoke(app, ["check", str(out)])
    assert res.exit_code == 1, res.output
    assert site in res.output
