"""The robust choice among candidate designs, and the design folder's report page."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from design_helpers import PARAMS, Instance
from typer.testing import CliRunner

from logistics.check import check
from logistics.cli import app
from logistics.design.robust import choose_robust, fixed_design
from logistics.design.solve import DesignResult, solve_design
from logistics.io.manifest import read_manifest, verify_folder
from logistics.model.scenario import Disruption, Scenario

runner = CliRunner()


def _busiest(result: DesignResult) -> str:
    """The open design site making the most batches (ties: the first by id)."""
    return max(sorted(result.batches), key=lambda s: result.batches[s])


def _cut_off(site: str) -> Scenario:
    return Scenario(
        name=f"{site} cut off",
        disruptions=(Disruption(kind="close_lanes", touching_sites=(site,)),),
    )


@pytest.fixture(scope="module")
def nominal(tiny: Instance) -> DesignResult:
    """The nominal optimum of the tiny instance."""
    return solve_design(tiny.network, tiny.book, tiny.design, PARAMS)


@pytest.fixture(scope="module")
def robust_worst(tiny: Instance, nominal: DesignResult):
    """The worst-case robust choice when every lane of the nominal design's busiest
    site is closed."""
    scenario = _cut_off(_busiest(nominal))
    return choose_robust(tiny.network, tiny.book, tiny.design, PARAMS, [scenario], nominal=nominal)


def _objectives(choice) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for e in choice.evaluations:
        assert e.result.objective is not None
        out[e.design_id].append(e.result.objective)
    return out


def test_robust_choice_beats_the_nominal_worst_case(tiny: Instance, nominal, robust_worst) -> None:
    """With the nominal design's busiest site cut off, the worst-case choice is another
    design, its worst case (the most of its re-planned objectives, derived here from
    the evaluations) is the least among the candidates and below the nominal design's,
    and the cut-off site is not in it."""
    choice = robust_worst
    site = _busiest(nominal)
    assert choice.nominal == "D1"
    assert dict(choice.by_id["D1"].lines) == dict(nominal.lines)
    worst = {d: max(v) for d, v in _objectives(choice).items()}
    assert worst[choice.chosen] == min(worst.values())
    assert choice.chosen != choice.nominal
    assert worst[choice.chosen] < worst[choice.nominal]
    assert site not in dict(choice.by_id[choice.chosen].lines)
    # every candidate is evaluated under the baseline and the one scenario
    assert len(choice.evaluations) == 2 * len(choice.candidates)


def test_fixed_nominal_design_replans_to_its_own_optimum(
    tiny: Instance, nominal, robust_worst
) -> None:
    """The nominal design, fixed and re-planned on the undisrupted inputs, reaches the
    nominal objective again (the evaluation is the design solve with nothing left to
    choose) and opens exactly its sites."""
    base = next(
        e for e in robust_worst.evaluations if e.design_id == "D1" and e.scenario == "baseline"
    )
    assert base.result.objective == pytest.approx(nominal.objective, rel=1e-9, abs=1e-6)
    assert dict(base.result.lines) == dict(nominal.lines)
    fixed = fixed_design(tiny.design, nominal.lines)
    assert fixed.settings.must_open == frozenset(nominal.lines)
    assert fixed.settings.must_open | fixed.settings.must_close == set(tiny.design.by_id)


def test_every_evaluated_schedule_passes_the_checker(robust_worst) -> None:
    """Every candidate's schedule under every scenario passes the independent checker
    against that scenario's network (the design's lines, the closed lanes) and book."""
    for e in robust_worst.evaluations:
        assert e.result.plan is not None
        assert check(e.result.plan, e.result.network, e.book) == [], (e.design_id, e.scenario)


def test_mean_criterion_minimises_the_mean(tiny: Instance, nominal) -> None:
    """Under ``mean`` each candidate's value is the mean of its re-planned objectives
    and the chosen one has the least."""
    choice = choose_robust(
        tiny.network,
        tiny.book,
        tiny.design,
        PARAMS,
        [_cut_off(_busiest(nominal))],
        nominal=nominal,
        criterion="mean",
    )
    means = {d: statistics.fmean(v) for d, v in _objectives(choice).items()}
    assert means == pytest.approx(dict(choice.values))
    assert means[choice.chosen] == min(means.values())


def test_an_outage_of_a_design_site_is_honoured(tiny: Instance, nominal) -> None:
    """A scenario taking every manufacturing slot of the nominal design's busiest site
    (site_capacity, factor 0) leaves no batch there when a candidate keeping the site
    is re-planned under it, the schedule passes the checker against that network, and
    losing the slots never lowers the objective."""
    site = _busiest(nominal)
    outage = Scenario(
        name="outage",
        disruptions=(
            Disruption(kind="site_capacity", sites=(site,), resource="manufacturing", factor=0),
        ),
    )
    choice = choose_robust(tiny.network, tiny.book, tiny.design, PARAMS, [outage], nominal=nominal)
    keeping = {c.design_id for c in choice.candidates if site in dict(c.lines)}
    assert keeping
    runs = {(e.design_id, e.scenario): e for e in choice.evaluations}
    for d in keeping:
        hit, base = runs[(d, "outage")], runs[(d, "baseline")]
        assert hit.result.plan is not None
        assert all(p.manufacturing_site != site for p in hit.result.plan.served)
        assert check(hit.result.plan, hit.result.network, hit.book) == []
        assert hit.result.objective >= base.result.objective - 1e-6


@pytest.fixture(scope="module")
def design_dir(tiny: Instance, nominal, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`logistics design --pareto 3 --scenarios ... --robust worst` on the tiny instance."""
    folder = tmp_path_factory.mktemp("design-cli")
    spec = folder / "cut.toml"
    spec.write_text(
        f'name = "cut"\n[[disruption]]\nkind = "close_lanes"\n'
        f'touching_sites = ["{_busiest(nominal)}"]\n',
        encoding="utf-8",
    )
    out = folder / "out"
    args = ["design", "--network", str(tiny.bundle), "--orders", str(tiny.orders)]
    args += ["--out", str(out), "--workers", "1", "--pareto", "3"]
    args += ["--scenarios", str(spec), "--robust", "worst"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return out


def test_design_folder_has_report_and_robust_in_manifest(design_dir: Path) -> None:
    """report.html and robust.csv are written and listed in manifest.json with their
    hashes; summary.json names the chosen design, it is flagged in robust.csv and the
    report shows it."""
    listed = {e.path: e.sha256 for e in read_manifest(design_dir).files}
    for name in ("report.html", "robust.csv", "pareto.csv", "scenarios.csv", "summary.json"):
        assert listed[name] == hashlib.sha256((design_dir / name).read_bytes()).hexdigest()
    robust = json.loads((design_dir / "summary.json").read_text())["robust"]
    rows = (design_dir / "robust.csv").read_text().splitlines()
    flagged = {r.split(",")[0] for r in rows[1:] if r.endswith(",true")}
    assert flagged == {robust["chosen"]}
    assert robust["chosen"] != robust["nominal"]
    assert "not every design" in robust["optimal_over"]
    html = (design_dir / "report.html").read_text()
    assert "Robust choice" in html and robust["why"] in html
    assert html.count("<script>") == 2  # plotly.js inlined once, plus the drawing script


def test_report_command_rebuilds_a_design_report(design_dir: Path, tmp_path: Path) -> None:
    """`logistics report DESIGN_DIR` rebuilds report.html of a design folder from its
    files alone: the same page, and the folder still matches its manifest."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(design_dir, copy)
    before = (copy / "report.html").read_bytes()
    (copy / "report.html").unlink()
    res = runner.invoke(app, ["report", str(copy)])
    assert res.exit_code == 2  # the folder no longer matches its manifest
    shutil.rmtree(copy)
    shutil.copytree(design_dir, copy)
    res = runner.invoke(app, ["report", str(copy)])
    assert res.exit_code == 0, res.output
    assert (copy / "report.html").read_bytes() == before
    verify_folder(copy)


def test_robust_needs_scenarios_and_a_criterion(tiny: Instance, tmp_path: Path) -> None:
    """--robust without --scenarios, or with an unknown criterion, exits 2 naming the
    option, before any output is written."""
    base = ["design", "--network", str(tiny.bundle), "--orders", str(tiny.orders)]
    base += ["--out", str(tmp_path / "out")]
    res = runner.invoke(app, [*base, "--robust", "worst"])
    assert res.exit_code == 2 and "--robust" in res.output and "--scenarios" in res.output
    res = runner.invoke(app, [*base, "--robust", "best", "--scenarios", str(tiny.orders)])
    assert res.exit_code == 2 and "worst or mean" in res.output
    assert not (tmp_path / "out").exists()
