"""One lane traversal, vectorised over many times (and lanes) at once.

Material handed over at a lane's origin at ``t`` is ready at ``t + lead``; it leaves at
the lane's next timetabled departure or, on demand, at the first open instant of its
dispatch window (the origin's hours on the days the lane runs); it arrives after the
lane's duration; a border crossing waits for the customs office to open, then takes
the clearance and import release; the material is handed over at the first instant
the destination is open.

This module states that rule once, over numpy arrays, for the batch engine
(:mod:`logistics.network.batch`: queries x the lanes leaving a site) and the Monte
Carlo (:mod:`logistics.risk.simulate`: samples x one lane, with sampled durations,
clearances and cancelled departures). The scalar
:meth:`~logistics.network.compiled.CompiledNetwork.traverse`, with its copy inlined in
the search loop of :mod:`logistics.network.earliest`, is the one documented exception
(per-call numpy overhead would dominate the scalar hot path); it reads the same open
times (:class:`~logistics.network.compiled.OpenTimes`) these tables are built from, and
tests/network/test_traversal.py checks that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from logistics.network.timebase import INF

__all__ = ["SPAN", "LaneTraversal", "TableBuilder", "TimeTable"]

SPAN = float(2**32)  # larger than any time (seconds after t0) inside a horizon

Times = Any  # a float or a numpy array of UTC seconds


class TimeTable:
    """Sorted open intervals (or departure instants) of many owners, in UTC seconds.

    Owner ``k``'s entries are ``starts[lo[k]:hi[k]]`` / ``ends[lo[k]:hi[k]]``, followed
    by one padding entry (start inf): the next opening (departure) after an owner's last
    one is inf. The keys ``k * SPAN + (end - t0)`` order every owner's ends in one
    array, so one ``searchsorted`` answers many (owner, time) pairs. An owner open at
    all times is one interval (-inf, inf).

    Lookups take ``ids`` either as one owner (an int: exact for any float time) or as
    an array of owners broadcast against the times (exact for whole-second times in
    [t0, t0 + SPAN - 1)).
    """

    __slots__ = ("_ends_of", "_starts_of", "always", "ends", "hi", "keys", "lo", "starts", "t0")

    def __init__(
        self, owners: Sequence[tuple[Sequence[float], Sequence[float], bool]], t0: float
    ) -> None:
        """``owners``: per owner its sorted (starts, ends, always); ``t0`` the earliest
        time keyed lookups are asked about."""
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.always: list[bool] = []
        size = 0
        for k, (s, e, always) in enumerate(owners):
            s_a = np.array([-INF] if always else s, dtype=float)
            e_a = np.array([INF] if always else e, dtype=float)
            starts += [s_a, np.array([INF])]
            ends += [e_a, np.array([INF])]
            rel = np.clip(e_a - t0, -0.5, SPAN - 1)
            keys += [k * SPAN + rel, np.array([k * SPAN + SPAN - 1])]
            self.lo.append(size)
            self.hi.append(size + len(s_a))
            self.always.append(always)
            size += len(s_a) + 1
        self.t0 = t0
        self.starts = np.concatenate(starts) if starts else np.array([INF])
        self.ends = np.concatenate(ends) if ends else np.array([INF])
        self.keys = np.concatenate(keys) if keys else np.array([0.0])
        # per owner: views of its ends, and of its starts with the padding
        self._ends_of = [self.ends[lo:hi] for lo, hi in zip(self.lo, self.hi, strict=True)]
        self._starts_of = [
            self.starts[lo : hi + 1] for lo, hi in zip(self.lo, self.hi, strict=True)
        ]

    @classmethod
    def of_hours(cls, hours: Sequence[Any], t0: float) -> TimeTable:
        """A table of open times (objects with ``starts``, ``ends``, ``always``, such as
        :class:`~logistics.network.compiled.OpenTimes`), owner ``k`` being ``hours[k]``;
        ``t0`` as in the constructor."""
        return cls([(h.starts, h.ends, h.always) for h in hours], t0)

    @classmethod
    def of_departures(cls, departures: Sequence[Sequence[float]], t0: float) -> TimeTable:
        """A table of sorted departure instants, owner ``k`` being ``departures[k]``;
        ``t0`` as in the constructor."""
        return cls([(d, d, False) for d in departures], t0)

    def next_open(self, ids: Any, t: Times) -> Times:
        """First open instant at or after ``t`` of owner(s) ``ids`` (``t`` itself when
        open, inf when there is none); ``ids`` an int or an array broadcast with ``t``."""
        if isinstance(ids, int):
            if self.always[ids]:
                return t
            i = np.searchsorted(self._ends_of[ids], t, side="right")
            return np.maximum(t, self._starts_of[ids][i])
        i = np.searchsorted(self.keys, ids * SPAN + (t - self.t0), side="right")
        return np.maximum(t, self.starts.take(i, mode="clip"))

    def next_departure(self, ids: Any, t: Times, skips: np.ndarray | None = None) -> Times:
        """First departure at or after ``t`` of owner(s) ``ids`` (inf when none), or with
        ``skips`` (one owner only) the departure that many later; ``ids`` as in
        :meth:`next_open`."""
        if isinstance(ids, int):
            deps = self._ends_of[ids]  # a departures table's starts and ends are equal
            i: Any = np.searchsorted(deps, t, side="left")
            if skips is not None:
                i = np.minimum(i + skips, len(deps))
            return self._starts_of[ids][i]
        i = np.searchsorted(self.keys, ids * SPAN + (t - self.t0), side="left")
        return self.starts.take(i, mode="clip")


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

    def build(self, t0: float) -> tuple[TimeTable, TimeTable]:
        """The (open times, departures) tables; ``t0`` as in :class:`TimeTable`."""
        return TimeTable.of_hours(self._hours, t0), TimeTable.of_departures(self._deps, t0)


class _Intervals:
    __slots__ = ("always", "ends", "starts")

    def __init__(self, starts: list[float], ends: list[float]) -> None:
        self.starts, self.ends, self.always = starts, ends, False


class LaneTraversal:
    """Lanes as owners in a table of open times and a table of departures.

    Each of ``lead``, ``departures`` (owner in ``deps``, -1 for an on-demand lane),
    ``window`` (on demand: owner in ``hours`` of the dispatch window), ``office``
    (owner in ``hours`` of the customs office, -1 when no border is crossed) and ``to``
    (owner in ``hours`` of the destination) is an int for one lane, or an array over
    lanes, the last axis of the times (``lead`` the one charged from the node the lane
    leaves: none for an on-demand road lane taken from a courier's van, see
    :mod:`logistics.network.compiled`). ``duration`` and ``clearance`` (seconds,
    clearance with the import release) are the planned ones, used by :meth:`traverse`.
    """

    __slots__ = (
        "_customs",
        "_dep_ids",
        "_dep_mode",
        "_office_ids",
        "_win_ids",
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
        lead: Any,
        departures: Any,
        window: Any,
        office: Any,
        to: Any,
        duration: Any = 0.0,
        clearance: Any = 0.0,
    ) -> None:
        """The fields as described in the class docstring."""
        self.hours, self.deps = hours, deps
        self.lead, self.departures, self.window = lead, departures, window
        self.office, self.to = office, to
        self.duration: Any = duration
        self.clearance: Any = clearance
        # _dep_mode / _customs: True (every lane), False (none) or a mask over lanes
        self._dep_ids: Any
        self._win_ids: Any
        self._office_ids: Any
        if isinstance(departures, int):
            self._dep_mode: Any = departures >= 0
            self._customs: Any = office >= 0
            self._dep_ids, self._win_ids, self._office_ids = departures, window, office
        else:
            tt = np.asarray(departures) >= 0
            cu = np.asarray(office) >= 0
            self._dep_ids = np.asarray(departures)[tt]
            self._win_ids = np.asarray(window)[~tt]
            self._office_ids = np.asarray(office)[cu]
            self.clearance = np.asarray(clearance)[cu]
            self._dep_mode = True if tt.all() else False if not tt.any() else tt
            self._customs = True if cu.all() else False if not cu.any() else cu

    def depart(self, t: Times, skips: np.ndarray | None = None) -> Times:
        """Departure of material handed over at the origin at ``t``: the departure
        ``skips`` after the first one at or after ``t + lead`` (timetabled; ``skips``
        for one lane only) or the first open instant of the dispatch window."""
        ready = t + self.lead
        tt = self._dep_mode
        if tt is True:
            return self.deps.next_departure(self._dep_ids, ready, skips)
        if tt is False:
            return self.hours.next_open(self._win_ids, ready)
        out = np.empty(np.shape(ready))
        out[..., tt] = self.deps.next_departure(self._dep_ids, ready[..., tt])
        out[..., ~tt] = self.hours.next_open(self._win_ids, ready[..., ~tt])
        return out

    def clear(
        self, arrival: Times, clearance: Times | None = None, release: float | None = None
    ) -> Times:
        """Cleared at the destination after a physical ``arrival``: the customs office's
        next open instant plus ``clearance`` (default: the planned one with the import
        release; for many lanes, given for the lanes that cross a border), then plus
        ``release`` if given. Lanes without a border clear on arrival. With many lanes,
        ``arrival`` is written into and returned."""
        cu = self._customs
        if cu is False:
            return arrival
        extra = self.clearance if clearance is None else clearance
        if cu is True:
            cleared = self.hours.next_open(self._office_ids, arrival) + extra
            return cleared if release is None else cleared + release
        cleared = self.hours.next_open(self._office_ids, arrival[..., cu]) + extra
        arrival[..., cu] = cleared if release is None else cleared + release
        return arrival

    def handover(self, cleared: Times) -> Times:
        """First instant at or after ``cleared`` the destination is open."""
        return self.hours.next_open(self.to, cleared)

    def traverse(self, t: Times) -> tuple[Times, Times, Times, Times]:
        """(depart, arrival, cleared, handover) of material handed over at the origin at
        ``t``, with the planned duration and clearance; inf when it cannot go."""
        depart = self.depart(t)
        arrival = depart + self.duration
        cleared = self.clear(np.array(arrival, dtype=float, copy=True))
        return depart, arrival, cleared, self.handover(cleared)
