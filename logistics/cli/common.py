"""What every command shares: consoles, options, the exit-code guard, number cells."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from logistics.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Vein-to-vein cold-chain planning for cell and gene therapies across Europe.",
)


def _version(value: bool) -> None:
    if value:
        from logistics import __version__

        print(f"atmp-logistics {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Vein-to-vein cold-chain planning for cell and gene therapies across Europe."""


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

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="solver.toml with weights (default: the packaged one)."),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        help="Seconds for a solve (default: solver.toml time_limit_s; packaged: 60).",
    ),
]
SolverSeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed (default: solver.toml seed; packaged: 0)."),
]
SolverWorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Solver threads, and processes for pricing and Plan B on Linux "
        "(default: solver.toml workers; packaged: 2).",
    ),
]
# a sweep's tasks (scenarios run, critical)
SampleOption = Annotated[
    int, typer.Option("--samples", min=1, help="Monte Carlo samples per simulation.")
]
PoolOption = Annotated[
    int, typer.Option("--workers", min=1, help="Worker processes of the local pool.")
]
SweepSeedOption = Annotated[int, typer.Option("--seed", min=0, help="Solver and simulation seed.")]
DaskAddressOption = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="Run the tasks on this Dask scheduler (default: the local process pool).",
    ),
]
DaskLocalOption = Annotated[
    int | None,
    typer.Option(
        "--dask-local",
        min=1,
        help="Run the tasks on a local Dask cluster of N (default: the local process pool).",
    ),
]


def one_backend(dask_address: str | None, dask_local: int | None) -> None:
    """Refuse --dask-address together with --dask-local (InputError)."""
    if dask_address is not None and dask_local is not None:
        from logistics.errors import Issue

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


RecordedNetworkOption = Annotated[
    Path | None,
    typer.Option("--network", help="Network bundle (default: the one recorded in summary.json)."),
]
RecordedOrdersOption = Annotated[
    Path | None,
    typer.Option("--orders", help="Order book (default: the one recorded in summary.json)."),
]


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
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


def site_hint(network: Any, text: str) -> str:
    """ " (did you mean 'ID'?)" for a site id that is not in ``network``: the closest id,
    or the site whose IATA code or name it is; "" when nothing is close."""
    import difflib

    sites = network.sites
    lowered = text.casefold()
    for site in sites.values():
        if lowered in {(site.iata or "").casefold(), site.name.casefold()}:
            return f" (did you mean {site.site_id!r}, {site.name}?)"
    close = difflib.get_close_matches(text.upper(), list(sites), n=1, cutoff=0.6)
    if not close:
        named = [s.site_id for s in sites.values() if lowered and lowered in s.name.casefold()]
        close = named[:1]
    return f" (did you mean {close[0]!r}, {sites[close[0]].name}?)" if close else ""


def check_counts(**values: int | None) -> None:
    """Raise InputError for each count option (keyword ``risk_samples`` is the option
    ``--risk-samples``) outside its bound in :data:`logistics.io.bounds.CLI`."""
    from logistics.errors import Issue
    from logistics.io.bounds import CLI

    issues = []
    for key, value in values.items():
        option = "--" + key.replace("_", "-")
        if value is not None and (problem := CLI[option].problem(value)) is not None:
            issues.append(Issue("command line", None, option, problem, str(value)))
    if issues:
        raise InputError(issues)


class Stage:
    """A progress bar's callback: ``stage(message, fraction)`` (what the library's
    ``progress`` arguments take); ``stage.say(message)`` changes the text alone."""

    def __init__(self, bar: Any, task: Any) -> None:
        self._bar, self._task = bar, task

    def __call__(self, message: str, fraction: float) -> None:
        self._bar.update(self._task, description=message, completed=fraction)

    def say(self, message: str) -> None:
        self._bar.update(self._task, description=message)


@contextmanager
def progress_bar(first: str) -> Iterator[Stage]:
    """A transient progress bar on stderr while the block runs, starting at ``first``."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), BarColumn(bar_width=24), TextColumn("{task.description}"))
    with Progress(*columns, console=err, transient=True) as bar:
        yield Stage(bar, bar.add_task(first, total=1.0))


def sweep_params(config: Path | None, time_limit: float | None, seed: int) -> Any:
    """Solver settings of a sweep's tasks (scenarios run, critical): one worker each,
    and a deterministic limit equal to the time limit unless solver.toml sets one, so
    a solve stopped by it is repeatable."""
    from dataclasses import replace

    from logistics.solve import load_params

    params = load_params(config, time_limit_s=time_limit, seed=seed, workers=1)
    if params.deterministic_time_s is None:
        params = replace(params, deterministic_time_s=params.time_limit_s)
    return params


def quiet_dask(dask_address: str | None, dask_local: int | None) -> None:
    """With a Dask backend, keep distributed's logging to warnings."""
    import logging

    if dask_address is None and dask_local is None:
        return
    with suppress(ImportError):  # without it the sweep names the missing extra
        import distributed  # noqa: F401  (sets up its logging: quieten it after)
    logging.getLogger("distributed").setLevel(logging.WARNING)


def num(x: float | None) -> str:
    """A number with thousands separators and one decimal; "-" for None."""
    return "-" if x is None else f"{x:,.1f}"


def counts(counter: Counter) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items()))


def wide() -> Console:
    """The output console; piped into a file or a log, 170 columns wide rather than 80,
    so wide tables are not folded."""
    return out if out.is_terminal else Console(width=max(out.width, 170))


def sweep_cell(value: Any, key: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value == float("inf"):
            return "never"
        if key.endswith(("breaches", "dropouts")):
            return f"{value:.2f}"
        return f"{value:,.0f}"
    return str(value)
