"""SolveResult: status, plan, objective, bound, gap, stats and provenance."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from logistics.model.plan import Plan


class Status(StrEnum):
    """Outcome of a solve. Infeasible is a status, never an exception."""

    OPTIMAL = "OPTIMAL"  # proven optimal (within the relative gap asked)
    FEASIBLE = "FEASIBLE"  # a plan, not proven optimal (limit reached)
    INFEASIBLE = "INFEASIBLE"  # the fixed commitments cannot all hold
    UNKNOWN = "UNKNOWN"  # no plan found within the limits


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveResult:
    """Everything one solve produced, enough to reproduce and audit it."""

    status: Status
    termination: str
    engine: str
    plan: Plan | None
    objective: float | None
    bound: float | None
    wall_s: float
    params: Mapping[str, Any]
    input_hashes: Mapping[str, str]
    stats: Mapping[str, Any] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """Relative gap |objective - bound| / max(1, |objective|)."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))

    @property
    def unserved(self) -> dict[str, str]:
        """Unserved order ids with their reasons."""
        if self.plan is None:
            return {}
        return {p.order_id: p.reason for p in self.plan.unserved}

    def kpis(self) -> dict[str, Any]:
        """Counts and vein-to-vein, cost and risk figures of the plan."""
        if self.plan is None:
            return {}
        served = self.plan.served
        v2v = sorted(p.v2v_h for p in served if p.v2v_h is not None)
        breach = [p.p_breach for p in served if p.p_breach is not None]
        return {
            "orders": len(self.plan.orders),
            "served": len(served),
            "scheduled": sum(p.status == "scheduled" for p in served),
            "frozen": sum(p.status == "frozen" for p in served),
            "unserved": len(self.plan.unserved),
            "v2v_median_h": round(statistics.median(v2v), 3) if v2v else None,
            "v2v_p90_h": round(_p90(v2v), 3) if v2v else None,
            "v2v_mean_h": round(statistics.fmean(v2v), 3) if v2v else None,
            "cost_eur": round(sum(p.cost_eur for p in served), 2),
            "expected_breaches": round(sum(breach), 4) if breach else None,
        }

    def summary(self) -> dict[str, Any]:
        """The JSON-ready content of summary.json."""
        return {
            "status": str(self.status),
            "termination": self.termination,
            "engine": self.engine,
            "objective": self.objective,
            "best_bound": self.bound,
            "gap": self.gap,
            "wall_time_s": round(self.wall_s, 3),
            "kpis": self.kpis(),
            "stats": dict(self.stats),
            "settings": dict(self.params),
            "input_hashes": dict(self.input_hashes),
            "versions": dict(self.versions),
        }


def _p90(sorted_values: list[float]) -> float:
    """90th percentile by linear interpolation."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=10, method="inclusive")[-1]
