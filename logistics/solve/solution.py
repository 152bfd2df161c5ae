"""What an engine returns: the chosen candidates and what it proved about them.

Kept apart from the engine adapters so that importing the package does not load
OR-Tools or HiGHS (they load on the first solve).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from logistics.solve.stats import EngineStats
from logistics.solve.termination import Status, Termination, TerminationReason

Improvement = Callable[[float, float, float], None]
"""Called with each better plan's objective and bound (weight units) and the seconds
since the search started."""


@dataclass(frozen=True, slots=True)
class Solution:
    """A selection of candidates and what the engine proved about it.

    ``objective`` (an integer) and ``bound`` are in the model's internal scale
    (``SCALE`` per weight unit); ``build_s`` and ``solve_s`` the engine's model
    building and search times.
    """

    termination: Termination
    chosen: list[int]
    objective: int | None
    bound: float | None
    build_s: float = 0.0
    solve_s: float = 0.0
    stats: EngineStats | None = None
    engine: str = ""  # the engine(s) that found it, when the caller asked for ``auto``

    @property
    def status(self) -> Status:
        """The coarse status of the termination."""
        return self.termination.status


def no_candidates(offset: int) -> Solution:
    """The solution of a model without candidates: every order unserved, optimal."""
    optimal = Termination(reason=TerminationReason.OPTIMAL, detail="no candidates")
    return Solution(optimal, [], offset, float(offset))
