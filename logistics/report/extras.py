"""The files added to a plan folder and a sweep folder once their tables are written:
timeline.csv, sites.geojson and report.html (plan), report.html (sweep).

One call each, so whatever writes the folder (and stages it) adds them in one place.
"""

from __future__ import annotations

from pathlib import Path

from logistics.io.geojson import SITES_FILE, write_sites
from logistics.io.timeline import TIMELINE_FILE, write_timeline
from logistics.model.network import Network
from logistics.report.folder import read_plan_folder
from logistics.report.plan import REPORT_FILE, plan_report

__all__ = ["write_plan_extras", "write_sweep_extras"]


def write_plan_extras(folder: str | Path, network: Network) -> Path:
    """Read the staged plan folder ``folder`` back (its tables are written, its
    manifest not yet) and write timeline.csv, sites.geojson (none without a plan,
    like routes.geojson) and report.html into it; returns the report's path."""
    path = Path(folder)
    data = read_plan_folder(path, network, verify=False)
    write_timeline(data.plan, network, path / TIMELINE_FILE)
    if data.summary.get("kpis"):
        write_sites(data.plan, network, path / SITES_FILE)
    else:
        (path / SITES_FILE).unlink(missing_ok=True)  # no plan: no map layer either
    report = path / REPORT_FILE
    report.write_text(plan_report(data), encoding="utf-8")
    return report


def write_sweep_extras(folder: str | Path) -> Path:
    """Write report.html into the sweep folder ``folder`` (from its comparison.csv,
    impact.csv and sweep.json); returns its path."""
    from logistics.report.sweep import write_sweep_report

    return write_sweep_report(folder)
