"""``logistics critical`` on the channel bundle: the single tunnel ranks first with the
three London patients breaking and unserved after re-plan, the files are written, and
the first row's scenario file run through ``logistics scenarios run`` gives the same
figures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from logistics.analysis.critical import sweep_figures
from logistics.cli import app
from logistics.io.critical import CRITICAL_COLUMNS, STRUCTURE_COLUMNS

from .bundles import channel_bundle

# one solver worker, a short deterministic limit, few draws: fast and repeatable
SETTINGS = ["--samples", "50", "--seed", "0", "--time-limit", "5"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The channel bundle and the folder `logistics critical` wrote for it."""
    root = tmp_path_factory.mktemp("critical")
    bundle = channel_bundle(root / "bundle")
    out = root / "out"
    args = ["critical", "--network", str(bundle), "--orders", str(bundle / "orders.csv")]
    args += ["--out", str(out), "--workers", "1", "--replan", "1", *SETTINGS]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return bundle, out


def test_tunnel_ranks_first(run: tuple[Path, Path]) -> None:
    """The tunnel towards the plants is the first row: London's three patients have
    their collection in the week it is closed, so all three inbound shipments wait a
    week at Folkestone (breaking the 48 h window), and the re-plan, unable to move
    collections pinned to their day, leaves them unserved; London is the centre cut off.
    The terminals, whose closure contains the tunnel's, come after it."""
    _, out = run
    rows = _read(out / "critical.csv")
    assert list(rows[0]) == list(CRITICAL_COLUMNS)
    first = rows[0]
    assert (first["element"], first["kind"]) == ("TUNNEL-GB-FR", "lane")
    assert first["centres_cut_off"] == "TC-LON"
    assert (first["orders_exposed"], first["orders_breaking"]) == ("3", "3")
    assert first["unserved_after_replan"] == "3"
    assert (first["window_start"], first["window_end"]) == (
        "2026-12-07T00:00:00Z",
        "2026-12-14T00:00:00Z",
    )
    ranked = [r["element"] for r in rows]
    for terminal in ("XING-GB-FOLK", "XING-FR-COQ"):
        assert ranked.index(terminal) > 0
    # nothing London does not use touches its patients
    paris_only = [r for r in rows if r["element"].startswith("ROA-TC-PAR")]
    assert all(r["orders_breaking"] == "0" for r in paris_only)


def test_files_written(run: tuple[Path, Path]) -> None:
    """critical.geojson has one feature per row in rank order (a line for a lane, a
    point for a site); structure.csv one row per centre and direction; a scenario file
    per row; critical.json the bridges and the command that reproduces a row."""
    _, out = run
    rows = _read(out / "critical.csv")
    features = json.loads((out / "critical.geojson").read_text())["features"]
    assert [f["properties"]["element"] for f in features] == [r["element"] for r in rows]
    kinds = {f["properties"]["kind"]: f["geometry"]["type"] for f in features}
    assert kinds["lane"] == "LineString" and kinds["crossing"] == "Point"
    structure = _read(out / "structure.csv")
    assert list(structure[0]) == list(STRUCTURE_COLUMNS)
    assert {(r["centre"], r["direction"]) for r in structure} == {
        (c, d) for c in ("TC-LON", "TC-PAR") for d in ("inbound", "outbound")
    }
    assert all((out / r["scenario_file"]).is_file() for r in rows)
    assert (out / "plan" / "orders.csv").is_file()  # tonight's plan, for --plan next time
    settings = json.loads((out / "critical.json").read_text())
    assert settings["reproduce"].endswith("--seed 0 --samples 50 --time-limit 5")
    assert set(settings["bridges"]) == {"TUNNEL-GB-FR", "TUNNEL-FR-GB"}


def test_scenario_file_reproduces_the_row(run: tuple[Path, Path], tmp_path: Path) -> None:
    """`logistics scenarios run` on the first row's scenario file, with the same seed,
    samples and time limit, gives the row's breaking, displaced, v2v hours and
    unserved after re-plan (read from its comparison.csv and impact.csv)."""
    bundle, out = run
    first = _read(out / "critical.csv")[0]
    sweep = tmp_path / "sweep"
    args = ["scenarios", "run", str(out / first["scenario_file"]), "--network", str(bundle)]
    args += ["--orders", str(bundle / "orders.csv"), "--out", str(sweep), "--workers", "1"]
    result = CliRunner().invoke(app, [*args, *SETTINGS])
    assert result.exit_code == 0, result.output

    def typed(row: dict[str, str]) -> dict:
        out = {}
        for k, v in row.items():
            if v in ("true", "false"):
                out[k] = v == "true"
            elif v == "":
                out[k] = None
            else:
                try:
                    out[k] = float(v)
                except ValueError:
                    out[k] = v
        return out

    comparison = [typed(r) for r in _read(sweep / "comparison.csv")]
    impact = [typed(r) for r in _read(sweep / "impact.csv")]
    name = comparison[1]["scenario"]
    breaking, displaced, delta, unserved = sweep_figures(comparison, impact)[name]
    assert breaking == int(first["orders_breaking"])
    assert displaced == int(first["orders_displaced"])
    assert delta == pytest.approx(float(first["delta_v2v_h"]), abs=1e-6)
    assert unserved == int(first["unserved_after_replan"])
