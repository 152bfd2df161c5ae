"""``logistics design``: which sites to open, how many lines, which centres each serves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from logistics.cli.common import (
    ConfigOption,
    NetworkOption,
    OrdersOption,
    SolverWorkersOption,
    TimeLimitOption,
    app,
    guarded,
    num,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import read_network, read_orders


@app.command()
@guarded
def design(
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for design.csv, allocation.csv, summary.json, the report, network/ "
            "(the bundle with the design's capacity) and plan/ (its schedules).",
        ),
    ] = Path("design"),
    max_open: Annotated[
        int | None,
        typer.Option(
            "--max-open",
            min=0,
            help="Open at most this many design sites (default: network.toml [design] max_open, "
            "else no limit).",
        ),
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="weighted (the solver's weights plus fixed and batch costs) or cost "
            "(euros only, every patient within the vein-to-vein cap).",
        ),
    ] = "weighted",
    pareto: Annotated[
        int | None,
        typer.Option(
            "--pareto",
            min=2,
            help="Also solve K points of cost against mean v2v (default: none).",
        ),
    ] = None,
    scenarios: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenarios",
            help="Scenario TOML files to evaluate the design under (default: none).",
        ),
    ] = None,
    robust: Annotated[
        str | None,
        typer.Option(
            "--robust",
            help="worst or mean: with --scenarios, choose among the nominal design, the "
            "pareto points' designs and each scenario's own optimal design the one with "
            "the least worst-case or mean objective over the baseline and the scenarios, "
            "and write robust.csv (default: none).",
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    workers: SolverWorkersOption = None,
    config: ConfigOption = None,
) -> None:
    """Choose the manufacturing sites to open (design.csv of the bundle) for a
    year's demand, and write the design, the allocation, a summary, the bundle with
    the design's capacity and the design's plan."""
    from logistics.design.analysis import pareto_results, under_scenarios, write_pareto
    from logistics.design.folder import write_design_plan
    from logistics.design.robust import CRITERIA, choose_robust, read_scenarios
    from logistics.design.solve import solve_design
    from logistics.io.bundle import default_bundle
    from logistics.io.design import NETWORK_DIR, PLAN_DIR, read_design, write_design_outputs
    from logistics.io.folders import check_out, output_folder
    from logistics.report.design import write_design_report
    from logistics.solve import load_params

    if objective not in ("weighted", "cost"):
        raise InputError(
            [Issue("command line", None, "--objective", "weighted or cost", objective)]
        )
    if robust is not None and robust not in CRITERIA:
        raise InputError([Issue("command line", None, "--robust", "worst or mean", robust)])
    if robust is not None and not scenarios:
        raise InputError(
            [Issue("command line", None, "--robust", "--scenarios SPEC.toml as well", "none")]
        )
    network = read_network(network_dir)
    folder = Path(network_dir) if network_dir is not None else default_bundle()
    book = read_orders(orders, network)
    found = read_design(folder, network)
    if found is None:
        raise InputError(
            [
                Issue(
                    str(folder / "design.csv"),
                    None,
                    None,
                    "a design.csv in the bundle",
                    "no such file",
                )
            ]
        )
    if max_open is not None:
        if max_open < len(found.settings.must_open):
            raise InputError(
                [
                    Issue(
                        "command line",
                        None,
                        "--max-open",
                        f"at least the {len(found.settings.must_open)} sites of must_open",
                        str(max_open),
                    )
                ]
            )
        found = found.with_settings(max_open=max_open)
    params = load_params(config, time_limit_s=time_limit, workers=workers)
    read = (folder, book.source, config, *(scenarios or ()))
    check_out(out_dir, read)  # before any work
    specs = read_scenarios(scenarios or (), network)  # bad files before any work too
    result = solve_design(network, book, found, params, objective=objective)
    table = Table(title=f"design: {result.status}, gap {_pct(result.gap)}")
    for column in ("site", "status", "open", "lines", "batches", "booked"):
        table.add_column(column)
    for d in found.sites:
        lines = result.lines.get(d.site_id)
        table.add_row(
            d.site_id,
            d.status,
            "yes" if lines is not None else "no",
            str(lines or 0),
            str(result.batches.get(d.site_id, 0)),
            str(result.booked.get(d.site_id, 0)),
        )
    wide().print(table)
    costs = result.costs_eur
    served = len(result.plan.served) if result.plan is not None else 0
    wide().print(
        f"total cost {num(costs.get('total'))} EUR (fixed {num(costs.get('fixed'))}, "
        f"batch {num(costs.get('batch'))}, transport {num(costs.get('transport'))}); "
        f"served {served} of {len(book)}; bound {num(result.bound)} over every schedule "
        f"within the cap and every design; {result.wall_s:.1f} s"
    )
    points = pareto_results(network, book, found, params, pareto) if pareto else []
    choice = None
    if robust is not None:
        others = [(f"pareto {i}", r) for i, (_, r) in enumerate(points, start=1)]
        choice = choose_robust(
            network, book, found, params, specs, nominal=result, others=others, criterion=robust
        )
        wide().print(f"robust ({robust}): {choice.why()}")
    with output_folder(out_dir, inputs=read) as staged:
        write_design_outputs(result, staged, robust=choice)
        broken = write_design_plan(result, folder, network, book, params, staged, Path(out_dir))
        if points:
            path = write_pareto(points, staged)
            wide().print(f"pareto: {out_dir / path.name}")
        if scenarios:
            path = under_scenarios(result, network, book, params, scenarios, staged)
            wide().print(f"scenarios: {out_dir / path.name}")
        write_design_report(staged)
    wide().print(
        f"written to {out_dir}; the plan in {out_dir / PLAN_DIR} (checker: {broken} "
        f"violations), on the designed bundle {out_dir / NETWORK_DIR}"
    )
    if result.plan is None:
        raise typer.Exit(1)


def _pct(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.3f} %"
