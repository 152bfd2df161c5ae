"""The design report in a real headless Chromium: every chart draws with no console
error, the map has one marker per site of design.geojson, the pareto chart one point
per pareto.csv row. Skipped only outside CI when no Chromium is installed; with
LOGISTICS_CI=1 a missing Chromium fails."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from chromium_driver import open_drawn
from typer.testing import CliRunner

from logistics.cli import app
from logistics.design.ishipment import write_instance
from logistics.report.design import PARETO_TRACE

POINTS = 3
TRACE_POINTS = """
const gd = document.getElementById(arguments[0]);
const scatters = gd._fullData.filter(t => t.type === 'scatter');
const groups = gd.querySelectorAll('.scatterlayer .trace');
let n = 0;
scatters.forEach((t, i) => {
  if (t.name.startsWith(arguments[1])) n += groups[i].querySelectorAll('path.point').length;
});
return [n, scatters.length, groups.length];
"""


@pytest.fixture(scope="module")
def design_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A design folder of a tiny generated instance (3 plants, 6 patients) with pareto
    points, a scenario cutting off one plant and the worst-case robust choice."""
    folder = tmp_path_factory.mktemp("design-report")
    bundle, orders = write_instance(
        folder,
        patients=6,
        days=6,
        seed=3,
        plants=3,
        lines=(1, 2, 1),
        max_open=None,
        v2v_cap_days=None,
        fixed_scale=0.05,
    )
    spec = folder / "cut.toml"
    spec.write_text(
        'name = "PL-2 cut off"\n[[disruption]]\nkind = "close_lanes"\ntouching_sites = ["PL-2"]\n',
        encoding="utf-8",
    )
    out = folder / "out"
    res = CliRunner().invoke(
        app,
        [
            "design",
            "--network",
            str(bundle),
            "--orders",
            str(orders),
            "--out",
            str(out),
            "--workers",
            "1",
            "--pareto",
            str(POINTS),
            "--scenarios",
            str(spec),
            "--robust",
            "worst",
        ],
    )
    assert res.exit_code == 0, res.output
    return out


def test_design_report_in_chromium(browser, design_dir: Path) -> None:
    """The design report: no console error, every chart (map, utilisation, pareto,
    scenarios, robust) draws marks, the map has one site marker per Point of
    design.geojson, the pareto chart one point per row of pareto.csv, and the robust
    choice is visible."""
    charts = open_drawn(browser, design_dir / "report.html")
    ids = [c[0] for c in charts]
    assert ids[:3] == ["map", "utilisation", "pareto"]
    assert {"scenario-unserved", "robust-objective", "robust-unserved"} <= set(ids)
    for name, svg, marks in charts:
        assert svg > 0 and marks > 0, f"chart {name} drew nothing"
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    geo = json.loads((design_dir / "design.geojson").read_text())
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    markers, scatters, groups = browser.execute_script(TRACE_POINTS, "map", "sites: ")
    assert scatters == groups
    assert markers == len(points)
    with (design_dir / "pareto.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == POINTS
    drawn, _, _ = browser.execute_script(TRACE_POINTS, "pareto", PARETO_TRACE)
    assert drawn == len(rows)
    robust = json.loads((design_dir / "summary.json").read_text())["robust"]
    visible = browser.execute_script("return document.body.innerText")
    assert robust["why"] in visible
