"""logistics nightly and logistics history: the nightly run on the plan store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.common import (
    ConfigOption,
    NetworkOption,
    OrdersOption,
    SolverSeedOption,
    TimeLimitOption,
    app,
    err,
    guarded,
    out,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import read_network, read_orders
from logistics.solve.params import Engine

DEFAULT_PLANS = Path("plans")
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Plan store URL: sqlite:///path/plans.db or postgresql+psycopg://... "
        "(default: plans.db beside the plan folders).",
    ),
]


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InputError(
            [Issue("command line", None, "--now", "an ISO 8601 time with Z or an offset", text)]
        )
    return value.astimezone(UTC)


@app.command()
@guarded
def nightly(
    store: StoreOption = None,
    network_dir: NetworkOption = None,
    orders: OrdersOption = None,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="events.csv: what happened since (default: none)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Plan folder to write (default: plans/nightly-<time>)."),
    ] = None,
    freeze_hours: Annotated[
        float | None,
        typer.Option(
            "--freeze-hours",
            min=0,
            help="Commit every order whose apheresis or shipment falls within this many "
            "hours (default: config/nightly.toml).",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option("--now", help="The instant the run plans from (default: the clock)."),
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            min=0,
            help="Seconds to wait for another run's store lock "
            "(default: config/nightly.toml wait_s; packaged: 0).",
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    seed: SolverSeedOption = None,
    engine: Annotated[Engine, typer.Option("--engine")] = Engine.AUTO,
    config: ConfigOption = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=0,
            help="Monte Carlo draws for p_breach "
            "(default: config/nightly.toml samples; packaged: 200).",
        ),
    ] = None,
) -> None:
    """Re-plan the live book against last night's plan: events, commitments, changes."""
    from logistics.nightly import nightly as run_nightly
    from logistics.solve import load_params
    from logistics.store import StoreBusy, default_store_url

    when = _now(now)
    network = read_network(network_dir)
    book = read_orders(orders, network)
    params = load_params(config, time_limit_s=time_limit, seed=seed)
    folder = out_dir or DEFAULT_PLANS / datetime.now(UTC).strftime("nightly-%Y%m%d-%H%M%S")
    url = store or default_store_url(folder.resolve().parent)
    try:
        run = run_nightly(
            network,
            book,
            store=url,
            out=folder,
            now=when,
            events=events,
            freeze_h=freeze_hours,
            params=params,
            engine=engine,
            samples=samples,
            wait_s=wait,
        )
    except StoreBusy as exc:
        err.print(f"refused: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    for v in run.result.violations[:20]:
        err.print(f"checker: {v}", markup=False, highlight=False)
    out.print(
        f"Run {run.run_id} written to {run.folder}", markup=False, highlight=False, soft_wrap=True
    )
    out.print(run.summary(), markup=False, highlight=False, soft_wrap=True)
    moved: dict[str, list[str]] = {}
    for c in run.changes:
        if c.change not in ("new",):
            moved.setdefault(c.order_id, []).append(f"{c.change} {c.before} -> {c.after}")
    whys = {c.order_id: c.why for c in run.changes}
    for oid, parts in moved.items():
        out.print(
            f"  {oid}: {'; '.join(parts)} (why: {whys[oid]})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@guarded
def history(
    order_id: Annotated[
        str | None, typer.Argument(help="An order: its plan through the nights, with events.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """The nightly runs recorded in the store, or one order's plan through them."""
    from rich.table import Table

    from logistics.store import locked, make_engine, upgrade
    from logistics.store.migrate import HEAD, current
    from logistics.store.runs import list_runs, order_history

    url = store or f"sqlite:///{(DEFAULT_PLANS / 'plans.db').resolve()}"
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise InputError([Issue("command line", None, "--store", "an existing store", url)])
    db = make_engine(url, wait_s=30)
    try:
        with db.connect() as conn:
            old = current(conn) != HEAD
        if old:  # an older schema (or none): migrate under the nightly run's lock first
            with locked(db, 30) as conn:
                upgrade(conn)
        with db.connect() as conn:  # a reader: never waits for a nightly run
            rows = list_runs(conn) if order_id is None else order_history(conn, order_id)
    finally:
        db.dispose()
    console = wide()
    if order_id is None:
        table = Table("run", "when", "planned from", "inputs", "served", "unserved", "moved")
        for r in rows:
            inputs = ", ".join(f"{k} {v[:8]}" for k, v in sorted(r["inputs"].items()))
            table.add_row(
                str(r["run_id"]),
                r["finished_at"],
                r["now"],
                inputs,
                str(r["served"]),
                str(r["unserved"]),
                str(r["moved"]),
            )
        console.print(table)
        return
    if not rows:
        raise InputError(
            [Issue("command line", None, "ORDER_ID", "an order in the store", order_id)]
        )
    table = Table("run", "planned from", "state", "plan", "site", "apheresis", "mfg start",
                  "delivery", "events", "changes")  # fmt: skip
    for r in rows:
        events = "; ".join(f"{e['event']} {e['time']}" for e in r["events"])
        changes = "; ".join(f"{c['change']}: {c['why']}" for c in r.get("changes", []))
        table.add_row(
            str(r["run_id"]),
            r["now"],
            r["state"],
            r["plan_status"],
            r["manufacturing_site"] or "-",
            r["apheresis_time"] or "-",
            r["manufacturing_start"] or "-",
            r["delivery_time"] or "-",
            events or "-",
            changes or "-",
        )
    console.print(table)
