"""report.html of a plan folder and of a sweep folder as files: self-contained, the
exceptions in the page, rebuilt identically by `logistics report`; exposed_shipments
and rounded numbers in the CSVs."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

import logistics as lg
from logistics.cli import app
from logistics.io.geojson import SITES_FILE
from logistics.io.plan import read_plan
from logistics.io.sweep import COMPARISON_FILE, IMPACT_FILE
from logistics.io.timeline import TIMELINE_FILE
from logistics.report import REPORT_FILE
from logistics.report.sweep import KPIS

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
SHUTTLE = Path(__file__).resolve().parents[1] / "data" / "plan" / "shuttle"


def _csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_plan_report_is_one_self_contained_file(swept) -> None:
    """The plan folder's report.html loads nothing from elsewhere (no script or link
    by URL) and inlines plotly.js exactly once."""
    text = (swept.plan_dir / REPORT_FILE).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img[^>]+src=\"?http", text)
    assert text.count(get_plotlyjs()[:300]) == 1
    sweep_text = (swept.folder / REPORT_FILE).read_text(encoding="utf-8")
    assert sweep_text.count(get_plotlyjs()[:300]) == 1


def test_plan_report_names_the_unserved_patients_and_why(swept) -> None:
    """Every unserved order's id and reason (as the plan gives it) is in the page."""
    plan, _ = read_plan(swept.plan_dir)
    text = (swept.plan_dir / REPORT_FILE).read_text(encoding="utf-8")
    assert plan.unserved
    for p in plan.unserved:
        assert p.order_id in text
        assert html.escape(p.reason) in text


def test_report_command_rebuilds_the_same_files(swept, tmp_path) -> None:
    """`logistics report` rebuilds a plan folder's report.html, timeline.csv and
    sites.geojson, and a sweep folder's report.html, byte for byte as written, and
    leaves folders that match their manifest; a folder whose report was removed does
    not match its manifest and is refused (exit 2 naming the file)."""
    from logistics.io.manifest import verify_folder

    plan_dir = shutil.copytree(swept.plan_dir, tmp_path / "plan")
    sweep_dir = shutil.copytree(swept.folder, tmp_path / "sweep")
    written = {n: (plan_dir / n).read_bytes() for n in (REPORT_FILE, TIMELINE_FILE, SITES_FILE)}
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(plan_dir), "--network", str(TINY)])
    assert result.exit_code == 0, result.output
    for name, data in written.items():
        assert (plan_dir / name).read_bytes() == data
    verify_folder(plan_dir)
    result = runner.invoke(app, ["report", str(sweep_dir)])
    assert result.exit_code == 0, result.output
    assert (sweep_dir / REPORT_FILE).read_bytes() == (swept.folder / REPORT_FILE).read_bytes()
    verify_folder(sweep_dir)
    (plan_dir / REPORT_FILE).unlink()
    result = runner.invoke(app, ["report", str(plan_dir), "--network", str(TINY)])
    assert result.exit_code == 2 and REPORT_FILE in result.output


def test_report_command_refuses_a_folder_that_is_neither(tmp_path) -> None:
    """A folder with neither orders.csv nor comparison.csv is bad input: exit 2 with the
    file:row:column message, no traceback."""
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}:-:-: expected a plan folder" in result.output
    assert "Traceback" not in result.output


def test_report_on_another_network_is_bad_input(swept, tmp_path) -> None:
    """A plan folder reported on a network without its sites (the shuttle bundle for a
    tiny-bundle plan) is refused with exit 2 naming a site, not an internal error."""
    plan_dir = shutil.copytree(swept.plan_dir, tmp_path / "plan")
    result = CliRunner().invoke(app, ["report", str(plan_dir), "--network", str(SHUTTLE)])
    assert result.exit_code == 2, result.output
    assert "orders.csv:-:-: expected sites of" in result.output
    assert "TC-LON" in result.output or "MFG-LEI" in result.output


def test_exposed_shipments_explain_unchanged_scenarios(swept) -> None:
    """exposed_shipments counts tonight's legs a disruption covers: none for the neutral
    delay and the closed flight nobody takes, every road leg for the slower roads; the
    sweep report says why for each scenario whose KPIs equal the baseline's."""
    plan, _ = read_plan(swept.plan_dir)
    legs = [leg for p in plan.served for it in (p.inbound, p.outbound) if it for leg in it.legs]
    assert not any(leg.lane_id == "AIR-LHR-AMS" for leg in legs)
    rows = {r["scenario"]: r for r in _csv(swept.folder / COMPARISON_FILE)}
    assert rows["baseline"]["exposed_shipments"] == "0"
    assert rows["neutral delay"]["exposed_shipments"] == "0"
    assert rows["air closed"]["exposed_shipments"] == "0"
    road = sum(leg.mode == "road" for leg in legs)
    assert road > 0 and rows["road slower"]["exposed_shipments"] == str(road)
    base = rows["baseline"]
    unchanged = [
        n for n, r in rows.items()
        if n != "baseline" and all(r[k.column] == base[k.column]
                                   for k in KPIS if k.column != "exposed_shipments")
    ]  # fmt: skip
    assert {"neutral delay", "air closed"} <= set(unchanged)
    text = (swept.folder / REPORT_FILE).read_text(encoding="utf-8")
    nobody = sum(rows[n]["exposed_shipments"] == "0" for n in unchanged)
    assert text.count("no planned shipment crosses the disrupted lanes") == nobody
    if "road slower" in unchanged:
        assert f"{road} planned shipments meet the disruption but still fit" in text


def test_numbers_in_the_csvs_are_rounded(swept) -> None:
    """Hours (columns ending in _h or named hours) and euros have at most 2 decimals in
    every CSV of the plan folder and of the sweep."""
    files = [
        swept.plan_dir / n for n in ("orders.csv", "legs.csv", "fallbacks.csv", TIMELINE_FILE)
    ] + [swept.folder / COMPARISON_FILE, swept.folder / IMPACT_FILE]
    checked = 0
    for path in files:
        for row in _csv(path):
            for column, value in row.items():
                if (column.endswith(("_h", "_eur")) or column == "hours") and value not in (
                    "", "inf"
                ):  # fmt: skip
                    assert len(value.partition(".")[2]) <= 2, (path.name, column, value)
                    checked += 1
    assert checked > 50


def test_the_rounded_plan_passes_the_checker(swept) -> None:
    """The plan read back from its rounded files breaks no rule of the independent
    checker (customs hours are rounded up, so they never understate the clearance)."""
    plan, _ = read_plan(swept.plan_dir)
    assert lg.check(plan, swept.network, swept.book) == []


def test_attention_lists_every_exception_of_the_plan(swept) -> None:
    """The attention list holds each unserved order with its reason, each order at or
    above the breach threshold, each leg waiting 24 h or more for its site to open, and
    each shipment by a non-road mode whose Plan B hours (fallbacks.csv) all exceed its
    window; nothing else."""
    from logistics.report.attention import HIGH_BREACH, LONG_WAIT_H, attention
    from logistics.report.folder import read_plan_folder

    folder = read_plan_folder(swept.plan_dir, swept.network)
    got = sorted((a.order_id, a.kind) for a in attention(folder))
    fallbacks: dict[tuple[str, str], list[float]] = {}
    for r in _csv(swept.plan_dir / "fallbacks.csv"):
        if not r["fallback"]:
            continue  # the shipment has no Plan B
        fallbacks.setdefault((r["order_id"], r["direction"]), []).append(float(r["hours"]))
    expected = []
    for p in folder.plan.orders:
        if not p.served:
            expected.append((p.order_id, "unserved"))
            continue
        if (p.p_breach or 0) >= HIGH_BREACH:
            expected.append((p.order_id, "high breach probability"))
        therapy = swept.network.therapies[p.therapy]
        for d, it, window in (("inbound", p.inbound, therapy.inbound_max_h),
                              ("outbound", p.outbound, therapy.outbound_max_h)):  # fmt: skip
            legs = it.legs if it else ()
            expected += [(p.order_id, "long wait") for g in legs if g.wait_open_h >= LONG_WAIT_H]
            if any(g.mode != "road" for g in legs) and not any(
                h <= window for h in fallbacks.get((p.order_id, d), [])
            ):
                expected.append((p.order_id, "no Plan B within the window"))
    assert got == sorted(expected)
    assert ("unserved" in {k for _, k in got}) and len(got) > len(folder.plan.unserved)


def test_a_folder_without_a_plan_gets_a_report_saying_so(swept, tmp_path) -> None:
    """Without a plan (headers only, empty kpis, as after INFEASIBLE) the extras are
    still written: a report saying nothing is scheduled, a timeline with its header
    only, and no sites.geojson (like routes.geojson)."""
    import json

    from logistics.report.extras import write_plan_extras

    folder = shutil.copytree(swept.plan_dir, tmp_path / "plan")
    for name in ("orders.csv", "legs.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        (folder / name).write_text(lines[0] + "\n", encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary.update(status="INFEASIBLE", kpis={})
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "fallbacks.csv").unlink()
    write_plan_extras(folder, swept.network)
    assert "No plan: nothing is scheduled." in (folder / REPORT_FILE).read_text(encoding="utf-8")
    assert len((folder / TIMELINE_FILE).read_text(encoding="utf-8").splitlines()) == 1
    assert not (folder / SITES_FILE).exists()
