"""logistics validate and logistics make-orders: the inputs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from logistics.cli.common import (
    Bundle,
    NetworkOption,
    app,
    counts,
    err,
    guarded,
    out,
)
from logistics.errors import InputError, Issue
from logistics.io import read_network, read_orders
from logistics.io.bounds import CLI
from logistics.io.bundle import default_bundle
from logistics.io.parsers import iso_date
from logistics.io.write_orders import write_orders
from logistics.synth import generate_orders


@app.command()
@guarded
def validate(
    bundle: Bundle = None,
    orders: Annotated[
        Path | None,
        typer.Option("--orders", help="An orders.csv to check against the bundle (default: none)."),
    ] = None,
) -> None:
    """Check a network bundle (and an order book) against the data contract."""
    from logistics.analysis.structure import reach_warnings

    network = read_network(bundle)
    book = read_orders(orders, network) if orders is not None else None
    for warning in reach_warnings(network):
        err.print(f"warning: {warning}", markup=False, highlight=False)
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
        table.add_row(f"sites: {kind}", str(n), counts(by_country))
    table.add_row("countries", str(len(countries)), " ".join(sorted(countries)))
    territories = Counter(s.territory for s in network.sites.values())
    table.add_row("customs territories", str(len(territories)), counts(territories))
    table.add_row("customs rules", str(len(network.customs)), "")
    listed = Counter(lane.mode for lane in network.lanes if not lane.generated)
    generated = sum(lane.generated for lane in network.lanes)
    table.add_row("lanes listed", str(sum(listed.values())), counts(listed))
    table.add_row("road legs generated", str(generated), "")
    carriers = Counter(lane.carrier for lane in network.lanes if not lane.generated)
    table.add_row("carriers", str(len(carriers)), ", ".join(sorted(carriers)))
    table.add_row("therapies", str(len(network.therapies)), ", ".join(network.therapies))
    if book is not None:
        statuses = Counter(o.status for o in book.orders)
        table.add_row("orders", str(len(book.orders)), counts(statuses))
    out.print(table)
    out.print("[green]valid[/green]")


@app.command("make-orders")
@guarded
def make_orders(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write orders.csv.")],
    n: Annotated[int, typer.Option("--n", help="Number of orders (1..100000).")] = 200,
    start: Annotated[
        str, typer.Option("--start", help="First apheresis date (ISO).")
    ] = "2026-12-07",
    days: Annotated[int, typer.Option("--days", help="Horizon in days (1..366).")] = 28,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (0..9999).")] = 42,
    network_dir: NetworkOption = None,
) -> None:
    """Write a seeded synthetic order book (pseudonymous ids only)."""
    issues = [
        Issue("command line", None, option, problem, str(value))
        for option, value in (("--n", n), ("--days", days), ("--seed", seed))
        if (problem := CLI[f"make-orders {option}"].problem(value)) is not None
    ]
    try:
        first = iso_date(start)
    except ValueError as exc:
        issues.append(Issue("command line", None, "--start", str(exc), start))
    bundle = (Path(network_dir) if network_dir is not None else default_bundle()).resolve()
    if out_file.is_dir():
        issues.append(Issue("command line", None, "--out", "a file path", f"{out_file}: a folder"))
    elif bundle in out_file.resolve().parents:
        issues.append(
            Issue(
                "command line",
                None,
                "--out",
                "a path outside the network bundle (an input, never written)",
                str(out_file),
            )
        )
    if issues:
        raise InputError(issues)
    network = read_network(network_dir)
    book = generate_orders(network, n, first, days, seed)
    write_orders(book, network, out_file)
    err.print(f"wrote {len(book)} orders to {out_file}")


@app.command("make-network")
@guarded
def make_network(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the bundle to.")],
    centres: Annotated[int, typer.Option("--centres", min=1, help="Treatment centres.")] = 500,
    plants: Annotated[int, typer.Option("--plants", min=4, help="Manufacturing sites.")] = 40,
    orders: Annotated[
        int | None,
        typer.Option(
            "--orders", min=1, help="Book size the capacity is sized for (default: 20 a centre)."
        ),
    ] = None,
    start: Annotated[
        str, typer.Option("--start", help="First apheresis date of that book (ISO).")
    ] = "2026-12-07",
    days: Annotated[int, typer.Option("--days", min=1, help="Horizon of that book.")] = 28,
    load: Annotated[
        float, typer.Option("--load", help="Manufacturing slot-days the book asks for.")
    ] = 0.975,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    network_dir: NetworkOption = None,
) -> None:
    """Write a network bundle of a given size derived from the base bundle, with capacity
    sized so that `make-orders --network OUT --n ORDERS` is capacity-tight."""
    from logistics.io.folders import output_folder
    from logistics.synth.network import NetworkSpec, generate_network, write_network

    try:
        first = iso_date(start)
    except ValueError as exc:
        raise InputError([Issue("command line", None, "--start", str(exc), start)]) from None
    try:
        spec = NetworkSpec(
            centres=centres,
            plants=plants,
            orders=orders,
            start=first,
            days=days,
            seed=seed,
            load=load,
        )
        files = generate_network(spec, network_dir)
    except ValueError as e:
        given: dict[str, object] = {"--centres": centres, "--plants": plants}
        given.update({"--orders": orders, "--days": days, "--load": load})
        issues = [Issue("command line", None, o, want, str(given[o])) for o, want in e.args]
        raise InputError(issues) from None
    with output_folder(out_dir, inputs=(network_dir,)) as staged:
        write_network(files, staged)
        network = read_network(staged)  # a bundle that does not validate is not put in place
    _summary(network, None)
    err.print(
        f"wrote {out_dir}; its book: logistics make-orders --network {out_dir} "
        f"--n {spec.book} --start {spec.start} --days {spec.days} --out orders.csv"
    )
