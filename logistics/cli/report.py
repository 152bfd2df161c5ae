"""logistics report: rebuild report.html of a plan, sweep or design folder."""

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
        Path,
        typer.Argument(
            help="A plan folder (`logistics plan`), a sweep folder or a design folder "
            "(`logistics design`)."
        ),
    ],
    network_dir: RecordedNetworkOption = None,
) -> None:
    """Rebuild report.html (and, for a plan, timeline.csv and sites.geojson) of FOLDER.

    The folder must match its manifest.json; it is replaced whole by a copy with the
    rebuilt files and a fresh manifest."""
    from logistics.io.folders import updated_folder
    from logistics.io.geojson import SITES_FILE
    from logistics.io.manifest import manifest_sha256
    from logistics.io.plan import ORDERS_FILE, read_plan
    from logistics.io.sweep import COMPARISON_FILE
    from logistics.io.timeline import TIMELINE_FILE
    from logistics.report.design import is_design_folder, write_design_report
    from logistics.report.extras import write_plan_extras, write_sweep_extras
    from logistics.report.plan import REPORT_FILE

    if (folder / COMPARISON_FILE).is_file():
        with updated_folder(folder, drop=(REPORT_FILE,), inputs=(network_dir,)) as staging:
            write_sweep_extras(staging)
        path = folder / REPORT_FILE
    elif is_design_folder(folder):
        with updated_folder(folder, drop=(REPORT_FILE,), inputs=(network_dir,)) as staging:
            write_design_report(staging)
        path = folder / REPORT_FILE
    elif (folder / ORDERS_FILE).is_file():
        seen = manifest_sha256(folder)
        _, summary = read_plan(folder)
        recorded = (summary.get("settings") or {}).get("network")
        network = read_network(network_dir or recorded)
        drop = (REPORT_FILE, TIMELINE_FILE, SITES_FILE)
        inputs = (network_dir or recorded,)
        with updated_folder(folder, drop=drop, inputs=inputs, manifest=seen) as staging:
            write_plan_extras(staging, network)
        path = folder / REPORT_FILE
    else:
        raise InputError(
            [
                Issue(
                    str(folder),
                    None,
                    None,
                    f"a plan folder (with {ORDERS_FILE}), a sweep folder "
                    f"(with {COMPARISON_FILE}) or a design folder (with design.csv)",
                    "neither" if folder.is_dir() else "no such folder",
                )
            ]
        )
    out.print(f"Report written to {path}", markup=False, highlight=False, soft_wrap=True)
    err.print(f"open it in a browser: file://{path.resolve()}", markup=False, highlight=False)
