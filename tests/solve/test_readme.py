"""The README's first code block: the nightly plan command runs as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def _first_bash_block() -> list[str]:
    """The lines of the README's first ```bash block."""
    match = re.search(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert match, "README.md has a ```bash block"
    return match.group(1).splitlines()


def test_readme_first_command_writes_a_checked_plan(tmp_path):
    """The logistics command of the README's first line (after the install and `&&`)
    runs from a fresh working directory with exit code 0 and writes the plan folder
    it reports, under plans/, with orders.csv, legs.csv, summary.json and
    routes.geojson, and no checker violation."""
    first = _first_bash_block()[0]
    install, _, command = first.partition("&&")
    assert "pip install" in install
    argv = shlex.split(command)
    assert argv[0] == "logistics", first
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "COLUMNS": "250",
    }
    run = subprocess.run(
        [sys.executable, "-m", "logistics", *argv[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    reported = re.search(r"Plan written to (\S+)", run.stdout)
    assert reported, run.stdout
    folder = (tmp_path / reported.group(1)).resolve()
    assert folder.parent == (tmp_path / "plans").resolve()
    for name in ("orders.csv", "legs.csv", "summary.json", "routes.geojson"):
        assert (folder / name).is_file(), name
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["stats"]["checker_violations"] == 0
