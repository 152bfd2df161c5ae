"""The public plan-folder writer: a solve's files, plus Plan B for a nightly run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from logistics.io.legs import write_fallbacks
from logistics.io.plan.writer import write_plan as write_folder
from logistics.model.network import Network

if TYPE_CHECKING:
    from logistics.pipeline import NightlyPlan
    from logistics.solve.result import SolveResult

FALLBACKS_FILE = "fallbacks.csv"


def write_plan(plan: NightlyPlan | SolveResult, out_dir: str | Path, network: Network) -> Path:
    """Write the plan folder of ``plan`` to ``out_dir`` and return the folder.

    Args:
        plan: a nightly run (:func:`logistics.plan`: also writes its Plan B as
            fallbacks.csv) or a bare solve (:func:`logistics.solve`).
        out_dir: the folder, created with its parents when needed.
        network: the network the plan was made on (for the map's coordinates).

    Writes orders.csv, legs.csv, summary.json and routes.geojson, then timeline.csv,
    sites.geojson and report.html (see the data contract); files already there are
    replaced.
    """
    nightly = hasattr(plan, "fallbacks")  # io does not import the pipeline (or OR-Tools)
    result: SolveResult = cast("NightlyPlan", plan).result if nightly else cast("SolveResult", plan)
    folder = write_folder(result, out_dir, network)
    if nightly:
        write_fallbacks(dict(cast("NightlyPlan", plan).fallbacks), folder / FALLBACKS_FILE)
    from logistics.report.extras import write_plan_extras  # plotly only when writing

    write_plan_extras(folder, network)
    return folder
