"""The files of a scenario sweep (see :func:`write_sweep_files`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from logistics.io.plan import json_safe
from logistics.io.rows import write_csv

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_FILE",
    "IMPACT_COLUMNS",
    "IMPACT_FILE",
    "PLANS_DIR",
    "SWEEP_FILE",
    "write_sweep_files",
]

COMPARISON_FILE = "comparison.csv"
IMPACT_FILE = "impact.csv"
SWEEP_FILE = "sweep.json"
PLANS_DIR = "plans"  # plans/<slug>/: the re-planned plan folder of each scenario

COMPARISON_COLUMNS = (
    "scenario",
    "orders",
    "served",
    "unserved",
    "v2v_median_h",
    "v2v_p90_h",
    "cost_eur",
    "expected_breaches",
    "expected_breaches_se",
    "expected_dropouts",
    "expected_dropouts_se",
    "expected_late",
    "expected_late_se",
    "impact_served",
    "impact_unserved",
    "impact_v2v_median_h",
    "impact_v2v_p90_h",
    "impact_expected_breaches",
    "impact_expected_breaches_se",
    "impact_expected_dropouts",
    "impact_expected_late",
    "impact_orders_breaking",
    "impact_orders_displaced",
    "exposed_shipments",
    "status",
    "gap",
    "checker_violations",
    "wall_s",
    "seed",
    "samples",
    "scenario_file",
    "scenario_sha256",
    "plan_dir",
)

IMPACT_COLUMNS = (
    "scenario",
    "order_id",
    "status",
    "displaced",
    "p_breach_baseline",
    "p_breach_disrupted",
    "v2v_median_h_baseline",
    "v2v_median_h_disrupted",
    "delta_v2v_h",
    "breaks",
    "replan_status",
    "replan_p_breach",
)


def write_sweep_files(
    out_dir: str | Path,
    comparison: Iterable[Mapping[str, Any]],
    impact: Iterable[Mapping[str, Any]],
    settings: Mapping[str, Any],
) -> Path:
    """Write comparison.csv, impact.csv and sweep.json of a sweep into ``out_dir``
    (created when missing; files there are replaced) and return the folder. The
    sweep (:meth:`logistics.scenarios.results.SweepResult.write`) calls it on the
    folder it stages, writes the plan folders (``plans/<slug>/``) beside them as
    ``logistics plan`` writes one, and puts the whole folder in place with its
    manifest.json.

    Args:
        out_dir: the folder.
        comparison: one row per scenario, the baseline first, with the
            :data:`COMPARISON_COLUMNS`. The KPI columns describe the re-planned
            outcome (the disrupted inputs planned again and simulated); the
            ``impact_`` columns tonight's plan kept as it is under the disruption,
            simulated on the disrupted network. In the impact, orders a scenario adds
            are unserved, and so are orders whose manufacturing, apheresis or shipper
            capacity the scenario cuts (``impact_orders_displaced``). v2v figures are
            the simulated ones (over every served order and sample); ``cost_eur`` is
            the plan's transport cost; ``status`` and ``gap`` are the re-plan's solve;
            ``checker_violations`` is the number of rules the independent checker
            finds broken in the re-plan (0 for a sound plan, and when there is no
            plan). ``exposed_shipments`` counts tonight's shipments (legs) whose lane or
            customs rule a disruption window covers at their departure (0: the scenario
            cannot touch tonight's shipments). ``wall_s`` is the only column that
            varies between two runs of the same sweep.
        impact: one row per scenario (not the baseline) and order of its book, with
            the :data:`IMPACT_COLUMNS`: what tonight's plan becomes for that patient,
            and what the re-plan gives instead.
        settings: the content of sweep.json: the settings of the sweep (seed, samples,
            backend, solver settings, scenario files and hashes) so it can be run
            again.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / COMPARISON_FILE, COMPARISON_COLUMNS, comparison)
    write_csv(folder / IMPACT_FILE, IMPACT_COLUMNS, impact)
    text = json.dumps(json_safe(dict(settings)), indent=2, allow_nan=False)
    (folder / SWEEP_FILE).write_text(text + "\n", encoding="utf-8")
    return folder
