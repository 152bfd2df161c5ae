"""Command line: parse -> call the library -> print -> exit code.

Exit codes: 0 done, 1 internal failure or no result, 2 invalid input.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from logistics.errors import InputError
from logistics.io import read_network, read_orders

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Vein-to-vein cold-chain planning for cell and gene therapies across Europe.",
)
out = Console()
err = Console(stderr=True)

Bundle = Annotated[
    Path | None,
    typer.Argument(help="Network bundle folder (default: the embedded data/europe).",
                   show_default=False),
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
        except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
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


def _summary(network, book) -> None:  # noqa: ANN001
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


def _counts(counter: Counter) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items()))


def main() -> None:
    """Console script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    app()
