"""SolveResult: termination, plan, objective bounds, KPIs, stats and provenance."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from logistics.errors import SolveError
from logistics.model.plan import ORDER_COLUMNS, Plan, PlanKpis
from logistics.solve.stats import ObjectiveBounds, SolveStats
from logistics.solve.termination import Status, Termination
from logistics.solve.unserved import UnservedOrder, unserved_orders

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SolveResult", "Status"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveResult:
    """Everything one solve produced, enough to reproduce and audit it.

    ``termination`` says why the search stopped and which limit stopped it;
    ``bounds`` holds the plan's objective (``primal``) and the proven bound
    (``dual``), in weight units; ``params`` the settings and input sources,
    ``input_hashes`` the inputs' SHA-256, ``versions`` the packages used.
    """

    termination: Termination
    engine: str
    plan: Plan | None
    bounds: ObjectiveBounds
    wall_s: float
    params: Mapping[str, Any]
    input_hashes: Mapping[str, str]
    stats: SolveStats
    versions: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        """OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN (from ``termination``)."""
        return self.termination.status

    @property
    def gap(self) -> float | None:
        """Relative gap |objective - bound| / max(1, |objective|); None without both."""
        return self.bounds.gap

    def objective_value(self) -> float:
        """The plan's objective in weight units.

        Raises SolveError when the solve found no plan.
        """
        if self.plan is None or self.bounds.primal is None:
            raise SolveError(f"no plan, so no objective: {self.status} ({self.termination})")
        return self.bounds.primal

    @property
    def kpis(self) -> PlanKpis | None:
        """Counts and vein-to-vein, cost and risk figures of the plan; None without one."""
        return None if self.plan is None else PlanKpis.of(self.plan)

    @property
    def unserved(self) -> tuple[UnservedOrder, ...]:
        """The unserved orders, each with the kind of constraint and the reason."""
        return unserved_orders(self.plan)

    def to_frame(self) -> pd.DataFrame:
        """The plan's orders as a DataFrame with exactly the columns of orders.csv
        (no rows without a plan)."""
        if self.plan is not None:
            return self.plan.to_frame()
        import pandas as pd

        return pd.DataFrame(columns=list(ORDER_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """The content of summary.json (values may need ``json_safe`` for strict JSON)."""
        kpis = self.kpis
        return {
            "status": str(self.status),
            "termination": str(self.termination),
            "engine": str(self.engine),
            "objective": self.bounds.primal,
            "best_bound": self.bounds.dual,
            "gap": self.gap,
            "wall_time_s": round(self.wall_s, 3),
            "kpis": {} if kpis is None else kpis.to_dict(),
            "stats": self.stats.to_dict(),
            "settings": dict(self.params),
            "input_hashes": dict(self.input_hashes),
            "versions": dict(self.versions),
        }

    def to_json(self) -> str:
        """summary.json's text: ``to_dict`` indented, with inf and nan as null."""
        from logistics.io.plan.cells import json_safe

        return json.dumps(json_safe(self.to_dict()), indent=2, allow_nan=False)

    def summary(self) -> str:
        """A two-column text table: status, objective, bound and gap, what the bound
        holds over (every schedule, or the candidates only), wall time, candidates
        and pricing, served and unserved orders, vein-to-vein, cost, checker verdict."""
        k = self.kpis
        gap = self.gap
        checked = self.stats.checker_violations
        rows = [
            ("status", f"{self.status} ({self.termination}, {self.engine})"),
            (
                "objective / bound / gap",
                f"{_num(self.bounds.primal)} / {_num(self.bounds.dual)} / "
                f"{'-' if gap is None else f'{gap:.4%}'}",
            ),
            ("bound holds over", self._bound_scope()),
            ("wall time", f"{self.wall_s:.1f} s"),
            ("candidates", self._candidates()),
            (
                "orders served / unserved",
                "-" if k is None else f"{k.served} (frozen {k.frozen}) / {k.unserved}",
            ),
            (
                "vein-to-vein median / p90",
                "-" if k is None else f"{_num(k.v2v_median_h)} h / {_num(k.v2v_p90_h)} h",
            ),
            ("transport cost", "-" if k is None else f"{_num(k.cost_eur)} EUR"),
            ("checker violations", "-" if checked is None else str(checked)),
        ]
        left = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{left}}  {value}" for name, value in rows)

    def _bound_scope(self) -> str:
        pricing = self.stats.pricing
        if self.bounds.dual is None:
            return "-"
        return "the candidates" if pricing is None else str(pricing["bound_over"])

    def _candidates(self) -> str:
        pricing = self.stats.pricing
        if pricing is None:
            return str(self.stats.candidates)
        state = "closed" if pricing["closed"] else str(pricing["stopped"])
        return (
            f"{self.stats.candidates} ({pricing['added']} priced in "
            f"{pricing['rounds']} rounds, {state})"
        )

    def __repr__(self) -> str:
        k = self.kpis
        gap = "-" if self.gap is None else f"{self.gap:.4%}"
        served = "no plan" if k is None else f"served={k.served}, unserved={k.unserved}"
        return (
            f"SolveResult({self.status}, {self.engine}, objective={_num(self.bounds.primal)}, "
            f"bound={_num(self.bounds.dual)}, gap={gap}, {served})"
        )


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"
