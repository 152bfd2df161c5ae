"""A whole sweep's result: the baseline and every scenario, its tables and files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logistics.io.sweep import PLANS_DIR, write_sweep_files
from logistics.model.network import Network
from logistics.scenarios.outcomes import ScenarioOutcome
from logistics.scenarios.tables import comparison_rows, impact_rows

__all__ = ["SweepResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepResult:
    """The baseline and every scenario, in the order given, with the sweep's settings
    and the (undisrupted) network the plan folders are drawn on."""

    baseline: ScenarioOutcome
    scenarios: tuple[ScenarioOutcome, ...]
    seed: int
    samples: int
    common_random_numbers: bool
    backend: str
    wall_s: float
    network: Network = field(repr=False, compare=False)

    @property
    def outcomes(self) -> tuple[ScenarioOutcome, ...]:
        """The baseline first, then the scenarios."""
        return (self.baseline, *self.scenarios)

    def rows(self) -> list[dict[str, Any]]:
        """The rows of comparison.csv (see :func:`logistics.io.sweep.write_sweep_files`)."""
        return comparison_rows(self.outcomes, self.samples)

    def impact_rows(self) -> list[dict[str, Any]]:
        """The rows of impact.csv: one per scenario and order."""
        return impact_rows(self.baseline, self.scenarios)

    def settings(self) -> dict[str, Any]:
        """The content of sweep.json: seed, samples, backend, solver settings, input
        hashes and versions, and per scenario its file, hash, seed, plan folder and the
        orders it added or removed."""
        base = self.baseline.replanned.result
        return {
            "seed": self.seed,
            "samples": self.samples,
            "common_random_numbers": self.common_random_numbers,
            "backend": self.backend,
            "wall_s": round(self.wall_s, 3),
            "network": base.params.get("network"),
            "orders": base.params.get("orders"),
            "solver": {k: v for k, v in base.params.items() if k not in ("network", "orders")},
            "engine": base.engine,
            "input_hashes": dict(base.input_hashes),
            "versions": dict(base.versions),
            "scenarios": [
                {
                    "name": o.name,
                    "description": o.scenario.description,
                    "file": str(o.scenario.path) if o.scenario.path is not None else None,
                    "sha256": o.scenario.sha256 or None,
                    "seed": o.seed,
                    "plan_dir": f"{PLANS_DIR}/{o.slug}",
                    "orders_added": list(o.impact.added),
                    "orders_removed": list(o.impact.removed),
                }
                for o in self.outcomes
            ],
        }

    def write(self, out_dir: str | Path, *, inputs: Iterable[str | Path | None] = ()) -> Path:
        """Write comparison.csv, impact.csv, sweep.json, plans/<slug>/ and report.html
        under ``out_dir`` and return it.

        The whole folder is staged and put in place complete, with a manifest.json
        (:func:`logistics.io.folders.output_folder`); an earlier output folder there is
        replaced whole. Each plan folder is the re-plan's, written as ``logistics
        plan`` writes one (with fallbacks.csv, ``p_breach`` and the simulation's
        figures in ``stats.risk``, and its own manifest.json, so ``check`` and
        ``simulate`` take it on its own); its summary.json's ``settings`` name the
        scenario. ``out_dir`` is refused (InputError) when it holds or would replace
        the bundle, the order book, a scenario file or any of ``inputs``.
        """
        from logistics.io.folders import output_folder, write_manifest
        from logistics.io.nightly import write_plan_files
        from logistics.report.extras import write_sweep_extras

        base = self.baseline.replanned.result.params
        read = [base.get("network"), base.get("orders"), self.network.source]
        read += [o.scenario.path for o in self.scenarios]
        with output_folder(out_dir, inputs=(*read, *inputs)) as folder:
            write_sweep_files(folder, self.rows(), self.impact_rows(), self.settings())
            for o in self.outcomes:
                s = o.scenario
                nightly = o.replanned.nightly(
                    scenario=s.name,
                    scenario_file=str(s.path) if s.path is not None else None,
                    scenario_sha256=s.sha256 or None,
                    simulation_seed=o.seed,
                )
                plan_dir = folder / PLANS_DIR / o.slug
                plan_dir.mkdir(parents=True)
                write_plan_files(nightly, plan_dir, self.network)
                write_manifest(plan_dir)
            write_sweep_extras(folder)
        return Path(out_dir)
