"""The public API: what `import logistics as lg` offers, and the README's library script."""

from __future__ import annotations

import inspect
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import logistics as lg

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "examples" / "library.py"


def _env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "200"}


def test_every_public_name_is_documented():
    """Every name of lg.__all__ exists and carries a docstring; functions document
    their parameters (each parameter's name appears in the docstring)."""
    for name in lg.__all__:
        obj = getattr(lg, name)
        if name == "__version__":
            continue
        doc = inspect.getdoc(obj)
        assert doc, f"lg.{name} has no docstring"
        if inspect.isfunction(obj):
            for param in inspect.signature(obj).parameters:
                assert param in doc, f"lg.{name}: parameter {param!r} not in its docstring"


def test_readme_shows_the_library_script():
    """The README's Library section shows examples/library.py as it is."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.S | re.M)
    assert SCRIPT.read_text(encoding="utf-8") in blocks


def test_library_script_and_plan_command_give_the_same_plan(tmp_path, monkeypatch, capsys):
    """examples/library.py runs from any folder and writes a complete plan folder (with
    Plan B) that the checker passes, and `logistics plan` on the same orders, written
    to a CSV, gives the same orders.csv, legs.csv and fallbacks.csv: both go through
    lg.plan."""
    script_out = tmp_path / "script-plan"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), str(script_out)])
    ns = runpy.run_path(str(SCRIPT), run_name="__main__")
    assert "wrote" in capsys.readouterr().out
    for name in ("orders.csv", "legs.csv", "summary.json", "routes.geojson", "fallbacks.csv"):
        assert (script_out / name).is_file(), name
    net, book = ns["net"], ns["book"]
    plan, summary = lg.read_plan(script_out)
    assert summary["stats"]["checker_violations"] == 0
    assert lg.check(plan, net, book) == []
    assert [p.order_id for p in plan.orders] == [o.order_id for o in book]

    orders_csv = tmp_path / "orders.csv"
    lines = ["order_id,therapy,treatment_centre,apheresis_earliest,apheresis_latest,priority"]
    lines += [
        f"{o.order_id},{o.therapy},{o.treatment_centre},{o.apheresis_earliest.isoformat()},"
        f"{o.apheresis_latest.isoformat()},{o.priority}"
        for o in book
    ]
    orders_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli_out = tmp_path / "cli-plan"
    argv = ["--orders", str(orders_csv), "--out", str(cli_out), "--time-limit", "30"]
    argv += ["--seed", "0", "--workers", "1", "--samples", "200"]
    run = subprocess.run(
        [sys.executable, "-m", "logistics", "plan", *argv],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("orders.csv", "legs.csv", "fallbacks.csv"):
        assert (cli_out / name).read_text() == (script_out / name).read_text(), name
