"""The commands on output folders: `plan` never writes among its inputs; `check`,
`simulate` and `plan --previous` refuse a plan folder that does not match its
manifest (exit 2, naming the file); `simulate` replaces the folder whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from logistics.cli import app
from logistics.errors import InputError
from logistics.io import read_network, read_orders
from logistics.io.manifest import MANIFEST_FILE, manifest_sha256, read_manifest, verify_folder
from logistics.io.plan import read_plan
from logistics.io.simulation import write_risk
from logistics.risk import simulate

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FAST = ["--time-limit", "5", "--seed", "0", "--workers", "1", "--samples", "20"]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plan folder written by `logistics plan` on the tiny bundle."""
    out = tmp_path_factory.mktemp("written") / "plan"
    run = invoke("plan", "--network", TINY, "--orders", TINY / "orders.csv", "--out", out, *FAST)
    assert run.exit_code == 0, run.output
    return out


@pytest.fixture
def plan_dir(written: Path, tmp_path: Path) -> Path:
    """A private copy of the written plan folder."""
    return Path(shutil.copytree(written, tmp_path / "plan"))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _drop_last_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) > 2
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _edit_same_size(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "TC-" in text
    path.write_text(text.replace("TC-", "TX-", 1), encoding="utf-8")


TAMPER: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated routes": ("routes.geojson", _truncate),
    "truncated fallbacks": ("fallbacks.csv", _truncate),
    "legs row removed": ("legs.csv", _drop_last_row),
    "orders edited": ("orders.csv", _edit_same_size),
}


@pytest.mark.parametrize("command", ["check", "simulate", "previous"])
@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampered_folder_is_refused(plan_dir: Path, tmp_path: Path, case: str, command: str):
    """A plan folder with a truncated routes.geojson or fallbacks.csv, a legs.csv that
    lost a row or an edited orders.csv: check, simulate and plan --previous exit 2 with
    `FILE:-:-: expected ...` naming the file; simulate leaves the folder as it was and
    plan writes nothing."""
    name, tamper = TAMPER[case]
    tamper(plan_dir / name)
    before = _snapshot(plan_dir)
    inputs = ["--network", TINY, "--orders", TINY / "orders.csv"]
    if command == "check":
        run = invoke("check", plan_dir, *inputs)
    elif command == "simulate":
        run = invoke("simulate", plan_dir, "--samples", "10", *inputs)
    else:
        run = invoke("plan", *inputs, "--previous", plan_dir, "--out", tmp_path / "new", *FAST)
    assert run.exit_code == 2, run.output
    assert f"{plan_dir / name}:-:-: expected " in run.output
    assert "internal error" not in run.output
    assert _snapshot(plan_dir) == before
    assert not (tmp_path / "new").exists()
    assert sorted(os.listdir(tmp_path)) == ["plan"]


def test_plan_refuses_an_out_among_its_inputs(tmp_path: Path) -> None:
    """`plan --orders DIR/orders.csv --out DIR`, --out a folder holding the order book
    deeper down, --out the bundle folder, and --out the --previous folder all exit 2
    before solving, naming --out and the input; the inputs keep every byte."""
    work = tmp_path / "work"
    (work / "in").mkdir(parents=True)
    book = work / "orders.csv"
    shutil.copy(TINY / "orders.csv", book)
    shutil.copy(TINY / "orders.csv", work / "in" / "orders.csv")
    bundle = Path(shutil.copytree(TINY, tmp_path / "bundle"))
    previous = tmp_path / "previous"
    run = invoke("plan", "--network", TINY, "--orders", book, "--out", previous, *FAST)
    assert run.exit_code == 0, run.output
    before = _snapshot(tmp_path)
    cases = [
        (["--network", TINY, "--orders", book], work, book),
        (["--network", TINY, "--orders", work / "in" / "orders.csv"], work, "orders.csv"),
        (["--network", bundle, "--orders", bundle / "orders.csv"], bundle, bundle),
        (["--network", TINY, "--orders", book, "--previous", previous], previous, previous),
    ]
    for args, out, named in cases:
        run = invoke("plan", *args, "--out", out, *FAST)
        assert run.exit_code == 2, run.output
        line = next(x for x in run.output.splitlines() if x.startswith("--out:-:-: expected"))
        assert str(named) in line and line.endswith(f"got '{out}'")
        assert "Plan written" not in run.output
    assert _snapshot(tmp_path) == before


def test_sweep_refuses_an_out_holding_a_scenario(tmp_path: Path) -> None:
    """`scenarios run SPEC --out DIR` with SPEC inside DIR exits 2 before any solve and
    leaves the scenario file as it was."""
    spec = tmp_path / "sweep" / "spec.toml"
    spec.parent.mkdir()
    spec.write_text('name = "slow air"\n\n[[disruption]]\nkind = "lane_delay"\nfactor = 1.5\n')
    args = ["--network", TINY, "--orders", TINY / "orders.csv", "--out", spec.parent]
    run = invoke("scenarios", "run", spec, *args)
    assert run.exit_code == 2, run.output
    assert f"the input {spec} is in it" in run.output
    assert os.listdir(spec.parent) == ["spec.toml"]


def test_simulate_replaces_the_folder_whole(plan_dir: Path, tmp_path: Path) -> None:
    """simulate writes risk.csv and the new orders.csv and summary.json as one new
    folder with a fresh manifest listing them; routes, legs and Plan B keep their
    bytes, and nothing is left beside the folder."""
    before = _snapshot(plan_dir)
    args = ["--samples", "10", "--network", TINY, "--orders", TINY / "orders.csv"]
    run = invoke("simulate", plan_dir, *args)
    assert run.exit_code == 0, run.output
    verify_folder(plan_dir)
    listed = {e.path for e in read_manifest(plan_dir).files}
    assert listed == {n for n in before if n != MANIFEST_FILE} | {"risk.csv"}
    after = _snapshot(plan_dir)
    for name in ("legs.csv", "routes.geojson", "fallbacks.csv"):
        assert after[name] == before[name]
    assert after["summary.json"] != before["summary.json"]
    assert os.listdir(tmp_path) == ["plan"]


def test_simulate_refuses_a_folder_replaced_meanwhile(plan_dir: Path) -> None:
    """write_risk given the manifest the plan was read with refuses (naming
    manifest.json) a folder another run replaced since, and leaves it as it is."""
    network = read_network(TINY)
    book = read_orders(TINY / "orders.csv", network)
    plan, _ = read_plan(plan_dir)
    sim = simulate(plan, network, book, samples=10, seed=0)
    seen = manifest_sha256(plan_dir)
    assert seen is not None
    before = _snapshot(plan_dir)
    with pytest.raises(InputError) as exc:
        write_risk(plan_dir, plan, sim, manifest="0" * 64)
    assert exc.value.issues[0].file == str(plan_dir / MANIFEST_FILE)
    assert _snapshot(plan_dir) == before
    write_risk(plan_dir, plan, sim, manifest=seen)
    verify_folder(plan_dir)
