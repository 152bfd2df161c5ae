"""The public plan-folder writer: a solve's files, plus Plan B for a nightly run."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from logistics.heap import gc_paused
from logistics.io.folders import output_folder
from logistics.io.legs import write_fallbacks
from logistics.io.plan.writer import write_plan_files as write_solve_files
from logistics.model.network import Network

if TYPE_CHECKING:
    from logistics.pipeline import NightlyPlan
    from logistics.solve.result import SolveResult

FALLBACKS_FILE = "fallbacks.csv"


def _result(plan: NightlyPlan | SolveResult) -> tuple[SolveResult, NightlyPlan | None]:
    """The solve of ``plan`` and the nightly run around it, if any."""
    if hasattr(plan, "fallbacks"):  # io does not import the pipeline (or OR-Tools)
        nightly = cast("NightlyPlan", plan)
        return nightly.result, nightly
    return cast("SolveResult", plan), None


@gc_paused()  # (10,000 orders: 8.4 and 9.5 s with the collector, 7.9 and 8.3 s without)
def write_plan(
    plan: NightlyPlan | SolveResult,
    out_dir: str | Path,
    network: Network,
    *,
    inputs: Iterable[str | Path | None] = (),
) -> Path:
    """Write the plan folder of ``plan`` to ``out_dir`` and return the folder.

    Args:
        plan: a nightly run (:func:`logistics.plan`: also writes its Plan B as
            fallbacks.csv) or a bare solve (:func:`logistics.solve`).
        out_dir: the folder, created with its parents when needed.
        network: the network the plan was made on (for the map's coordinates).
        inputs: further files or folders the run read (a previous plan, settings):
            ``out_dir`` must not hold or replace them, nor the bundle and order book
            the solve recorded.

    Writes orders.csv, legs.csv, summary.json, routes.geojson, fallbacks.csv,
    timeline.csv, sites.geojson, report.html and manifest.json (see the data
    contract) into a folder staged beside ``out_dir`` and then put in its place, so
    ``out_dir`` is always absent or complete; an earlier output folder there is
    replaced whole. Raises InputError when ``out_dir`` is refused.
    """
    result, _ = _result(plan)
    recorded = (result.params.get("network"), result.params.get("orders"))
    with output_folder(out_dir, inputs=(*recorded, *inputs)) as folder:
        write_plan_files(plan, folder, network)
    return Path(out_dir)


def write_plan_files(plan: NightlyPlan | SolveResult, folder: Path, network: Network) -> None:
    """Write the files of ``plan`` into the existing ``folder`` without a manifest, so
    that other writers (a report, a nightly run's changes) can add theirs to the same
    staged folder (:func:`logistics.io.folders.output_folder`) before it is put in
    place."""
    result, nightly = _result(plan)
    write_solve_files(result, folder, network)
    if nightly is not None:
        write_fallbacks(dict(nightly.fallbacks), result.plan, network, folder / FALLBACKS_FILE)
    from logistics.report.extras import write_plan_extras  # plotly only when writing

    write_plan_extras(folder, network)
