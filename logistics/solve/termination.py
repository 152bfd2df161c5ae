"""Why a solve stopped, and which limit stopped it (after OR-Tools MathOpt's Termination).

Every engine's own status (CP-SAT's status codes, HiGHS's model status, the greedy
baseline) is mapped onto :class:`Termination` here and nowhere else, so a result never
says "time limit" when another limit, or none, stopped the search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Outcome of a solve. Infeasible is a status, never an exception."""

    OPTIMAL = "OPTIMAL"  # proven optimal (within the relative gap asked)
    FEASIBLE = "FEASIBLE"  # a plan, not proven optimal (a limit, or the greedy engine)
    INFEASIBLE = "INFEASIBLE"  # the fixed commitments cannot all hold
    UNKNOWN = "UNKNOWN"  # no plan found within the limits


class TerminationReason(StrEnum):
    """Why the search stopped."""

    OPTIMAL = "optimal"  # the plan is proven optimal (its objective equals the bound)
    GAP_LIMIT = "gap limit"  # proven within the relative gap asked, not to the end
    FEASIBLE = "feasible"  # a limit stopped the search with a plan in hand
    NO_SOLUTION_FOUND = "no solution found"  # a limit stopped the search without a plan
    INFEASIBLE = "infeasible"  # no plan keeps the fixed commitments
    MODEL_INVALID = "model invalid"  # the engine rejected the model
    HEURISTIC = "heuristic"  # a heuristic plan (greedy, or a rounded LP): no proof
    # the engine proved the plan best over the candidates, not over every schedule
    CANDIDATES_OPTIMAL = "optimal over the candidates"


class Limit(StrEnum):
    """The limit that stopped the search (``NONE`` when none did)."""

    NONE = "none"
    TIME = "time"
    DETERMINISTIC_TIME = "deterministic time"
    GAP = "gap"
    ITERATION = "iteration"
    SOLUTION = "solution"
    MEMORY = "memory"
    OBJECTIVE = "objective"
    INTERRUPTED = "interrupted"
    UNDETERMINED = "undetermined"  # a limit stopped it, the engine does not say which
    OTHER = "other"


_STATUS = {
    TerminationReason.OPTIMAL: Status.OPTIMAL,
    TerminationReason.GAP_LIMIT: Status.OPTIMAL,
    TerminationReason.FEASIBLE: Status.FEASIBLE,
    TerminationReason.HEURISTIC: Status.FEASIBLE,
    TerminationReason.CANDIDATES_OPTIMAL: Status.FEASIBLE,
    TerminationReason.INFEASIBLE: Status.INFEASIBLE,
    TerminationReason.NO_SOLUTION_FOUND: Status.UNKNOWN,
    TerminationReason.MODEL_INVALID: Status.UNKNOWN,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Termination:
    """Why a solve stopped: ``reason``, the ``limit`` that stopped it, and ``detail``
    (the engine's own words, or what was done about it)."""

    reason: TerminationReason
    limit: Limit = Limit.NONE
    detail: str = ""

    @property
    def status(self) -> Status:
        """The coarse status of this termination."""
        return _STATUS[self.reason]

    @property
    def has_plan(self) -> bool:
        """True when the engine ended with a plan (optimal, within the gap, stopped by
        a limit with a plan, or the greedy baseline)."""
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def __str__(self) -> str:
        """Short words for summary.json and tables: ``optimal``, ``gap limit``, ``time
        limit``, ``time limit, no plan``, ``greedy`` (the greedy engine), ``time limit,
        starting plan`` (the engine found none; the plan it started from is kept),
        ``optimal over the candidates``, ``infeasible``..."""
        limit = f"{self.limit} limit"
        if self.reason is TerminationReason.FEASIBLE:
            text = limit
        elif self.reason is TerminationReason.NO_SOLUTION_FOUND:
            text = f"{limit}, no plan"
        elif self.reason is TerminationReason.HEURISTIC:
            text = "greedy" if self.limit is Limit.NONE else f"{limit}, starting plan"
        else:
            text = str(self.reason)
        return f"{text} ({self.detail})" if self.detail else text


def proven(objective: int, bound: float | None) -> bool:
    """True when ``bound`` proves the integer ``objective`` optimal: no integer lies
    between them (``bound`` within 1e-6 of the next integer counts as reaching it)."""
    return bound is not None and math.ceil(bound - 1e-6) >= objective


def heuristic(limit: Limit = Limit.NONE, detail: str = "") -> Termination:
    """A heuristic plan: the greedy one asked for (``limit`` NONE), or the plan the
    engine started from (greedy, or the rounded LP of pricing) kept because the engine
    found none before ``limit`` stopped it."""
    return Termination(reason=TerminationReason.HEURISTIC, limit=limit, detail=detail)


def from_cpsat(
    code: str,
    *,
    objective: int | None,
    bound: float | None,
    wall_s: float,
    deterministic_time: float,
    time_limit_s: float,
    deterministic_limit: float | None,
) -> Termination:
    """The termination of a CP-SAT solve.

    Args:
        code: the status name (``OPTIMAL``, ``FEASIBLE``, ``INFEASIBLE``,
            ``MODEL_INVALID`` or ``UNKNOWN``).
        objective, bound: the integer objective of the plan found (None without one)
            and the best bound.
        wall_s, deterministic_time: what the solve spent.
        time_limit_s, deterministic_limit: the limits asked for.

    Returns:
        OPTIMAL when the bound proves the objective, GAP_LIMIT when CP-SAT stopped at
        the relative gap asked; FEASIBLE / NO_SOLUTION_FOUND with the limit reached
        (UNDETERMINED when neither time limit was).
    """
    if code == "OPTIMAL" and objective is not None:
        if proven(objective, bound):
            return Termination(reason=TerminationReason.OPTIMAL)
        return Termination(reason=TerminationReason.GAP_LIMIT, limit=Limit.GAP)
    if code == "INFEASIBLE":
        return Termination(reason=TerminationReason.INFEASIBLE)
    if code == "MODEL_INVALID":
        return Termination(reason=TerminationReason.MODEL_INVALID)
    if deterministic_limit is not None and deterministic_time >= 0.99 * deterministic_limit:
        limit = Limit.DETERMINISTIC_TIME
    elif wall_s >= 0.99 * time_limit_s:
        limit = Limit.TIME
    else:
        limit = Limit.UNDETERMINED
    if code == "FEASIBLE" and objective is not None:
        return Termination(reason=TerminationReason.FEASIBLE, limit=limit)
    return Termination(reason=TerminationReason.NO_SOLUTION_FOUND, limit=limit)


# HiGHS model statuses (enum names) of a run stopped by a limit.
_HIGHS_LIMITS = {
    "kTimeLimit": Limit.TIME,
    "kIterationLimit": Limit.ITERATION,
    "kSolutionLimit": Limit.SOLUTION,
    "kMemoryLimit": Limit.MEMORY,
    "kObjectiveBound": Limit.OBJECTIVE,
    "kObjectiveTarget": Limit.OBJECTIVE,
    "kInterrupt": Limit.INTERRUPTED,
    "kHighsInterrupt": Limit.INTERRUPTED,
}
_HIGHS_INVALID = ("kModelError", "kLoadError", "kModelEmpty")


def from_highs(model_status: str, *, objective: int | None, bound: float | None) -> Termination:
    """The termination of a HiGHS solve.

    Args:
        model_status: the HiGHS model status name (``kOptimal``, ``kTimeLimit``...).
        objective: the integer objective of the solution HiGHS holds (None without).
        bound: HiGHS's dual bound (None when it has none).

    Returns:
        OPTIMAL when the bound proves the objective, GAP_LIMIT when HiGHS stopped at
        the relative gap asked; FEASIBLE / NO_SOLUTION_FOUND with the limit reached;
        INFEASIBLE, MODEL_INVALID; any other status is NO_SOLUTION_FOUND with limit
        OTHER and the status in ``detail``.
    """
    if model_status == "kInfeasible":
        return Termination(reason=TerminationReason.INFEASIBLE)
    if model_status in _HIGHS_INVALID:
        return Termination(reason=TerminationReason.MODEL_INVALID, detail=model_status)
    if model_status == "kOptimal" and objective is not None:
        if bound is None or proven(objective, bound):
            return Termination(reason=TerminationReason.OPTIMAL)
        return Termination(reason=TerminationReason.GAP_LIMIT, limit=Limit.GAP)
    limit = _HIGHS_LIMITS.get(model_status)
    if limit is None:
        return Termination(
            reason=TerminationReason.NO_SOLUTION_FOUND, limit=Limit.OTHER, detail=model_status
        )
    if objective is not None:
        return Termination(reason=TerminationReason.FEASIBLE, limit=limit)
    return Termination(reason=TerminationReason.NO_SOLUTION_FOUND, limit=limit)
