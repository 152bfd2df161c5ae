"""`logistics check` prints its verdict on stdout and exits 0 or 1."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner

from logistics.cli import app

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
runner = CliRunner()


def test_check_verdict_on_stdout(tmp_path):
    """A plan of the tiny bundle passes (exit 0, "PASS" on stdout); checked against the
    same bundle with every manufacturing slot removed it fails (exit 1, "FAIL" and the
    violations on stdout)."""
    plan = tmp_path / "plan"
    args = ["--network", str(TINY), "--orders", str(TINY / "orders.csv")]
    made = runner.invoke(app, ["plan", *args, "--out", str(plan), "--time-limit", "5",
                               "--samples", "0"])  # fmt: skip
    assert made.exit_code == 0, made.output
    ok = runner.invoke(app, ["check", str(plan), *args])
    assert ok.exit_code == 0 and ok.stdout.startswith("PASS"), ok.output
    closed = tmp_path / "closed"
    shutil.copytree(TINY, closed)
    with (TINY / "capacity.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["resource"] == "manufacturing":
            r["slots"] = "0"
    with (closed / "capacity.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    bad = runner.invoke(
        app, ["check", str(plan), "--network", str(closed), "--orders", str(TINY / "orders.csv")]
    )
    assert bad.exit_code == 1, bad.output
    assert "FAIL:" in bad.stdout and "capacity" in bad.stdout.lower()


def test_count_options_beyond_their_bounds_are_input_errors(tmp_path):
    """plan --samples/--fallbacks/--risk-samples, simulate --samples and scenarios run
    --dask-local above their bounds (docs/data-contract.md, Bounds) exit 2 naming the
    option, before any work starts."""
    args = ["--network", str(TINY), "--orders", str(TINY / "orders.csv")]
    cases = [
        ["plan", *args, "--samples", "100001"],
        ["plan", *args, "--fallbacks", "11"],
        ["plan", *args, "--risk-samples", "10001"],
        ["scenarios", "run", *args, "--dask-local", "65"],
        ["simulate", str(tmp_path / "none"), "--samples", "100001"],
    ]
    for case in cases:
        result = runner.invoke(
            app, [*case, "--out", str(tmp_path / "x")] if case[0] != "simulate" else case
        )
        option = case[-2]
        assert result.exit_code == 2, (case, result.output)
        assert f"command line:-:{option}" in result.output, result.output


def test_check_from_another_folder_finds_the_recorded_inputs(tmp_path, monkeypatch):
    """A plan made from relative --network and --orders paths records them absolute,
    so `logistics check PLAN` run from another folder reads the same inputs."""
    work = tmp_path / "work"
    shutil.copytree(TINY, work / "bundle")
    shutil.copy(TINY / "orders.csv", work / "orders.csv")
    monkeypatch.chdir(work)
    made = runner.invoke(app, ["plan", "--network", "bundle", "--orders", "orders.csv",
                               "--out", "plan", "--time-limit", "5", "--samples", "0"])  # fmt: skip
    assert made.exit_code == 0, made.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    ok = runner.invoke(app, ["check", str(work / "plan")])
    assert ok.exit_code == 0 and ok.stdout.startswith("PASS"), ok.output
