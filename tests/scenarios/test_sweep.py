"""Scenario sweeps on the tiny bundle: a neutral scenario is the baseline, a closure
never helps, the process pool and a Dask LocalCluster agree, dead workers are retried,
failures name their scenario, and the CLI writes the comparison."""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

import logistics as lg
from logistics.cli import app
from logistics.io.manifest import read_manifest, verify_folder
from logistics.io.plan import read_plan
from logistics.io.sweep import COMPARISON_COLUMNS, IMPACT_COLUMNS
from logistics.io.write_orders import write_orders
from logistics.scenarios import Disruption, Scenario, apply
from logistics.scenarios.seeds import scenario_seed
from logistics.scenarios.sweep import SweepError, run_sweep
from logistics.solve import SolveParams
from logistics.synth import generate_orders

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
AIR = "AIR-LHR-AMS"  # the only lane from Great Britain to the continent in the bundle
# one worker and a deterministic limit: the same inputs give the same plan
PARAMS = SolveParams(workers=1, time_limit_s=20, deterministic_time_s=5, seed=0)
SAMPLES = 200
REQUIRED = (
    "scenario",
    "served",
    "unserved",
    "v2v_median_h",
    "v2v_p90_h",
    "cost_eur",
    "expected_breaches",
    "expected_dropouts",
    "impact_served",
    "impact_unserved",
    "impact_v2v_median_h",
    "impact_v2v_p90_h",
    "impact_expected_breaches",
    "impact_expected_dropouts",
    "impact_orders_breaking",
    "impact_orders_displaced",
    "status",
    "gap",
    "checker_violations",
    "wall_s",
    "scenario_sha256",
)
NEUTRAL = Scenario(
    name="neutral delay", disruptions=(Disruption(kind="lane_delay", modes=("air",), factor=1.0),)
)
CLOSED = Scenario(name="air closed", disruptions=(Disruption(kind="close_lanes", lanes=(AIR,)),))
SURGE = Scenario(name="surge", disruptions=(Disruption(kind="demand", factor=1.5, seed=3),))
OUTAGE = Scenario(
    name="plant outage",
    start=datetime(2026, 12, 14, tzinfo=UTC),
    end=datetime(2026, 12, 21, tzinfo=UTC),
    disruptions=(
        Disruption(kind="site_capacity", sites=("MFG-LEI",), resource="manufacturing", factor=0),
    ),
)
ALL = [NEUTRAL, CLOSED, SURGE, OUTAGE]


@pytest.fixture(scope="module")
def inputs() -> tuple[lg.Network, lg.OrderBook]:
    """The tiny bundle and six generated orders. Seed 3 rather than 1: with seed 1 the
    only London order is unserved tonight (manufacturing is full), so closing the air
    lane would change nothing; with seed 3 two London orders fly AIR-LHR-AMS."""
    net = lg.read_network(TINY)
    return net, generate_orders(net, 6, date(2026, 12, 7), 10, seed=3)


@pytest.fixture(scope="module")
def pool_sweep(inputs, tmp_path_factory):
    """One sweep of the three scenarios on a process pool of two workers, written out."""
    net, book = inputs
    out = tmp_path_factory.mktemp("sweep")
    sweep = run_sweep(ALL, net, book, PARAMS, samples=SAMPLES, workers=2, out_dir=out)
    return sweep, out


def comparable(rows: list[dict]) -> list[dict]:
    """Rows without wall_s, the one column that varies from run to run."""
    return [{k: v for k, v in row.items() if k != "wall_s"} for row in rows]


def rows_by_name(sweep) -> dict[str, dict]:
    return {row["scenario"]: row for row in sweep.rows()}


def lanes_of(p) -> set[str]:
    return {leg.lane_id for it in (p.inbound, p.outbound) if it for leg in it.legs}


def test_neutral_scenario_equals_baseline(pool_sweep) -> None:
    """A lane_delay with factor 1 adds no window (the spec's rule), so its row equals
    the baseline's in every column but the name, wall time and plan folder: the same
    plan, and on common random numbers the same simulated figures to the last digit."""
    sweep, _ = pool_sweep
    rows = rows_by_name(sweep)
    ignore = {"scenario", "wall_s", "plan_dir"}
    base = {k: v for k, v in rows["baseline"].items() if k not in ignore}
    neutral = {k: v for k, v in rows[NEUTRAL.name].items() if k not in ignore}
    assert neutral == base
    assert rows["baseline"]["served"] > 0
    assert sweep.scenarios[0].replanned.result.plan == sweep.baseline.replanned.result.plan


def test_closing_the_only_air_lane_never_helps(pool_sweep) -> None:
    """Closing AIR-LHR-AMS: tonight's plan keeps every order but the ones flying it
    break (impact breaches up, no order served more); the re-plan serves no more orders
    and moves every order off the lane or leaves it unserved. Unserved patients count at
    least as much as breaches, so breaches plus unserved never go down either."""
    sweep, _ = pool_sweep
    rows = rows_by_name(sweep)
    base, closed = rows["baseline"], rows[CLOSED.name]
    tonight = sweep.baseline.replanned.result.plan
    flew = [p for p in tonight.served if AIR in lanes_of(p)]
    assert flew, "tonight's plan must use the lane for this test to mean anything"

    assert closed["impact_served"] == base["served"]
    assert closed["impact_expected_breaches"] >= base["expected_breaches"] + len(flew) - 1e-9
    assert closed["impact_orders_breaking"] >= len(flew)
    assert closed["served"] <= base["served"]
    assert closed["unserved"] >= base["unserved"]
    assert closed["expected_breaches"] + closed["unserved"] >= (
        base["expected_breaches"] + base["unserved"]
    )
    outcome = next(o for o in sweep.scenarios if o.name == CLOSED.name)
    replanned = outcome.replanned.result.plan.by_id()
    for p in flew:
        q = replanned[p.order_id]
        assert not q.served or AIR not in lanes_of(q)
    assert all(AIR not in lanes_of(q) for q in replanned.values())


def test_demand_surge_orders_are_unserved_in_impact(pool_sweep) -> None:
    """Orders a demand surge adds are not in tonight's plan: unserved in the impact
    columns (and impact.csv), while the re-plan may serve them."""
    sweep, _ = pool_sweep
    rows = rows_by_name(sweep)
    outcome = next(o for o in sweep.scenarios if o.name == SURGE.name)
    added = outcome.impact.added
    assert added and all("-D" in order_id for order_id in added)
    assert rows[SURGE.name]["impact_unserved"] == rows["baseline"]["unserved"] + len(added)
    assert rows[SURGE.name]["orders"] == rows["baseline"]["orders"] + len(added)
    impact = [r for r in sweep.impact_rows() if r["scenario"] == SURGE.name]
    assert {r["order_id"] for r in impact if r["status"] == "added"} == set(added)


def test_plant_outage_displaces_tonights_batches(pool_sweep) -> None:
    """A manufacturing outage: the simulation replays lanes, not slots, so tonight's
    batches in the outage are counted as displaced (unserved in the impact, with the
    cut capacity as reason); the re-plan serves no more orders than tonight's plan."""
    sweep, _ = pool_sweep
    rows = rows_by_name(sweep)
    base, out = rows["baseline"], rows[OUTAGE.name]
    assert base["impact_orders_displaced"] == 0
    assert out["impact_orders_displaced"] > 0
    assert out["impact_served"] == base["served"] - out["impact_orders_displaced"]
    assert out["served"] <= base["served"]
    outcome = next(o for o in sweep.scenarios if o.name == OUTAGE.name)
    reasons = [
        p.reason for p in outcome.impact.plan.orders if p.order_id in outcome.impact.displaced
    ]
    assert all("manufacturing slots at MFG-LEI on 2026-12-" in r for r in reasons)
    impact = [r for r in sweep.impact_rows() if r["scenario"] == OUTAGE.name]
    assert {r["order_id"] for r in impact if r["displaced"]} == set(outcome.impact.displaced)


def test_files_are_written(pool_sweep) -> None:
    """comparison.csv (required columns, baseline first, one row per scenario),
    impact.csv and a readable plan folder per scenario with p_breach on served orders;
    the sweep folder matches its manifest.json, which lists each plan folder (each
    with a manifest of its own)."""
    sweep, out = pool_sweep
    verify_folder(out)
    assert set(read_manifest(out).folders) == {f"plans/{o.slug}" for o in sweep.outcomes}
    with (out / "comparison.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert set(REQUIRED) <= set(reader.fieldnames or ())
    assert tuple(reader.fieldnames or ()) == COMPARISON_COLUMNS
    assert [r["scenario"] for r in rows] == ["baseline", *(s.name for s in ALL)]
    with (out / "impact.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        impact = list(reader)
    assert tuple(reader.fieldnames or ()) == IMPACT_COLUMNS
    broken = [r for r in impact if r["scenario"] == CLOSED.name and r["breaks"] == "true"]
    assert broken and all(float(r["p_breach_disrupted"]) > 0.5 for r in broken)
    for o in sweep.outcomes:
        plan, summary = read_plan(out / "plans" / o.slug)
        assert summary["settings"]["scenario"] == o.name
        assert all(p.p_breach is not None for p in plan.served)
    assert (out / "sweep.json").is_file()


def test_replans_are_the_nightly_plan(inputs, pool_sweep) -> None:
    """Every re-plan is what lg.plan gives for the scenario's inputs (the plan command's
    job): the same plan, Plan B and checker findings; comparison.csv counts those
    findings and each plan folder carries Plan B in fallbacks.csv."""
    net, book = inputs
    sweep, out = pool_sweep
    rows = rows_by_name(sweep)
    for o in sweep.outcomes:
        disrupted_net, disrupted_book = apply(o.scenario, net, book)
        previous = None if o is sweep.baseline else sweep.baseline.replanned.result.plan
        nightly = lg.plan(
            disrupted_net,
            disrupted_book,
            PARAMS,
            previous=previous,
            engine="cp-sat",
            samples=SAMPLES,
            risk_seed=o.seed,
        )
        assert o.replanned.result.plan == nightly.plan
        assert dict(o.replanned.fallbacks) == dict(nightly.fallbacks)
        assert o.replanned.violations == nightly.violations
        assert rows[o.name]["checker_violations"] == len(nightly.violations)
        assert (out / "plans" / o.slug / "fallbacks.csv").is_file()


def test_dask_local_cluster_gives_the_same_rows(inputs, pool_sweep) -> None:
    """A real dask.distributed LocalCluster (two worker processes) gives the same
    comparison rows as the process pool."""
    pytest.importorskip("distributed")
    net, book = inputs
    sweep, _ = pool_sweep
    dask = run_sweep(ALL, net, book, PARAMS, samples=SAMPLES, dask_local=2)
    assert dask.backend == "dask"
    assert comparable(dask.rows()) == comparable(sweep.rows())
    assert dask.impact_rows() == sweep.impact_rows()


def die_once(marker: Path, fn, *args):
    """Task wrapper: the first re-plan of the closed scenario kills its worker process
    (os._exit, as a segfault or the OOM killer would); later attempts run normally."""
    if fn.__name__ == "replan_task" and args[0].name == CLOSED.name and not marker.exists():
        marker.touch()
        os._exit(1)
    return fn(*args)


def die_always(fn, *args):
    """Task wrapper: the re-plan of the closed scenario kills its worker every time."""
    if fn.__name__ == "replan_task" and args[0].name == CLOSED.name:
        os._exit(1)
    return fn(*args)


def fail(fn, *args):
    """Task wrapper: the impact of the closed scenario raises."""
    if fn.__name__ == "impact_task" and args[0].name == CLOSED.name:
        raise RuntimeError("simulated fault")
    return fn(*args)


def test_killed_worker_is_retried(inputs, pool_sweep, tmp_path) -> None:
    """A worker killed mid-task breaks the process pool; the pool is rebuilt, the
    task runs again and the sweep completes with the same rows as an undisturbed one."""
    net, book = inputs
    sweep, _ = pool_sweep
    marker = tmp_path / "died"
    again = run_sweep(
        [CLOSED],
        net,
        book,
        PARAMS,
        samples=SAMPLES,
        workers=2,
        task_wrapper=partial(die_once, marker),
    )
    assert marker.exists()
    expected = [r for r in comparable(sweep.rows()) if r["scenario"] in ("baseline", CLOSED.name)]
    assert comparable(again.rows()) == expected


def test_worker_dying_every_time_names_the_scenario(inputs) -> None:
    """A task that kills its worker on all three attempts (two retries) stops the sweep
    with a SweepError naming the scenario and the phase."""
    net, book = inputs
    with pytest.raises(SweepError, match="died 3 times") as info:
        run_sweep([CLOSED], net, book, PARAMS, samples=50, workers=2, task_wrapper=die_always)
    assert info.value.scenario == CLOSED.name
    assert info.value.phase == "re-plan"


def test_failing_task_names_the_scenario(inputs) -> None:
    """An exception in a task is not retried on the pool: the sweep raises at once, a
    SweepError naming the scenario and phase, chained to the original error."""
    net, book = inputs
    with pytest.raises(SweepError, match="simulated fault") as info:
        run_sweep([CLOSED, SURGE], net, book, PARAMS, samples=50, workers=2, task_wrapper=fail)
    assert (info.value.scenario, info.value.phase) == (CLOSED.name, "impact")
    assert isinstance(info.value.__cause__, RuntimeError)


def test_scenario_seeds_are_stable() -> None:
    """Per-scenario seeds depend only on the sweep seed and the name (SHA-256), and
    differ between names and seeds."""
    assert scenario_seed(0, "a") == scenario_seed(0, "a")
    assert len({scenario_seed(0, "a"), scenario_seed(0, "b"), scenario_seed(1, "a")}) == 3
    assert scenario_seed(0, "baseline") == 2891789467  # fixed forever: old sweeps replay


def test_duplicate_names_are_refused(inputs) -> None:
    """Two scenarios with one name, or one called baseline, are invalid input."""
    net, book = inputs
    with pytest.raises(lg.InputError, match="used once"):
        run_sweep([CLOSED, CLOSED], net, book, PARAMS)
    with pytest.raises(lg.InputError, match="baseline"):
        run_sweep([Scenario(name="baseline")], net, book, PARAMS)


@pytest.fixture()
def cli_inputs(inputs, tmp_path) -> tuple[Path, Path]:
    """orders.csv of the generated book and a scenario file closing the air lane."""
    net, book = inputs
    orders = write_orders(book, net, tmp_path / "orders.csv")
    spec = tmp_path / "air-closed.toml"
    spec.write_text(
        'name = "air closed"\n\n[[disruption]]\nkind = "close_lanes"\nlanes = ["AIR-LHR-AMS"]\n',
        encoding="utf-8",
    )
    return orders, spec


def test_cli_scenarios_run_writes_the_comparison(cli_inputs, tmp_path) -> None:
    """`logistics scenarios run SPEC --network --orders --out` exits 0, prints the table
    and writes comparison.csv with the required columns, the baseline first."""
    orders, spec = cli_inputs
    out = tmp_path / "out"
    args = ["scenarios", "run", str(spec), "--network", str(TINY), "--orders", str(orders)]
    args += ["--out", str(out), "--samples", "100", "--time-limit", "5", "--workers", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "air closed" in result.stdout
    with (out / "comparison.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert set(REQUIRED) <= set(reader.fieldnames or ())
    assert [r["scenario"] for r in rows] == ["baseline", "air closed"]
    assert rows[1]["scenario_sha256"] and rows[1]["status"] in ("OPTIMAL", "FEASIBLE")
    assert (out / "plans" / "air-closed" / "orders.csv").is_file()


def test_cli_broken_spec_exits_2(cli_inputs, tmp_path) -> None:
    """A broken scenario file: exit 2 and the problem as file:line:key, before any
    solve (the good file next to it does not hide it)."""
    orders, spec = cli_inputs
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n\n[[disruption]]\nkind = "lane_delay"\nfactor = -2\n')
    args = ["scenarios", "run", str(spec), str(bad), "--network", str(TINY)]
    args += ["--orders", str(orders), "--out", str(tmp_path / "never")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "bad.toml:5:disruption[1].factor: expected a number > 0, got '-2'" in result.output
    assert not (tmp_path / "never").exists()


def test_cli_simulate_writes_risk(pool_sweep, cli_inputs, tmp_path) -> None:
    """`logistics simulate PLAN_DIR` on a sweep's plan folder writes risk.csv (a row per
    order) and sets p_breach in orders.csv for every served order, leaving the other
    cells as they were; the re-simulated folder and the sweep around it still match
    their manifests."""
    _, out = pool_sweep
    orders, _ = cli_inputs
    sweep_dir = tmp_path / "sweep"
    shutil.copytree(out, sweep_dir)
    plan_dir = sweep_dir / "plans" / "baseline"
    before, _ = read_plan(plan_dir)
    args = ["simulate", str(plan_dir), "--samples", "100", "--network", str(TINY)]
    result = CliRunner().invoke(app, [*args, "--orders", str(orders)])
    assert result.exit_code == 0, result.output
    assert "riskiest" in result.stdout
    with (plan_dir / "risk.csv").open(encoding="utf-8") as fh:
        risk = list(csv.DictReader(fh))
    assert [r["order_id"] for r in risk] == [p.order_id for p in before.orders]
    after, summary = read_plan(plan_dir)
    assert all(p.p_breach is not None for p in after.served)
    assert [replace(p, p_breach=None) for p in after.orders] == [
        replace(p, p_breach=None) for p in before.orders
    ]
    assert summary["stats"]["risk"]["samples"] == 100
    verify_folder(sweep_dir)
    assert "risk.csv" in {e.path for e in read_manifest(plan_dir).files}


def test_unreachable_dask_address_is_a_configuration_error(tmp_path) -> None:
    """`scenarios run --dask-address` naming a scheduler that does not answer (a closed
    loopback port) or a malformed address exits 2 naming --dask-address, not 1 with an
    "internal error"."""
    import dask

    first = tmp_path / "close-air.toml"
    first.write_text(
        f'name = "air closed"\nstart = "2026-12-01T00:00:00Z"\nend = "2026-12-08T00:00:00Z"\n'
        f'[[disruption]]\nkind = "close_lanes"\nlanes = ["{AIR}"]\n',
        encoding="utf-8",
    )
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        for address in ("tcp://127.0.0.1:9", "not an address"):
            result = CliRunner().invoke(
                app,
                ["scenarios", "run", str(first), "--network", str(TINY), "--orders",
                 str(TINY / "orders.csv"), "--out", str(tmp_path / "sweep"),
                 "--dask-address", address],
            )  # fmt: skip
            assert result.exit_code == 2, result.output
            assert "--dask-address" in result.output and "internal error" not in result.output


def test_replan_plans_again_a_committed_order_whose_booking_breaks() -> None:
    """Closing the only Munich-Leiden road while committed P-0003 (Munich, booked at
    Leiden on 2026-12-01) needs it: the re-plan plans P-0003 again instead of keeping a
    booking that breaks its window, so the independent checker finds nothing; the
    order is unserved with a reason naming the missing itinerary."""
    from logistics.scenarios.replan import replan_task

    net = lg.read_network(TINY)
    book = lg.read_orders(TINY / "orders.csv", net)
    closed = Scenario(
        name="munich road closed",
        start=datetime(2026, 11, 30, tzinfo=UTC),
        end=datetime(2026, 12, 3, tzinfo=UTC),
        disruptions=(Disruption(kind="close_lanes", lanes=("RD-MUC-LEI",)),),
    )
    done = replan_task(closed, net, book, PARAMS, None, "auto", 50, 1, 0)
    assert done.violations == ()
    p3 = done.result.plan.by_id()["P-0003"]
    assert p3.status == "unserved" and "TC-MUC" in p3.reason
