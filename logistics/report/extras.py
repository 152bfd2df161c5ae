"""The files added to a plan folder and a sweep folder once their tables are written:
timeline.csv, sites.geojson and report.html (plan), report.html (sweep).

One call each, so whatever writes the folder (and stages it) adds them in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from logistics.forked import fork_map, processes
from logistics.io.geojson import SITES_FILE, write_sites
from logistics.io.timeline import TIMELINE_FILE, write_timeline
from logistics.model.network import Network
from logistics.report.folder import read_plan_folder
from logistics.report.plan import REPORT_FILE, plan_report

__all__ = ["write_plan_extras", "write_sweep_extras"]

#: orders from which timeline.csv is written by a forked process (below, a fork
#: costs more than it saves)
FORK_FROM = 500


def write_plan_extras(folder: str | Path, network: Network) -> Path:
    """Read the staged plan folder ``folder`` back (its tables are written, its
    manifest not yet) and write timeline.csv, sites.geojson (none without a plan,
    like routes.geojson) and report.html into it; returns the report's path."""
    path = Path(folder)
    data = read_plan_folder(path, network, verify=False)
    report = path / REPORT_FILE

    def write(files: Sequence[str]) -> None:
        if TIMELINE_FILE in files:
            write_timeline(data.plan, network, path / TIMELINE_FILE)
        if REPORT_FILE in files:
            if data.summary.get("kpis"):
                write_sites(data.plan, network, path / SITES_FILE)
            else:
                (path / SITES_FILE).unlink(missing_ok=True)  # no plan: no map layer either
            report.write_text(plan_report(data), encoding="utf-8")

    # timeline.csv in a forked process while this one writes the map and the report
    # (10,000 orders: about 3 s each)
    big = processes(2) > 1 and len(data.plan.orders) >= FORK_FROM
    fork_map(write, [[REPORT_FILE], [TIMELINE_FILE]] if big else [[REPORT_FILE, TIMELINE_FILE]])
    return report


def write_sweep_extras(folder: str | Path) -> Path:
    """Write report.html into the sweep folder ``folder`` (from its comparison.csv,
    impact.csv and sweep.json); returns its path."""
    from logistics.report.sweep import write_sweep_report

    return write_sweep_report(folder)
