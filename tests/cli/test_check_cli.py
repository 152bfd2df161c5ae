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
