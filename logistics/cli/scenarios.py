"""logistics scenarios run and logistics simulate: disruptions and Monte Carlo."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from logistics.cli.common import (
    ConfigOption,
    DaskAddressOption,
    DaskLocalOption,
    NetworkOption,
    OrdersOption,
    PoolOption,
    RecordedNetworkOption,
    RecordedOrdersOption,
    SampleOption,
    SweepSeedOption,
    TimeLimitOption,
    app,
    check_counts,
    err,
    guarded,
    num,
    one_backend,
    out,
    progress_bar,
    quiet_dask,
    sweep_cell,
    sweep_params,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import default_bundle, default_orders, read_network, read_orders
from logistics.io.folders import check_out

scenarios_app = typer.Typer(
    no_args_is_help=True,
    help="Scenario sweeps: what each disruption does to tonight's plan, and the re-plan.",
)
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.command("run")
@guarded
def scenarios_run(
    specs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="SPEC.toml...",
            help="Scenario files (default: the packaged examples of config/scenarios).",
            show_default=False,
        ),
    ] = None,
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write (default: a new sweeps/sweep-<UTC time> folder); an "
            "earlier sweep folder there is replaced whole.",
        ),
    ] = None,
    samples: SampleOption = 500,
    workers: PoolOption = 2,
    time_limit: TimeLimitOption = None,
    seed: SweepSeedOption = 0,
    dask_address: DaskAddressOption = None,
    dask_local: DaskLocalOption = None,
    config: ConfigOption = None,
) -> None:
    """Solve and simulate the baseline, then each scenario's impact and re-plan.

    Writes comparison.csv, impact.csv and a plan folder per scenario (plans/).
    """
    from logistics.scenarios import example_scenarios, read_scenario
    from logistics.scenarios.sweep import SweepError, run_sweep

    check_counts(samples=samples, dask_local=dask_local)
    one_backend(dask_address, dask_local)
    out_dir = out_dir or Path("sweeps") / datetime.now(UTC).strftime("sweep-%Y%m%d-%H%M%S")
    spec_files = list(specs or example_scenarios())
    inputs = (network_dir or default_bundle(), orders or default_orders(), config, *spec_files)
    check_out(out_dir, inputs)  # refused before the sweep, not after it
    network = read_network(network_dir)
    book = read_orders(orders, network)
    issues: list[Issue] = []
    scenarios = []
    for path in spec_files:
        try:
            scenarios.append(read_scenario(path, network))
        except InputError as exc:
            issues += exc.issues
    if issues:
        raise InputError(issues)
    params = sweep_params(config, time_limit, seed)
    quiet_dask(dask_address, dask_local)
    with progress_bar("starting the workers") as stage:
        try:
            sweep = run_sweep(
                scenarios,
                network,
                book,
                params,
                samples=samples,
                seed=seed,
                workers=workers,
                dask_address=dask_address,
                dask_local=dask_local,
                progress=stage,
            )
        except SweepError as exc:
            err.print(f"[red]sweep failed:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from None
        stage.say(f"writing {out_dir}")
        sweep.write(out_dir, inputs=inputs)
    _sweep_table(sweep.rows(), out_dir, sweep.wall_s, sweep.backend)


def _sweep_table(rows: list[dict[str, Any]], out_dir: Path, wall_s: float, backend: str) -> None:
    table = Table(
        title=f"Sweep written to {out_dir} ({wall_s:.0f} s, {backend})",
        caption="Re-plan: the disrupted inputs solved again. Impact: tonight's plan kept as "
        "it is. Hours are simulated vein-to-vein; breaches and dropouts are expected "
        "numbers of orders; breaking: orders with p_breach > 0.5; displaced: orders whose "
        "capacity the scenario cuts.",
    )
    columns = (
        ("scenario", "scenario"),
        ("served", "served"),
        ("unserved", "un-\nserved"),
        ("v2v_median_h", "v2v\nmed h"),
        ("v2v_p90_h", "v2v\np90 h"),
        ("cost_eur", "cost\nEUR"),
        ("expected_breaches", "brea-\nches"),
        ("expected_dropouts", "drop-\nouts"),
        ("impact_unserved", "impact\nunserved"),
        ("impact_v2v_p90_h", "impact\np90 h"),
        ("impact_expected_breaches", "impact\nbreaches"),
        ("impact_orders_breaking", "impact\nbreaking"),
        ("impact_orders_displaced", "impact\ndisplaced"),
        ("status", "status"),
    )
    for key, title in columns:
        if key == "scenario":
            table.add_column(title, overflow="fold", min_width=10)
        else:
            table.add_column(title, justify="left" if key == "status" else "right")
    for row in rows:
        table.add_row(*(sweep_cell(row.get(key), key) for key, _ in columns))
    wide().print(table)


@app.command("simulate")
@guarded
def simulate_plan(
    plan_dir: Annotated[Path, typer.Argument(help="A plan folder written by `logistics plan`.")],
    samples: Annotated[int, typer.Option("--samples", min=1, help="Monte Carlo samples.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 0,
    network_dir: RecordedNetworkOption = None,
    orders: RecordedOrdersOption = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Simulate under this scenario (default: the one recorded in summary.json "
            "by a sweep, if any).",
        ),
    ] = None,
) -> None:
    """Monte Carlo of a written plan: breach, dropout and lateness risk per order.

    Replaces the plan folder by one with risk.csv, p_breach set in its orders.csv and
    the simulation in summary.json (refused when the folder does not match its
    manifest.json).
    """
    from logistics.io.manifest import manifest_sha256
    from logistics.io.plan import read_plan
    from logistics.io.simulation import RISK_FILE, risk_rows, write_risk
    from logistics.risk import simulate
    from logistics.scenarios import apply, read_scenario

    check_counts(samples=samples)
    manifest = manifest_sha256(plan_dir)
    plan_, summary = read_plan(plan_dir)
    settings = summary.get("settings", {})
    network_path = network_dir or settings.get("network")
    orders_path = orders or settings.get("orders")
    spec = scenario or settings.get("scenario_file")
    inputs = (network_path or default_bundle(), orders_path or default_orders(), spec)
    check_out(plan_dir, inputs)
    network = read_network(network_path)
    book = read_orders(orders_path, network)
    if spec:
        network, book = apply(read_scenario(spec, network), network, book)
    try:
        sim = simulate(plan_, network, book, samples=samples, seed=seed)
    except ValueError as exc:  # the plan names lanes or orders the inputs do not have
        raise InputError(
            [Issue(str(plan_dir), None, None, "a plan of this network and order book", str(exc))]
        ) from None
    write_risk(plan_dir, plan_, sim, inputs=inputs, manifest=manifest, network=network)
    k = sim.kpis()
    table = Table(title=f"Monte Carlo of {plan_dir} ({samples} samples, seed {seed})")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("orders simulated (served)", str(k["orders"]))
    table.add_row(
        "vein-to-vein median / p90", f"{num(k['v2v_median_h'])} h / {num(k['v2v_p90_h'])} h"
    )
    for name in ("breaches", "dropouts", "late"):
        table.add_row(
            f"expected {name}",
            f"{k[f'expected_{name}']:.2f} ± {k[f'expected_{name}_se']:.2f}",
        )
    if spec:
        table.add_row("scenario", str(spec))
    if k.get("stranded"):
        table.add_row("stranded shipments (never delivered)", str(k["stranded"]))
    out.print(table)
    rows = [r for r in risk_rows(plan_, sim) if r["p_breach"] is not None]
    rows.sort(key=lambda r: (-r["p_breach"], -(r["p_dropout"] or 0.0), r["order_id"]))
    risky = Table(title="The 10 riskiest orders")
    for col in (
        "order",
        "centre",
        "site",
        "p_breach",
        "p_inbound",
        "p_hold",
        "p_late",
        "p_dropout",
        "v2v med h",
        "v2v p90 h",
    ):
        ids = col in ("order", "centre", "site")
        risky.add_column(col, justify="left" if ids else "right", overflow="fold")
    for r in rows[:10]:
        risky.add_row(
            r["order_id"],
            r["treatment_centre"],
            r["manufacturing_site"],
            *(f"{r[c]:.3f}" for c in ("p_breach", "p_inbound", "p_hold", "p_late", "p_dropout")),
            sweep_cell(r["v2v_median_h"], "v2v"),
            sweep_cell(r["v2v_p90_h"], "v2v"),
        )
    wide().print(risky)
    err.print(f"wrote {Path(plan_dir) / RISK_FILE}; p_breach set in orders.csv and summary.json")
