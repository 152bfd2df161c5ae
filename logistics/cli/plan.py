"""logistics plan and logistics check: the nightly plan and its audit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.attention import attention_table
from logistics.cli.common import (
    ConfigOption,
    NetworkOption,
    OrdersOption,
    RecordedNetworkOption,
    RecordedOrdersOption,
    SolverSeedOption,
    SolverWorkersOption,
    TimeLimitOption,
    app,
    check_counts,
    err,
    guarded,
    out,
    progress_bar,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import default_bundle, default_orders, read_network, read_orders
from logistics.io.folders import check_out
from logistics.solve.params import Engine


@app.command()
@guarded
def plan(
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Plan folder to write (default: a new plans/plan-<time> folder); an "
            "earlier plan folder there is replaced whole.",
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    seed: SolverSeedOption = None,
    workers: SolverWorkersOption = None,
    quantile: Annotated[
        float | None,
        typer.Option(
            "--quantile",
            help="Planning quantile of durations and clearance, between 0 and 1 "
            "(default: nominal: duration_h and clearance_median_h).",
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", help="Previous plan folder: stability term and hints (default: none)."
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="Solver engine (auto: HiGHS, then CP-SAT when HiGHS stops short of a proof).",
        ),
    ] = Engine.AUTO,
    config: ConfigOption = None,
    max_breach: Annotated[
        float | None,
        typer.Option(
            "--max-breach",
            help="Cap on a candidate's breach probability, between 0 and 1 (default: no cap).",
        ),
    ] = None,
    risk_samples: Annotated[
        int | None,
        typer.Option(
            "--risk-samples",
            min=0,
            help="Monte Carlo draws per candidate for the risk term (0: the p90 stress test) "
            "(default: 0; 64 with --max-breach).",
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=0, help="Monte Carlo draws for p_breach of the plan.")
    ] = 500,
    fallback: Annotated[
        int, typer.Option("--fallbacks", min=0, help="Plan B itineraries per shipment.")
    ] = 1,
) -> None:
    """Plan every order: apheresis, site and slot, itineraries, delivery."""
    from logistics.io.nightly import write_plan
    from logistics.io.plan import read_plan
    from logistics.pipeline import plan as nightly_plan
    from logistics.solve import load_params

    check_counts(samples=samples, fallbacks=fallback, risk_samples=risk_samples)
    for name, value in (("--quantile", quantile), ("--max-breach", max_breach)):
        if value is not None and not 0 < value < 1:
            raise InputError(
                [Issue("command line", None, name, "a number between 0 and 1", str(value))]
            )
    out_dir = out_dir or Path("plans") / datetime.now(UTC).strftime("plan-%Y%m%d-%H%M%S")
    inputs = (
        network_dir or default_bundle(),
        orders or default_orders(),
        previous,
        config,
    )
    check_out(out_dir, inputs)  # refused before the solve, not after it
    network = read_network(network_dir)
    book = read_orders(orders, network)
    before = read_plan(previous)[0] if previous is not None else None
    params = load_params(
        config,
        time_limit_s=time_limit,
        seed=seed,
        workers=workers,
        quantile=quantile,
        max_breach=max_breach,
        risk_samples=risk_samples,
    )
    with progress_bar("reading inputs") as stage:

        def improved(objective: float, bound: float, seconds: float) -> None:
            gap = abs(objective - bound) / max(1.0, abs(objective))
            stage.say(
                f"solving: objective {objective:,.0f}, bound {bound:,.0f}, gap {gap:.3%}, "
                f"{seconds:.1f} s"
            )

        nightly = nightly_plan(
            network,
            book,
            params,
            previous=before,
            engine=engine,
            samples=samples,
            fallbacks=fallback,
            progress=stage,
            on_improve=improved,
        )
    write_plan(nightly, out_dir, network, inputs=inputs)
    for v in nightly.violations[:20]:
        err.print(f"checker: {v}", markup=False, highlight=False)
    result = nightly.result
    out.print(f"Plan written to {out_dir}", markup=False, highlight=False, soft_wrap=True)
    out.print(result.summary(), markup=False, highlight=False, soft_wrap=True)
    if result.plan is not None and (table := attention_table(result.plan, nightly.risk)):
        wide().print(table)
    if result.plan is None:
        err.print(f"no plan: solver status {result.status} ({result.termination})")
        raise typer.Exit(1)


@app.command()
@guarded
def check(
    plan_dir: Annotated[
        Path,
        typer.Argument(
            help="A plan folder written by `logistics plan`, or a design folder written by "
            "`logistics design` (its plan/, on its network/)."
        ),
    ],
    network_dir: RecordedNetworkOption = None,
    orders: RecordedOrdersOption = None,
) -> None:
    """Audit a plan against every rule of the contract; exit 1 when it breaks any."""
    from logistics.check import check as check_plan
    from logistics.io.design import NETWORK_DIR, PLAN_DIR
    from logistics.io.plan import ORDERS_FILE, read_plan

    if not (plan_dir / ORDERS_FILE).exists() and (plan_dir / PLAN_DIR / ORDERS_FILE).exists():
        # a design folder: its plan on its designed bundle, wherever the folder now is
        network_dir = network_dir or plan_dir / NETWORK_DIR
        plan_dir = plan_dir / PLAN_DIR
    plan_, summary = read_plan(plan_dir)
    settings = summary.get("settings", {})
    network = read_network(network_dir or settings.get("network"))
    book = read_orders(orders or settings.get("orders"), network)
    violations = check_plan(plan_, network, book, settings.get("quantile"))
    for v in violations:
        out.print(str(v), markup=False, highlight=False, soft_wrap=True)
    if violations:
        out.print(f"FAIL: {len(violations)} violation(s) in {plan_dir}", markup=False)
        raise typer.Exit(1)
    out.print(f"PASS: {plan_dir}: {len(plan_.orders)} orders, no violation", markup=False)
