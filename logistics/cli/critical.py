"""logistics critical: the single failures that matter for tonight's plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from logistics.cli.common import (
    ConfigOption,
    DaskAddressOption,
    DaskLocalOption,
    NetworkOption,
    OrdersOption,
    PoolOption,
    SampleOption,
    SweepSeedOption,
    TimeLimitOption,
    app,
    err,
    guarded,
    one_backend,
    progress_bar,
    quiet_dask,
    sweep_params,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import read_network, read_orders


@app.command()
@guarded
def critical(
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    plan_dir: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="Tonight's plan folder (default: plan first, as `logistics scenarios run` "
            "plans its baseline; written to OUT/plan).",
        ),
    ] = None,
    window_days: Annotated[
        float,
        typer.Option("--window-days", min=0.01, help="Days each element is closed."),
    ] = 7.0,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows written and shown.")] = 20,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write (default: critical/critical-<UTC time>)."),
    ] = None,
    replan: Annotated[
        int,
        typer.Option(
            "--replan",
            min=0,
            help="How many elements, the first by patients breaking, are re-planned to "
            "give 'unserved after re-plan': the orders the re-plan of the disrupted "
            "inputs (the whole book, from tonight's plan, as `logistics scenarios run` "
            "re-plans) leaves unserved beyond tonight's unserved.",
        ),
    ] = 2,
    samples: SampleOption = 500,
    workers: PoolOption = 2,
    time_limit: TimeLimitOption = None,
    seed: SweepSeedOption = 0,
    dask_address: DaskAddressOption = None,
    dask_local: DaskLocalOption = None,
    config: ConfigOption = None,
) -> None:
    """Rank the lanes, road zone pairs, airports, crossings, hubs and plants whose
    failure for a window hurts tonight's plan most.

    Structure first (which centres lose their only route), then each candidate closed
    as a scenario through the sweep's impact simulation of tonight's plan; writes
    critical.csv, critical.geojson, structure.csv and one scenario file per row, which
    `logistics scenarios run FILE --seed S --samples N` reproduces.
    """
    from logistics.analysis.critical import find_critical
    from logistics.io.critical import reproduce_command, write_critical
    from logistics.io.folders import check_out, output_folder, write_manifest
    from logistics.io.nightly import write_plan_files
    from logistics.io.plan import read_plan
    from logistics.scenarios.executor import SweepError

    one_backend(dask_address, dask_local)
    network = read_network(network_dir)
    book = read_orders(orders, network)
    tonight = read_plan(plan_dir)[0] if plan_dir is not None else None
    if tonight is not None:
        known = {o.order_id for o in book.orders}
        missing = [p.order_id for p in tonight.orders if p.order_id not in known]
        if missing:
            raise InputError(
                [
                    Issue(
                        str(plan_dir),
                        None,
                        "order_id",
                        "a plan of this order book",
                        f"{missing[0]} is not in the book ({len(missing)} such orders)",
                    )
                ]
            )
    params = sweep_params(config, time_limit, seed)  # as `logistics scenarios run`
    quiet_dask(dask_address, dask_local)
    out_dir = out_dir or Path("critical") / datetime.now(UTC).strftime("critical-%Y%m%d-%H%M%S")
    read = (network.source, book.source, plan_dir, config)
    check_out(out_dir, read)  # before any work
    with progress_bar("starting") as stage:
        try:
            result = find_critical(
                network,
                book,
                params,
                tonight,
                window_days=window_days,
                samples=samples,
                seed=seed,
                replan=replan,
                workers=workers,
                dask_address=dask_address,
                dask_local=dask_local,
                progress=stage,
            )
        except SweepError as exc:
            err.print(f"[red]critical failed:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from None
    with output_folder(out_dir, inputs=read) as staged:
        if result.baseline is not None:
            (staged / "plan").mkdir()
            write_plan_files(result.baseline.nightly(), staged / "plan", network)
            write_manifest(staged / "plan")
        write_critical(result, network, staged, top)
    folder = Path(out_dir)
    _table(result, folder, top)
    command = reproduce_command(result.settings).replace("FILE", f"{folder}/<scenario_file>")
    err.print(f"a row's figures again: {command}", markup=False, highlight=False)


def _table(result, folder: Path, top: int) -> None:
    s = result.structure
    table = Table(
        title=f"Critical elements written to {folder} ({result.wall_s:.0f} s; closed "
        f"{result.start:%Y-%m-%d %H:%M}Z - {result.end:%Y-%m-%d %H:%M}Z)",
        caption=f"{len(result.rows)} elements closed one at a time; "
        f"{len(s.bridges())} lanes or road zone pairs and {len(s.articulation_points())} "
        "sites alone cut some centre off (cut off); breaking: tonight's orders whose "
        "breach probability rises above 0.5; displaced: slots lost; unserved: after "
        "re-planning (- when not re-planned); hours: vein-to-vein added.",
    )
    for title in ("#", "element", "kind", "cut off", "exposed", "breaking", "displaced"):
        table.add_column(title, justify="left" if title in ("element", "kind") else "right")
    table.add_column("unserved", justify="right")
    table.add_column("hours", justify="right")
    for rank, r in enumerate(result.rows[:top], start=1):
        table.add_row(
            str(rank),
            r.element.element_id,
            str(r.element.kind),
            str(len(r.centres_cut_off)),
            str(r.orders_exposed),
            str(r.orders_breaking),
            str(r.orders_displaced),
            "-" if r.unserved_after_replan is None else str(r.unserved_after_replan),
            f"{r.delta_v2v_h:,.1f}",
        )
    wide().print(table)
    for reach in s.unreachable():
        err.print(
            f"warning: {reach.centre} reaches no licensed plant of {reach.therapy} "
            f"({reach.direction})",
            highlight=False,
        )
