"""The capacities the candidates hold, as integers, and the capacity rows made of them.

A candidate holds a capacity key once per unit (:func:`logistics.model.ledger.held`:
its batch's manufacturing days, then its apheresis day, then its shipper departures).
:class:`Holdings` numbers the keys of a candidate set as they first come and keeps,
per candidate, its batch (a site's run of days, shared by many candidates), its
apheresis day and its departures as those numbers. The rows (the candidates holding
each key, ascending, with their units) are then one counting sort in compiled code:
29 M entries at 10,000 orders, where Python member lists made ``build_problem`` and
its matrix take 10.0-11.4 s against 7.7-8.3 s now (one process, alternating).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

import numba
import numpy as np

from logistics.model.ledger import Key, Kind

_MANUFACTURING, _APHERESIS, _LANE = Kind.MANUFACTURING, Kind.APHERESIS, Kind.LANE
_BATCH = attrgetter("site", "mfg_days")
_DAY = attrgetter("order", "apheresis_day")
_DEPARTURES = attrgetter("departures")


class _Numbered(dict):
    """A dict that numbers a key it does not have yet with ``number(key)``."""

    __slots__ = ("number",)

    def __init__(self, number: Callable[[Any], Any]) -> None:
        super().__init__()
        self.number = number

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.number(key)
        return value


class _Keys:
    """Numbers keys as they first come; a batch (site, days) by its day keys."""

    __slots__ = ("batch_flat", "batch_ptr", "ids", "keys")

    def __init__(self) -> None:
        self.ids: dict[Key, int] = {}
        self.keys: list[Key] = []
        self.batch_flat = array("q")  # the day keys of each batch, batch after batch
        self.batch_ptr = array("q", [0])

    def number(self, key: Key) -> int:
        i = self.ids.get(key)
        if i is None:
            i = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return i

    def batch(self, batch: tuple[str, tuple[date, ...]]) -> int:
        site, days = batch
        self.batch_flat.extend([self.number((_MANUFACTURING, site, d)) for d in days])
        self.batch_ptr.append(len(self.batch_flat))
        return len(self.batch_ptr) - 2


class Holdings:
    """Per candidate (in order), the numbers of the keys it holds; ``keys[i]`` is
    the key numbered ``i``. Candidates are appended (:meth:`add`) or cut from an
    index on (:meth:`cut`)."""

    __slots__ = (
        "_batch_ids",
        "_centres",
        "_days",
        "_dep_ids",
        "_keys",
        "batch",
        "collection",
        "dep_ptr",
        "deps",
    )

    def __init__(self, centres: Sequence[str]) -> None:
        """``centres``: the treatment centre of each order of the book."""
        self._centres = centres
        # (site, days) -> its batch; (centre, day) and departures -> their keys' numbers
        # (the numbering functions never refer back to self: no reference cycle keeps
        # the holdings alive past their candidate set while the collector is paused)
        keys = self._keys = _Keys()
        self._batch_ids = _Numbered(keys.batch)
        self._days = _Numbered(lambda day: keys.number((_APHERESIS, *day)))
        self._dep_ids = _Numbered(lambda deps: [keys.number((_LANE, *d)) for d in deps])
        self.batch = array("q")  # per candidate: its batch
        self.collection = array("q")  # per candidate: its apheresis day's key
        self.deps = array("q")  # the departures' keys, candidate after candidate
        self.dep_ptr = array("q", [0])

    def __len__(self) -> int:
        return len(self.batch)

    @property
    def keys(self) -> list[Key]:
        """The keys by number."""
        return self._keys.keys

    def add(self, cands: Sequence) -> None:
        """Append candidates ``cands`` (:class:`~logistics.solve.candidates.Candidate`)."""
        centres = self._centres
        self.batch.extend([self._batch_ids[key] for key in map(_BATCH, cands)])
        days = self._days
        self.collection.extend([days[(centres[k], day)] for k, day in map(_DAY, cands)])
        deps = [self._dep_ids[d] for d in map(_DEPARTURES, cands)]
        self.deps.extend(itertools.chain.from_iterable(deps))
        ends = itertools.accumulate(map(len, deps), initial=self.dep_ptr[-1])
        next(ends)
        self.dep_ptr.extend(ends)

    def cut(self, n: int) -> None:
        """Forget the candidates from index ``n`` on (their keys keep their numbers)."""
        del self.batch[n:]
        del self.collection[n:]
        del self.deps[self.dep_ptr[n] :]
        del self.dep_ptr[n + 1 :]

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(keys, start, index, value)``: the keys held, in the order they are first
        held (candidate after candidate, each in :func:`held` order), and by row
        the candidates holding each (ascending) and their units."""
        return _rows(
            len(self.keys),
            np.frombuffer(self.batch, dtype=np.int64),
            np.frombuffer(self.collection, dtype=np.int64),
            np.frombuffer(self.dep_ptr, dtype=np.int64),
            np.frombuffer(self.deps, dtype=np.int64),
            np.frombuffer(self._keys.batch_ptr, dtype=np.int64),
            np.frombuffer(self._keys.batch_flat, dtype=np.int64),
        )


class CapacityRows(Sequence[tuple[Key, int, list[int]]]):
    """A problem's capacity rows (key, room, the candidates holding it, a candidate
    once per unit), held as a compressed matrix; a row's list is made when asked."""

    __slots__ = ("keys", "members", "rooms", "start", "units")

    def __init__(
        self,
        keys: list[Key],
        rooms: list[int],
        start: np.ndarray,
        members: np.ndarray,
        units: np.ndarray,
    ) -> None:
        """Row ``r`` is ``keys[r]`` with room ``rooms[r]``; its candidates are
        ``members[start[r]:start[r + 1]]``, each holding ``units`` of it."""
        self.keys, self.rooms = keys, rooms
        self.start, self.members, self.units = start, members, units

    def __len__(self) -> int:
        return len(self.keys)

    def _row(self, r: int) -> tuple[Key, int, list[int]]:
        lo, hi = self.start[r], self.start[r + 1]
        units = self.units[lo:hi]
        members = self.members[lo:hi]
        if np.any(units != 1.0):
            members = np.repeat(members, units.astype(np.int64))
        return self.keys[r], self.rooms[r], members.tolist()

    def __getitem__(self, r):  # type: ignore[override]
        if isinstance(r, slice):
            return [self._row(i) for i in range(len(self))[r]]
        if r < 0:
            r += len(self)
        if not 0 <= r < len(self):
            raise IndexError(r)
        return self._row(r)

    def __iter__(self) -> Iterator[tuple[Key, int, list[int]]]:
        return (self._row(r) for r in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


def binding(
    start: np.ndarray, index: np.ndarray, value: np.ndarray, orders: np.ndarray, room: np.ndarray
) -> np.ndarray:
    """Per row, whether its candidates (``index``, units ``value``; of orders
    ``orders``) can hold more than its ``room`` when each order takes at most one of
    them: the sum over orders of their most units."""
    n_orders = int(orders.max()) + 1 if len(orders) else 0
    return _binding(start, index, value, orders, room, n_orders)


@numba.njit(cache=True)
def select(start, index, value, kept):  # pragma: no cover - compiled
    """The rows ``kept`` (per row: bool) of ``(start, index, value)``, in order."""
    out = np.zeros(int(kept.sum()) + 1, dtype=np.int64)
    r = 0
    for i in range(len(start) - 1):
        if kept[i]:
            out[r + 1] = out[r] + start[i + 1] - start[i]
            r += 1
    members = np.empty(out[-1], dtype=index.dtype)
    units = np.empty(out[-1], dtype=value.dtype)
    r = 0
    for i in range(len(start) - 1):
        if kept[i]:
            members[out[r] : out[r + 1]] = index[start[i] : start[i + 1]]
            units[out[r] : out[r + 1]] = value[start[i] : start[i + 1]]
            r += 1
    return out, members, units


@numba.njit(cache=True)
def _rows(n_keys, batch, collection, dep_ptr, deps, batch_ptr, batch_flat):  # pragma: no cover
    """:meth:`Holdings.rows` (two passes over the keys each candidate holds: the rows'
    order and sizes, then their members; a candidate's units of a key are merged).
    The passes repeat their loop over a candidate's keys on purpose: a shared helper
    made this three times slower at 10,000 orders (0.7-0.8 -> 2.1-2.3 s)."""
    n = len(batch)
    rank = np.full(n_keys, -1, dtype=np.int64)
    keys = np.empty(n_keys, dtype=np.int64)
    count = np.zeros(n_keys + 1, dtype=np.int64)
    rows = 0
    for c in range(n):
        b = batch[c]
        for p in range(batch_ptr[b], batch_ptr[b + 1] + 1 + dep_ptr[c + 1] - dep_ptr[c]):
            if p < batch_ptr[b + 1]:
                k = batch_flat[p]
            elif p == batch_ptr[b + 1]:
                k = collection[c]
            else:
                k = deps[dep_ptr[c] + p - batch_ptr[b + 1] - 1]
            if rank[k] < 0:
                rank[k] = rows
                keys[rows] = k
                rows += 1
            count[rank[k] + 1] += 1
    start = np.cumsum(count[: rows + 1])
    fill = start[:-1].copy()
    index = np.empty(start[-1], dtype=np.int64)
    for c in range(n):
        b = batch[c]
        for p in range(batch_ptr[b], batch_ptr[b + 1] + 1 + dep_ptr[c + 1] - dep_ptr[c]):
            if p < batch_ptr[b + 1]:
                k = batch_flat[p]
            elif p == batch_ptr[b + 1]:
                k = collection[c]
            else:
                k = deps[dep_ptr[c] + p - batch_ptr[b + 1] - 1]
            r = rank[k]
            index[fill[r]] = c
            fill[r] += 1
    # merge a candidate's units of one row (adjacent: candidates come in order)
    value = np.ones(len(index))
    out = np.zeros(rows + 1, dtype=np.int64)
    q = 0
    for r in range(rows):
        for p in range(start[r], start[r + 1]):
            if q > out[r] and index[q - 1] == index[p]:
                value[q - 1] += 1.0
            else:
                index[q] = index[p]
                value[q] = 1.0
                q += 1
        out[r + 1] = q
    return keys[:rows], out, index[:q].copy(), value[:q].copy()


@numba.njit(cache=True)
def _binding(start, index, value, orders, room, n_orders):  # pragma: no cover - compiled
    """:func:`binding` (per row, a scratch of each order's most units, reset after)."""
    out = np.zeros(len(start) - 1, dtype=np.bool_)
    most = np.zeros(n_orders)
    for r in range(len(start) - 1):
        total = 0.0
        for p in range(start[r], start[r + 1]):
            k = orders[index[p]]
            if value[p] > most[k]:
                total += value[p] - most[k]
                most[k] = value[p]
                if total > room[r]:
                    out[r] = True
                    break
        for p in range(start[r], start[r + 1]):
            most[orders[index[p]]] = 0.0
    return out
