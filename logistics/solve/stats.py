"""Typed statistics of a solve: objective bounds, model size, times, engine figures.

Objective values here are in weight units (the integer scale of the model stays
inside ``solve/``). ``to_dict`` gives the ``stats`` object of summary.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveBounds:
    """The objective of the plan found (``primal``) and the least objective any plan
    can have (``dual``), both in weight units; None when unknown."""

    primal: float | None = None
    dual: float | None = None

    @property
    def gap(self) -> float | None:
        """Relative gap |primal - dual| / max(1, |primal|); None without both."""
        if self.primal is None or self.dual is None:
            return None
        return abs(self.primal - self.dual) / max(1.0, abs(self.primal))


@dataclass(frozen=True, slots=True, kw_only=True)
class CpSatStats:
    """What CP-SAT reports about its search."""

    deterministic_time: float
    branches: int
    conflicts: int

    def to_dict(self) -> dict[str, Any]:
        """The figures as summary.json records them."""
        return {
            "deterministic_time": self.deterministic_time,
            "branches": self.branches,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class HighsStats:
    """What HiGHS reports about its branch and bound (``highs_objective`` and
    ``mip_gap`` only when it holds a solution)."""

    nodes: int
    presolve: str
    model_status: str
    highs_version: str
    highs_objective: float | None = None
    mip_gap: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The figures as summary.json records them."""
        d: dict[str, Any] = {
            "nodes": self.nodes,
            "presolve": self.presolve,
            "model_status": self.model_status,
            "highs_version": self.highs_version,
        }
        if self.highs_objective is not None:
            d["highs_objective"] = self.highs_objective
        if self.mip_gap is not None:
            d["mip_gap"] = self.mip_gap
        return d


EngineStats = CpSatStats | HighsStats


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveStats:
    """Size, times and figures of one solve.

    ``build_s`` and ``solve_s`` are the engine's model building and search times
    (None for the greedy engine); ``greedy_objective`` is the greedy plan's objective
    (weight units); ``overbooked_resources`` the resources whose frozen bookings
    already exceed their capacity. The pipeline sets ``risk`` (the Monte Carlo's
    figures) and ``checker_violations``.
    """

    engine: str
    orders: int
    candidates: int
    capacity_rows: int
    greedy_objective: float
    overbooked_resources: tuple[tuple[str, ...], ...] = ()
    build_s: float | None = None
    solve_s: float | None = None
    engine_stats: EngineStats | None = None
    pricing: Mapping[str, Any] | None = None  # column generation (PricingStats.to_dict)
    candidate_bound: float | None = None  # the engine's bound, over the candidates only
    risk: Mapping[str, Any] | None = None
    checker_violations: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``stats`` object of summary.json (keys without a value are left out)."""
        d: dict[str, Any] = {
            "engine": self.engine,
            "candidates": self.candidates,
            "capacity_rows": self.capacity_rows,
        }
        if self.build_s is not None:
            d["build_s"] = self.build_s
        if self.solve_s is not None:
            d["solve_s"] = self.solve_s
        if self.engine_stats is not None:
            d.update(self.engine_stats.to_dict())
        if self.pricing is not None:
            d["pricing"] = dict(self.pricing)
        if self.candidate_bound is not None:
            d["candidate_bound"] = self.candidate_bound
        d["orders"] = self.orders
        d["greedy_objective"] = self.greedy_objective
        d["overbooked_resources"] = [list(r) for r in self.overbooked_resources]
        if self.risk is not None:
            d["risk"] = dict(self.risk)
        if self.checker_violations is not None:
            d["checker_violations"] = self.checker_violations
        return d
