"""What a sweep learns about one scenario: its re-plan and its impact.

Plain frozen dataclasses: the re-plan and impact travel back from the workers, so
they hold only picklable values (no OR-Tools object, no mapping proxy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from logistics.model.itinerary import Itinerary
from logistics.model.plan import Plan
from logistics.model.scenario import Scenario

if TYPE_CHECKING:
    from logistics.check import Violation
    from logistics.pipeline import NightlyPlan
    from logistics.risk import SimulationResult
    from logistics.solve.result import SolveResult

__all__ = ["Impact", "Replanned", "ScenarioOutcome"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Replanned:
    """The nightly plan (:func:`logistics.plan`) of one scenario's inputs, as plain
    data: the SolveResult (its plan with ``p_breach`` set by the simulation, the
    simulation's figures and the checker's count in its stats), the simulation, Plan B
    per (order id, direction), the checker's violations, the size of the book, seconds
    taken."""

    result: SolveResult
    risk: SimulationResult | None
    fallbacks: Mapping[tuple[str, str], tuple[Itinerary, ...]] = field(default_factory=dict)
    violations: tuple[Violation, ...] = ()
    orders: int
    wall_s: float

    def nightly(self, **settings: object) -> NightlyPlan:
        """This re-plan as a :class:`~logistics.pipeline.NightlyPlan` (what ``logistics
        plan`` writes), ``settings`` added to its result's ``params``."""
        from logistics.pipeline import NightlyPlan

        result = replace(self.result, params={**self.result.params, **settings})
        return NightlyPlan(
            result=result,
            risk=self.risk,
            fallbacks=tuple(self.fallbacks.items()),
            violations=self.violations,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Impact:
    """Tonight's plan kept as it is under one scenario: the plan over the scenario's
    order book (``p_breach`` set), its simulation, the order ids the scenario added
    (unserved here), removed (left out) and displaced (served tonight within tonight's
    capacities, but a capacity the scenario cuts no longer holds them: unserved here),
    the number of tonight's shipments a disruption window covers (``exposed``), seconds
    taken."""

    plan: Plan
    risk: SimulationResult | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    displaced: tuple[str, ...] = ()
    exposed: int = 0
    wall_s: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioOutcome:
    """Everything a sweep learnt about one scenario (the baseline's impact is tonight's
    plan itself): its folder name ``slug`` and simulation ``seed``."""

    scenario: Scenario
    slug: str
    seed: int
    replanned: Replanned
    impact: Impact

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def wall_s(self) -> float:
        """Seconds of work on this scenario (re-plan and impact, summed over workers)."""
        return self.replanned.wall_s + self.impact.wall_s
