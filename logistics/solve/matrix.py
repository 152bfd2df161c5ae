"""The candidate model as a sparse matrix: one row per order with candidates (at
most one of them), then one per capacity row of the problem (at most its room); a
column per candidate. Built once per problem (:meth:`Problem.matrix`), by row for
the master LP's prices and by column for its columns and for the capacity rows each
candidate holds (:class:`RowsOf`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from logistics.solve.holdings import CapacityRows


@dataclass(frozen=True, slots=True)
class Matrix:
    """``start``/``index``/``value`` by row (``value``: how many units of the row a
    candidate holds), ``upper`` each row's bound, and the same by column; the first
    ``len(order_rows)`` rows are the orders'."""

    order_rows: list[int]
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    upper: np.ndarray
    col_start: np.ndarray
    col_rows: np.ndarray
    col_value: np.ndarray

    def priced(self, dual: np.ndarray) -> np.ndarray:
        """Per column, the price of what it holds: ``dual`` (per row) times its
        entries, summed over the rows with a price."""
        return _priced(len(self.col_start) - 1, self.start, self.index, self.value, dual)

    def load(self, chosen: Sequence[int]) -> np.ndarray:
        """Per row, the units the candidates ``chosen`` hold of it."""
        x = np.zeros(len(self.col_start) - 1)
        x[np.asarray(chosen, dtype=np.int64)] = 1.0
        return _load(self.start, self.index, self.value, x)

    def first_fit(self, tries: np.ndarray, groups: np.ndarray) -> list[int]:
        """Candidates ``tries`` in turn, each taken when no candidate of its group
        (``groups``, per try) is taken yet and every capacity row it holds has room
        left (its units then come off): the greedy plans' loop."""
        first = len(self.order_rows)
        free = self.upper.copy()
        taken = np.zeros(int(groups.max()) + 1 if len(groups) else 0, dtype=np.bool_)
        out = _first_fit(
            self.col_start, self.col_rows, self.col_value, first, free, tries, groups, taken
        )
        return out.tolist()

    def columns(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(start, index, value)`` of ``cols`` in compressed column form (``start``
        has one entry more than ``cols``)."""
        lens = self.col_start[cols + 1] - self.col_start[cols]
        start = np.concatenate([[0], np.cumsum(lens)])
        pos = np.arange(start[-1]) - np.repeat(start[:-1] - self.col_start[cols], lens)
        return start.astype(np.int32), self.col_rows[pos], self.col_value[pos]


def build_matrix(n: int, by_order: Sequence[list[int]], rows: Sequence[tuple]) -> Matrix:
    """The matrix of ``n`` candidates, the orders' candidate lists ``by_order`` and
    the capacity ``rows`` (key, room, candidates holding it: one entry per unit;
    :class:`CapacityRows` are taken as the arrays they are)."""
    # (a problem shares its candidate set's lists, which pricing may have grown since:
    # its own candidates are the first n, in ascending order)
    mine = [cands[: bisect.bisect_left(cands, n)] for cands in by_order]
    order_rows = [k for k, cands in enumerate(mine) if cands]
    lens = [len(mine[k]) for k in order_rows]
    index = [np.fromiter(itertools.chain.from_iterable(mine[k] for k in order_rows), np.int64)]
    value = [np.ones(len(index[0]))]
    starts = [np.cumsum([0, *lens], dtype=np.int64)]
    if isinstance(rows, CapacityRows):
        index.append(rows.members)
        value.append(rows.units)
        starts.append(rows.start[1:] + starts[0][-1])
        rooms = rows.rooms
    else:
        at = int(starts[0][-1])
        ends, rooms = [], []
        for _key, cap, cands in rows:
            members = np.asarray(cands, dtype=np.int64)
            if len(members) > 1 and not bool(np.all(members[1:] > members[:-1])):
                members, counts = np.unique(members, return_counts=True)  # (units > 1)
                value.append(counts.astype(float))
            else:
                value.append(np.ones(len(members)))
            index.append(members)
            rooms.append(cap)
            at += len(members)
            ends.append(at)
        starts.append(np.asarray(ends, dtype=np.int64))
    start = np.concatenate(starts)
    upper = np.concatenate([np.ones(len(order_rows)), np.asarray(rooms, dtype=float)])
    flat = np.concatenate(index)
    values = np.concatenate(value)
    col_start, col_rows, col_value = _by_column(n, start, flat, values)
    return Matrix(order_rows, start, flat, values, upper, col_start, col_rows, col_value)


class RowsOf(Mapping[int, list[Any]]):
    """The capacity rows each candidate holds (a key once per unit), worked out from
    the matrix when first asked for (a greedy plan asks for a few per order)."""

    def __init__(self, matrix: Matrix, keys: Sequence[Any]) -> None:
        self._m, self._keys, self._first = matrix, keys, len(matrix.order_rows)
        self._known: dict[int, list[Any]] = {}

    def __getitem__(self, c: int) -> list[Any]:
        known = self._known.get(c)
        if known is None:
            m, first, known = self._m, self._first, []
            if 0 <= c < len(m.col_start) - 1:
                lo, hi = int(m.col_start[c]), int(m.col_start[c + 1])
                rows, units = m.col_rows[lo:hi].tolist(), m.col_value[lo:hi].tolist()
                for r, u in zip(rows, units, strict=True):
                    if r >= first:
                        known.extend([self._keys[r - first]] * int(u))
            self._known[c] = known
        return known

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._m.col_start) - 1))

    def __len__(self) -> int:
        return len(self._m.col_start) - 1


@numba.njit(cache=True)
def _by_column(n, start, index, value):  # pragma: no cover - compiled
    """The rows ``(start, index, value)`` in compressed column form (a counting sort:
    at 10,000 orders, 31 M entries, numpy's stable argsort took 7.7 s)."""
    col_start = np.zeros(n + 1, dtype=np.int64)
    for p in range(len(index)):
        col_start[index[p] + 1] += 1
    col_start = np.cumsum(col_start)
    fill = col_start[:-1].copy()
    rows = np.empty(len(index), dtype=np.int32)
    values = np.empty(len(index))
    for r in range(len(start) - 1):
        for p in range(start[r], start[r + 1]):
            q = fill[index[p]]
            rows[q] = r
            values[q] = value[p]
            fill[index[p]] = q + 1
    return col_start, rows, values


@numba.njit(cache=True)
def _first_fit(
    col_start, col_rows, col_value, first, free, tries, groups, taken
):  # pragma: no cover - compiled
    """:meth:`Matrix.first_fit` (rows before ``first`` are the orders': not checked)."""
    out = np.empty(len(tries), dtype=np.int64)
    n = 0
    for t in range(len(tries)):
        if taken[groups[t]]:
            continue
        c = tries[t]
        fits = True
        for p in range(col_start[c], col_start[c + 1]):
            if col_rows[p] >= first and free[col_rows[p]] <= 0:
                fits = False
                break
        if not fits:
            continue
        for p in range(col_start[c], col_start[c + 1]):
            if col_rows[p] >= first:
                free[col_rows[p]] -= col_value[p]
        taken[groups[t]] = True
        out[n] = c
        n += 1
    return out[:n]


@numba.njit(cache=True)
def _load(start, index, value, x):  # pragma: no cover - compiled
    """Per row, the sum of ``x`` times its entries."""
    out = np.zeros(len(start) - 1)
    for r in range(len(start) - 1):
        for p in range(start[r], start[r + 1]):
            out[r] += value[p] * x[index[p]]
    return out


@numba.njit(cache=True)
def _priced(n, start, index, value, dual):  # pragma: no cover - compiled
    """Per column, the price of what it holds: the sum of ``dual`` times its entries,
    over the rows with a price (added in the order of the entries)."""
    out = np.zeros(n)
    for r in range(len(start) - 1):
        d = dual[r]
        if d != 0.0:
            for p in range(start[r], start[r + 1]):
                out[index[p]] += d * value[p]
    return out
