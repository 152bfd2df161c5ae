"""One lane traversal, vectorised over many times at once.

Material handed over at a lane's origin at ``t`` is ready at ``t + lead``; it leaves at
the lane's next timetabled departure or, on demand, at the first open instant of its
dispatch window (the origin's hours on the days the lane runs); it arrives after the
lane's duration; a border crossing waits for the customs office to open, then takes
the clearance and import release; the material is handed over at the first instant
the destination is open.

This module states that rule once, over numpy arrays of times, for the Monte Carlo
(:mod:`logistics.risk.simulate`: samples x one lane, with sampled durations,
clearances and cancelled departures); its tables also give the vectorised infusion
times (:func:`logistics.network.infusion.infusion_at`). The scalar
:meth:`~logistics.network.compiled.CompiledNetwork.traverse`, with its copy inlined in
the compiled search loop of :mod:`logistics.network.jit`, is the one documented
exception (per-call numpy overhead would dominate the scalar hot path); it reads the
same open times (:class:`~logistics.network.compiled.OpenTimes`) these tables are
built from, and tests/network/test_traversal.py checks that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from logistics.network.timebase import INF

__all__ = ["LaneTraversal", "TableBuilder", "TimeTable"]

Times = Any  # a float or a numpy array of UTC seconds


class TimeTable:
    """Sorted open intervals (or departure instants) of many owners, in UTC seconds.

    Owner ``k``'s intervals are its starts and ends, the starts followed by one
    padding entry (inf): the next opening (departure) after an owner's last one is
    inf. An owner open at all times is one interval (-inf, inf). Lookups take one
    owner (an int) and a float or an array of times.
    """

    __slots__ = ("_ends_of", "_starts_of", "always")

    def __init__(self, owners: Sequence[tuple[Sequence[float], Sequence[float], bool]]) -> None:
        """``owners``: per owner its sorted (starts, ends, always)."""
        self._starts_of: list[np.ndarray] = []
        self._ends_of: list[np.ndarray] = []
        self.always: list[bool] = []
        for s, e, always in owners:
            starts = np.array([-INF] if always else s, dtype=float)
            self._starts_of.append(np.concatenate([starts, [INF]]))
            self._ends_of.append(np.array([INF] if always else e, dtype=float))
            self.always.append(always)

    @classmethod
    def of_hours(cls, hours: Sequence[Any]) -> TimeTable:
        """A table of open times (objects with ``starts``, ``ends``, ``always``, such as
        :class:`~logistics.network.compiled.OpenTimes`), owner ``k`` being ``hours[k]``."""
        return cls([(h.starts, h.ends, h.always) for h in hours])

    @classmethod
    def of_departures(cls, departures: Sequence[Sequence[float]]) -> TimeTable:
        """A table of sorted departure instants, owner ``k`` being ``departures[k]``."""
        return cls([(d, d, False) for d in departures])

    def next_open(self, owner: int, t: Times) -> Times:
        """First open instant at or after ``t`` of ``owner`` (``t`` itself when open,
        inf when there is none)."""
        if self.always[owner]:
            return t
        i = np.searchsorted(self._ends_of[owner], t, side="right")
        return np.maximum(t, self._starts_of[owner][i])

    def next_departure(self, owner: int, t: Times, skips: np.ndarray | None = None) -> Times:
        """First departure at or after ``t`` of ``owner`` (inf when none), or with
        ``skips`` the departure that many later."""
        deps = self._ends_of[owner]  # a departures table's starts and ends are equal
        i: Any = np.searchsorted(deps, t, side="left")
        if skips is not None:
            i = np.minimum(i + skips, len(deps))
        return self._starts_of[owner][i]


class TableBuilder:
    """Open times and departures collected as owners, then built into two
    :class:`TimeTable` at once (for a caller that learns its owners lane by lane)."""

    def __init__(self) -> None:
        self._hours: list[Any] = []
        self._by_id: dict[int, int] = {}
        self._deps: list[Sequence[float]] = []

    def hours(self, times: Any) -> int:
        """The owner of open times ``times`` (one owner per distinct object)."""
        if id(times) not in self._by_id:
            self._by_id[id(times)] = len(self._hours)
            self._hours.append(times)
        return self._by_id[id(times)]

    def window(self, windows: Sequence[Any]) -> int:
        """The owner of one dispatch window (open times), or of the union of
        ``windows`` when they are several disjoint ones."""
        if len(windows) == 1:
            return self.hours(windows[0])
        pairs = sorted((s, e) for w in windows for s, e in zip(w.starts, w.ends, strict=True))
        self._hours.append(_Intervals([p[0] for p in pairs], [p[1] for p in pairs]))
        return len(self._hours) - 1

    def departures(self, deps: Sequence[float]) -> int:
        """A new owner of the sorted departure instants ``deps``."""
        self._deps.append(deps)
        return len(self._deps) - 1

    def build(self) -> tuple[TimeTable, TimeTable]:
        """The (open times, departures) tables."""
        return TimeTable.of_hours(self._hours), TimeTable.of_departures(self._deps)


class _Intervals:
    __slots__ = ("always", "ends", "starts")

    def __init__(self, starts: list[float], ends: list[float]) -> None:
        self.starts, self.ends, self.always = starts, ends, False


class LaneTraversal:
    """One lane as owners in a table of open times and a table of departures.

    ``lead`` is the lead time (seconds) charged from the node the lane leaves (none
    for an on-demand road lane taken from a courier's van, see
    :mod:`logistics.network.compiled`); ``departures`` the lane's owner in ``deps``
    (-1 for an on-demand lane), ``window`` (on demand) that of its dispatch window in
    ``hours``, ``office`` that of the customs office in ``hours`` (-1 when no border
    is crossed) and ``to`` that of the destination. ``duration`` and ``clearance``
    (seconds, clearance with the import release) are the planned ones, used by
    :meth:`traverse`. Times are a float or an array (many samples of the lane).
    """

    __slots__ = (
        "clearance",
        "departures",
        "deps",
        "duration",
        "hours",
        "lead",
        "office",
        "to",
        "window",
    )

    def __init__(
        self,
        hours: TimeTable,
        deps: TimeTable,
        *,
        lead: float,
        departures: int,
        window: int,
        office: int,
        to: int,
        duration: float = 0.0,
        clearance: float = 0.0,
    ) -> None:
        """The fields as described in the class docstring."""
        self.hours, self.deps = hours, deps
        self.lead, self.departures, self.window = lead, departures, window
        self.office, self.to = office, to
        self.duration, self.clearance = duration, clearance

    def depart(self, t: Times, skips: np.ndarray | None = None) -> Times:
        """Departure of material handed over at the origin at ``t``: the departure
        ``skips`` after the first one at or after ``t + lead`` (timetabled) or the
        first open instant of the dispatch window."""
        ready = t + self.lead
        if self.departures >= 0:
            return self.deps.next_departure(self.departures, ready, skips)
        return self.hours.next_open(self.window, ready)

    def clear(
        self, arrival: Times, clearance: Times | None = None, release: float | None = None
    ) -> Times:
        """Cleared at the destination after a physical ``arrival``: the customs office's
        next open instant plus ``clearance`` (default: the planned one with the import
        release), then plus ``release`` if given. A lane without a border clears on
        arrival."""
        if self.office < 0:
            return arrival
        extra = self.clearance if clearance is None else clearance
        cleared = self.hours.next_open(self.office, arrival) + extra
        return cleared if release is None else cleared + release

    def handover(self, cleared: Times) -> Times:
        """First instant at or after ``cleared`` the destination is open."""
        return self.hours.next_open(self.to, cleared)

    def traverse(self, t: Times) -> tuple[Times, Times, Times, Times]:
        """(depart, arrival, cleared, handover) of material handed over at the origin at
        ``t``, with the planned duration and clearance; inf when it cannot go."""
        depart = self.depart(t)
        arrival = depart + self.duration
        cleared = self.clear(arrival)
        return depart, arrival, cleared, self.handover(cleared)
