"""Command line: parse -> call the library -> print -> exit code.

Exit codes: 0 done, 1 internal failure or no result, 2 invalid input.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from logistics.errors import InputError, Issue
from logistics.io import read_network, read_orders
from logistics.io.legs import LEG_COLUMNS, leg_rows, utc_text
from logistics.io.parsers import local_datetime
from logistics.io.write_orders import write_orders
from logistics.model.constants import TEMPERATURES
from logistics.model.itinerary import Itinerary
from logistics.network.explain import why_not
from logistics.network.router import Router
from logistics.synth import generate_orders

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Vein-to-vein cold-chain planning for cell and gene therapies across Europe.",
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

Bundle = Annotated[
    Path | None,
    typer.Argument(
        help="Network bundle folder (default: the embedded data/europe).", show_default=False
    ),
]


NetworkOption = Annotated[
    Path | None,
    typer.Option("--network", help="Network bundle folder (default: the embedded data/europe)."),
]
OrdersOption = Annotated[
    Path | None,
    typer.Option("--orders", help="Order book (default: the embedded examples/orders.csv)."),
]

RecordedNetworkOption = Annotated[
    Path | None,
    typer.Option("--network", help="Network bundle (default: the one recorded in summary.json)."),
]
RecordedOrdersOption = Annotated[
    Path | None,
    typer.Option("--orders", help="Order book (default: the one recorded in summary.json)."),
]


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn InputError into exit 2 and unexpected faults into exit 1, never a traceback."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for issue in exc.issues:
                err.print(str(issue), markup=False, highlight=False)
            n = len(exc.issues)
            err.print(f"[red]{n} problem{'s' if n != 1 else ''} in the input[/red]")
            raise typer.Exit(2) from None
        except typer.Exit:
            raise
        except Exception as exc:
            err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}", markup=True)
            raise typer.Exit(1) from None

    return run


@app.command()
@_guarded
def validate(
    bundle: Bundle = None,
    orders: Annotated[
        Path | None, typer.Option("--orders", help="An orders.csv to check against the bundle.")
    ] = None,
) -> None:
    """Check a network bundle (and an order book) against the data contract."""
    network = read_network(bundle)
    book = read_orders(orders, network) if orders is not None else None
    _summary(network, book)


def _summary(network, book) -> None:
    kinds = Counter(s.kind for s in network.sites.values())
    countries = Counter(s.country for s in network.sites.values())
    table = Table(title=f"Network {network.source}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("detail")
    for kind, n in sorted(kinds.items()):
        by_country = Counter(s.country for s in network.sites.values() if s.kind == kind)
        table.add_row(f"sites: {kind}", str(n), _counts(by_country))
    table.add_row("countries", str(len(countries)), " ".join(sorted(countries)))
    territories = Counter(s.territory for s in network.sites.values())
    table.add_row("customs territories", str(len(territories)), _counts(territories))
    table.add_row("customs rules", str(len(network.customs)), "")
    listed = Counter(lane.mode for lane in network.lanes if not lane.generated)
    generated = sum(lane.generated for lane in network.lanes)
    table.add_row("lanes listed", str(sum(listed.values())), _counts(listed))
    table.add_row("road legs generated", str(generated), "")
    carriers = Counter(lane.carrier for lane in network.lanes if not lane.generated)
    table.add_row("carriers", str(len(carriers)), ", ".join(sorted(carriers)))
    table.add_row("therapies", str(len(network.therapies)), ", ".join(network.therapies))
    if book is not None:
        statuses = Counter(o.status for o in book.orders)
        table.add_row("orders", str(len(book.orders)), _counts(statuses))
    out.print(table)
    out.print("[green]valid[/green]")


@app.command("make-orders")
@_guarded
def make_orders(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write orders.csv.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of orders.")] = 200,
    start: Annotated[
        str, typer.Option("--start", help="First apheresis date (ISO).")
    ] = "2026-12-07",
    days: Annotated[int, typer.Option("--days", min=1, help="Horizon in days.")] = 28,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
    network_dir: NetworkOption = None,
) -> None:
    """Write a seeded synthetic order book (pseudonymous ids only)."""
    network = read_network(network_dir)
    try:
        first = date.fromisoformat(start)
    except ValueError:
        raise InputError(
            [Issue("command line", None, "--start", "an ISO 8601 date", start)]
        ) from None
    book = generate_orders(network, n, first, days, seed)
    write_orders(book, network, out_file)
    err.print(f"wrote {len(book)} orders to {out_file}")


class Engine(StrEnum):
    auto = "auto"
    cpsat = "cp-sat"
    greedy = "greedy"
    highs = "highs"


@app.command()
@_guarded
def plan(
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Plan folder to write (default: a new plans/plan-<time> folder)."
        ),
    ] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Seconds.")] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
    quantile: Annotated[
        float | None,
        typer.Option("--quantile", help="Planning quantile of durations and clearance."),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Previous plan folder: stability term and hints."),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option("--engine", help="Solver engine (auto: CP-SAT, HiGHS for large books)."),
    ] = Engine.auto,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="solver.toml with weights (default: the packaged one)."),
    ] = None,
    max_breach: Annotated[
        float | None,
        typer.Option("--max-breach", help="Cap on a candidate's breach probability (0-1)."),
    ] = None,
    risk_samples: Annotated[
        int | None,
        typer.Option(
            "--risk-samples",
            min=0,
            help="Monte Carlo draws per candidate for the risk term (0: p90 test).",
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

    for name, value in (("--quantile", quantile), ("--max-breach", max_breach)):
        if value is not None and not 0 < value < 1:
            raise InputError(
                [Issue("command line", None, name, "a number between 0 and 1", str(value))]
            )
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
    out_dir = out_dir or Path("plans") / datetime.now(UTC).strftime("plan-%Y%m%d-%H%M%S")
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True
    ) as bar:
        task = bar.add_task("reading inputs")

        def stage(message: str, _fraction: float) -> None:
            bar.update(task, description=message)

        def improved(objective: float, bound: float, seconds: float) -> None:
            gap = abs(objective - bound) / max(1.0, abs(objective))
            bar.update(
                task,
                description=f"solving: objective {objective / 100:,.0f}, "
                f"bound {bound / 100:,.0f}, gap {gap:.3%}, "
                f"{seconds:.1f} s",
            )

        nightly = nightly_plan(
            network,
            book,
            params,
            previous=before,
            engine=engine.value,
            samples=samples,
            fallbacks=fallback,
            progress=stage,
            on_improve=improved,
        )
    write_plan(nightly, out_dir, network)
    for v in nightly.violations[:20]:
        err.print(f"checker: {v}", markup=False, highlight=False)
    result = nightly.result
    _plan_table(result, out_dir)
    if result.plan is None:
        err.print(f"no plan: solver status {result.status} ({result.termination})")
        raise typer.Exit(1)


def _plan_table(result, out_dir: Path) -> None:
    k = result.kpis()
    table = Table(title=f"Plan written to {out_dir}")
    table.add_column("what")
    table.add_column("value", justify="right")
    gap = result.gap
    rows = [
        ("status", f"{result.status} ({result.termination}, {result.engine})"),
        (
            "objective / bound / gap",
            f"{_num(result.objective)} / {_num(result.bound)} / "
            f"{'-' if gap is None else f'{gap:.4%}'}",
        ),
        ("wall time", f"{result.wall_s:.1f} s"),
        ("candidates", str(result.stats.get("candidates", "-"))),
        (
            "orders served / unserved",
            f"{k.get('served', 0)} (frozen {k.get('frozen', 0)}) / {k.get('unserved', 0)}",
        ),
        (
            "vein-to-vein median / p90",
            f"{_num(k.get('v2v_median_h'))} h / {_num(k.get('v2v_p90_h'))} h",
        ),
        ("transport cost", f"{_num(k.get('cost_eur'))} EUR"),
        ("checker violations", str(result.stats.get("checker_violations", "-"))),
    ]
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)


def _num(x) -> str:
    return "-" if x is None else f"{x:,.1f}"


@app.command()
@_guarded
def check(
    plan_dir: Annotated[Path, typer.Argument(help="A plan folder written by `logistics plan`.")],
    network_dir: RecordedNetworkOption = None,
    orders: RecordedOrdersOption = None,
) -> None:
    """Audit a plan against every rule of the contract; exit 1 when it breaks any."""
    from logistics.check import check as check_plan
    from logistics.io.plan import read_plan

    plan_, summary = read_plan(plan_dir)
    settings = summary.get("settings", {})
    network = read_network(network_dir or settings.get("network"))
    book = read_orders(orders or settings.get("orders"), network)
    violations = check_plan(plan_, network, book, settings.get("quantile"))
    for v in violations:
        out.print(str(v), markup=False, highlight=False, soft_wrap=True)
    if violations:
        err.print(f"{len(violations)} violation(s) in {plan_dir}")
        raise typer.Exit(1)
    err.print(f"{plan_dir}: {len(plan_.orders)} orders, no violation")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
@_guarded
def route(
    origin: Annotated[
        str, typer.Argument(metavar="FROM", help="Site id where the material is ready.")
    ],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Destination site id.")],
    depart: Annotated[
        str,
        typer.Option("--depart", help="Ready time, ISO 8601; without offset: local time at FROM."),
    ],
    temperature: Annotated[str, typer.Option("--temperature", help="CRT, 2-8C, -80C or LN2.")],
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=0, help="Also show up to N fallback itineraries.")
    ] = 0,
    quantile: Annotated[
        float | None,
        typer.Option(
            "--quantile", help="Planning quantile of durations and clearance (default nominal)."
        ),
    ] = None,
    within: Annotated[
        float | None,
        typer.Option("--within", help="Window in hours: explain when the best arrival misses it."),
    ] = None,
    network_dir: NetworkOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Earliest-arriving itinerary (and fallbacks) from FROM to TO."""
    network = read_network(network_dir)
    problems = []
    for column, site in (("FROM", origin), ("TO", destination)):
        if site not in network.sites:
            problems.append(Issue("command line", None, column, "a site_id of the bundle", site))
    if temperature not in TEMPERATURES:
        problems.append(
            Issue(
                "command line",
                None,
                "--temperature",
                f"one of {', '.join(TEMPERATURES)}",
                temperature,
            )
        )
    if quantile is not None and not 0 < quantile < 1:
        problems.append(
            Issue("command line", None, "--quantile", "a number between 0 and 1", str(quantile))
        )
    ready = None
    if origin in network.sites:
        try:
            ready = local_datetime(depart, network.sites[origin].timezone)
        except ValueError as exc:
            problems.append(Issue("command line", None, "--depart", str(exc), depart))
    if problems:
        raise InputError(problems)
    assert ready is not None
    router = Router(network, quantile)
    found = router.alternatives(origin, destination, ready, temperature, alternatives)
    reason = why_not(router, origin, destination, ready, temperature, within)
    if not found or reason:
        err.print(f"no itinerary: {reason}", markup=False, highlight=False)
        raise typer.Exit(1)
    if fmt is Format.csv:
        _route_csv(found, alternatives > 0)
    elif fmt is Format.json:
        _route_json(found)
    else:
        for k, it in enumerate(found):
            _route_table(it, network, "fastest" if k == 0 else f"fallback {k}")


def _route_csv(found: list[Itinerary], numbered: bool) -> None:
    columns = (("itinerary",) if numbered else ()) + LEG_COLUMNS
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for k, it in enumerate(found, start=1):
        for row in leg_rows(it):
            writer.writerow({"itinerary": str(k), **row} if numbered else row)


def _route_json(found: list[Itinerary]) -> None:
    data = [
        {
            "itinerary": k,
            "origin": it.origin,
            "destination": it.destination,
            "ready": utc_text(it.ready),
            "arrival": utc_text(it.arrival),
            "hours": round(it.hours, 3),
            "cost_eur": round(it.cost_eur, 2),
            "customs_h": round(it.customs_h, 3),
            "legs": leg_rows(it),
        }
        for k, it in enumerate(found, start=1)
    ]
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def _route_table(it: Itinerary, network, title: str) -> None:
    table = Table(
        title=f"{title}: {it.origin} -> {it.destination}, {it.hours:.1f} h, {it.cost_eur:,.0f} EUR"
    )
    for col in (
        "#",
        "lane",
        "carrier",
        "mode",
        "from -> to",
        "depart local",
        "depart UTC",
        "arrive local",
        "arrive UTC",
        "wait h",
        "customs",
    ):
        table.add_column(col)
    for seq, leg in enumerate(it.legs, start=1):
        tz_from = ZoneInfo(network.sites[leg.from_site].timezone)
        tz_to = ZoneInfo(network.sites[leg.to_site].timezone)
        customs = (
            f"{leg.customs_from}->{leg.customs_to} {leg.customs_h:.1f} h"
            if leg.customs_from
            else ""
        )
        table.add_row(
            str(seq),
            leg.lane_id,
            leg.carrier,
            leg.mode,
            f"{leg.from_site} -> {leg.to_site}",
            f"{leg.depart.astimezone(tz_from):%a %d %b %H:%M %Z}",
            f"{leg.depart:%H:%MZ}",
            f"{leg.arrive.astimezone(tz_to):%a %d %b %H:%M %Z}",
            f"{leg.arrive:%H:%MZ}",
            f"{leg.wait_open_h:.1f}" if leg.wait_open_h else "",
            customs,
        )
    out.print(table)


def _counts(counter: Counter) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items()))


# ---------------------------------------------------------------------------------------
# Scenario sweeps and the Monte Carlo of a plan

scenarios_app = typer.Typer(
    no_args_is_help=True,
    help="Scenario sweeps: what each disruption does to tonight's plan, and the re-plan.",
)
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.command("run")
@_guarded
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
            "--out", help="Folder to write (default: a new sweeps/sweep-<UTC time> folder)."
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="Monte Carlo samples per simulation.")
    ] = 500,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes of the local pool.")
    ] = 2,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds per solve.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Solver and simulation seed.")] = 0,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="Run the tasks on this Dask scheduler."),
    ] = None,
    dask_local: Annotated[
        int | None,
        typer.Option("--dask-local", min=1, help="Run the tasks on a local Dask cluster of N."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="solver.toml with weights (default: the packaged one)."),
    ] = None,
) -> None:
    """Solve and simulate the baseline, then each scenario's impact and re-plan.

    Writes comparison.csv, impact.csv and a plan folder per scenario (plans/).
    """
    from logistics.scenarios import example_scenarios, read_scenario
    from logistics.scenarios.sweep import SweepError, run_sweep
    from logistics.solve import load_params

    if dask_address is not None and dask_local is not None:
        raise InputError(
            [
                Issue(
                    "command line",
                    None,
                    "--dask-local",
                    "either --dask-address or --dask-local, not both",
                    str(dask_local),
                )
            ]
        )
    network = read_network(network_dir)
    book = read_orders(orders, network)
    issues: list[Issue] = []
    scenarios = []
    for path in specs or example_scenarios():
        try:
            scenarios.append(read_scenario(path, network))
        except InputError as exc:
            issues += exc.issues
    if issues:
        raise InputError(issues)
    params = load_params(config, time_limit_s=time_limit, seed=seed, workers=1)
    if params.deterministic_time_s is None:  # repeatable whenever this limit stops a solve
        params = replace(params, deterministic_time_s=params.time_limit_s)
    if dask_address is not None or dask_local is not None:
        import contextlib

        with contextlib.suppress(ImportError):  # without it run_sweep names the extra
            import distributed  # noqa: F401  (sets up its logging: quieten it after)
        logging.getLogger("distributed").setLevel(logging.WARNING)
    out_dir = out_dir or Path("sweeps") / datetime.now(UTC).strftime("sweep-%Y%m%d-%H%M%S")
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True
    ) as bar:
        task = bar.add_task("starting the workers")

        def stage(message: str, _fraction: float) -> None:
            bar.update(task, description=message)

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
                out_dir=out_dir,
                progress=stage,
            )
        except SweepError as exc:
            err.print(f"[red]sweep failed:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from None
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
        table.add_row(*(_sweep_cell(row.get(key), key) for key, _ in columns))
    _wide().print(table)


def _wide() -> Console:
    """The output console; piped into a file or a log, 170 columns wide rather than 80,
    so wide tables are not folded."""
    return out if out.is_terminal else Console(width=max(out.width, 170))


def _sweep_cell(value: Any, key: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value == float("inf"):
            return "never"
        if key.endswith(("breaches", "dropouts")):
            return f"{value:.2f}"
        return f"{value:,.0f}"
    return str(value)


@app.command("simulate")
@_guarded
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

    Writes risk.csv into the plan folder and sets p_breach in its orders.csv.
    """
    from logistics.io.plan import read_plan
    from logistics.risk import simulate
    from logistics.scenarios import apply, read_scenario
    from logistics.scenarios.compare import RISK_FILE, risk_rows, write_risk

    plan_, summary = read_plan(plan_dir)
    settings = summary.get("settings", {})
    network = read_network(network_dir or settings.get("network"))
    book = read_orders(orders or settings.get("orders"), network)
    spec = scenario or settings.get("scenario_file")
    if spec:
        network, book = apply(read_scenario(spec, network), network, book)
    try:
        sim = simulate(plan_, network, book, samples=samples, seed=seed)
    except ValueError as exc:  # the plan names lanes or orders the inputs do not have
        raise InputError(
            [Issue(str(plan_dir), None, None, "a plan of this network and order book", str(exc))]
        ) from None
    write_risk(plan_dir, plan_, sim)
    k = sim.kpis()
    table = Table(title=f"Monte Carlo of {plan_dir} ({samples} samples, seed {seed})")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("orders simulated (served)", str(k["orders"]))
    table.add_row(
        "vein-to-vein median / p90", f"{_num(k['v2v_median_h'])} h / {_num(k['v2v_p90_h'])} h"
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
        risky.add_column(col, justify="left" if col in ("order", "centre", "site") else "right")
    for r in rows[:10]:
        risky.add_row(
            r["order_id"],
            r["treatment_centre"],
            r["manufacturing_site"],
            *(f"{r[c]:.3f}" for c in ("p_breach", "p_inbound", "p_hold", "p_late", "p_dropout")),
            _sweep_cell(r["v2v_median_h"], "v2v"),
            _sweep_cell(r["v2v_p90_h"], "v2v"),
        )
    _wide().print(risky)
    err.print(f"wrote {Path(plan_dir) / RISK_FILE}; p_breach set in orders.csv and summary.json")


def main() -> None:
    """Console script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    app()
