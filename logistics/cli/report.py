"""logistics report: rebuild report.html of a plan folder or a sweep folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.common import RecordedNetworkOption, app, err, guarded, out
from logistics.errors import InputError, Issue
from logistics.io import read_network


@app.command()
@guarded
def report(
    folder: Annotated[
        Path, typer.Argument(help="A plan folder (`logistics plan`) or a sweep folder.")
    ],
    network_dir: RecordedNetworkOption = None,
) -> None:
    """Write report.html (and, for a plan, timeline.csv and sites.geojson) into FOLDER."""
    from logistics.io.plan import ORDERS_FILE, read_plan
    from logistics.io.sweep import COMPARISON_FILE
    from logistics.report.extras import write_plan_extras, write_sweep_extras

    if (folder / COMPARISON_FILE).is_file():
        path = write_sweep_extras(folder)
    elif (folder / ORDERS_FILE).is_file():
        _, summary = read_plan(folder)
        recorded = (summary.get("settings") or {}).get("network")
        network = read_network(network_dir or recorded)
        path = write_plan_extras(folder, network)
    else:
        raise InputError(
            [
                Issue(
                    str(folder),
                    None,
                    None,
                    f"a plan folder (with {ORDERS_FILE}) or a sweep folder "
                    f"(with {COMPARISON_FILE})",
                    "neither" if folder.is_dir() else "no such folder",
                )
            ]
        )
    out.print(f"Report written to {path}", markup=False, highlight=False, soft_wrap=True)
    err.print(f"open it in a browser: file://{path.resolve()}", markup=False, highlight=False)
