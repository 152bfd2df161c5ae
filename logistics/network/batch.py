"""Many earliest-arrival queries at once: vectorised label correcting with numpy.

Candidate generation for a nightly solve asks one-to-all questions for every
(origin, ready time) pair. This engine answers a batch of them together: labels are
a (queries x sites) array, and each round relaxes, for every site whose labels
improved, all its lanes for the rows that improved. A lane is traversed by
:class:`~logistics.network.traversal.LaneTraversal` over two time tables (every
site's, customs office's and dispatch window's open intervals; every compiled lane's
departures), so one ``searchsorted`` answers "next opening" or "next departure" for
all (row, lane) pairs at once.
"""

from __future__ import annotations

import numpy as np

from logistics.network.compiled import TEMP_BIT, CompiledNetwork
from logistics.network.timebase import INF
from logistics.network.traversal import LaneTraversal, TimeTable


class BatchEngine:
    """Vectorised one-to-all earliest arrival over a compiled network."""

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        self.t0 = float(cn.horizon_s()[0] - 2 * 86400)
        self.n = len(cn.site_ids)
        # sites are owners 0..n-1, customs offices n..n+m-1, then on-demand lane windows
        self.hours = TimeTable.of_hours([*cn.open, *cn.offices, *cn.windows], self.t0)
        self._window0 = self.n + len(cn.offices)
        self.deps = TimeTable.of_departures([cl.departures or () for cl in cn.lanes], self.t0)
        self._by_origin: dict[tuple[int, int], _Lanes | None] = {}

    def _lanes_of(self, u: int, bit: int) -> _Lanes | None:
        """The lanes leaving site ``u`` that carry temperature ``bit``, by to-site."""
        key = (u, bit)
        if key not in self._by_origin:
            lanes = [cl for cl in self.cn.out_lanes[u] if cl.temps & bit]
            lanes.sort(key=lambda cl: cl.v)
            self._by_origin[key] = _Lanes(self, lanes) if lanes else None
        return self._by_origin[key]

    def run(
        self,
        origins: np.ndarray,
        ready: np.ndarray,
        temperature: str,
        max_h: float = INF,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Earliest handover (UTC seconds, inf if unreachable) at every site for each
        query (origin index, ready time), and the lane index last used (-1 if none).
        Labels later than ``max_h`` after the query's ready time are dropped."""
        bit = TEMP_BIT[temperature]
        q = len(origins)
        ready = np.asarray(ready, dtype=float)
        limit = ready + max_h * 3600
        labels = np.full((q, self.n), INF)
        pred = np.full((q, self.n), -1, dtype=np.int64)
        rows_all = np.arange(q)
        labels[rows_all, origins] = ready
        changed = np.zeros((q, self.n), dtype=bool)
        changed[rows_all, origins] = True
        while changed.any():
            for u in np.nonzero(changed.any(axis=0))[0]:
                rows = np.nonzero(changed[:, u])[0]
                changed[rows, u] = False
                if self.cn.end_point[u]:  # an end point is left only by its own queries
                    rows = rows[origins[rows] == u]
                lanes = self._lanes_of(int(u), bit)
                if lanes is None:
                    continue
                self._relax(int(u), rows, lanes, labels, pred, changed, limit)
        return labels, pred

    def _relax(self, u, rows, lanes: _Lanes, labels, pred, changed, limit) -> None:
        tr = lanes.traversal
        hand = tr.handover(tr.clear(tr.depart(labels[rows, u][:, None]) + tr.duration))
        hand = np.where(hand <= limit[rows][:, None], hand, INF)
        k = lanes.lane.size
        uniq, first = lanes.uniq, lanes.first
        if len(uniq) == k:
            best, best_lane = hand, np.broadcast_to(lanes.lane, hand.shape)
        else:  # parallel lanes to one site: keep the earliest of each group
            best = np.minimum.reduceat(hand, first, axis=1)
            bounds = [*first.tolist(), k]
            pick = np.stack(
                [
                    first[g] + np.argmin(hand[:, bounds[g] : bounds[g + 1]], axis=1)
                    for g in range(len(uniq))
                ],
                axis=1,
            )
            best_lane = lanes.lane[pick]
        cur = labels[rows[:, None], uniq[None, :]]
        rr, cc = np.nonzero(best < cur)
        if rr.size:
            r, v = rows[rr], uniq[cc]
            labels[r, v] = best[rr, cc]
            pred[r, v] = best_lane[rr, cc]
            changed[r, v] = True


class _Lanes:
    """The lanes leaving one site (sorted by to-site) as one vectorised traversal."""

    __slots__ = ("first", "lane", "traversal", "uniq")

    def __init__(self, engine: BatchEngine, lanes: list) -> None:
        self.lane = np.array([cl.cid for cl in lanes], dtype=np.int64)
        v = np.array([cl.v for cl in lanes], dtype=np.int64)
        self.traversal = LaneTraversal(
            engine.hours,
            engine.deps,
            lead=np.array([cl.lead for cl in lanes], dtype=float),
            departures=np.where([cl.departures is not None for cl in lanes], self.lane, -1),
            window=np.array(
                [engine._window0 + cl.window if cl.window >= 0 else cl.u for cl in lanes],
                dtype=np.int64,
            ),
            office=np.array(
                [engine.n + cl.customs if cl.customs >= 0 else -1 for cl in lanes],
                dtype=np.int64,
            ),
            to=v,
            duration=np.array([cl.duration for cl in lanes], dtype=float),
            clearance=np.array([cl.clearance + cl.release for cl in lanes], dtype=float),
        )
        self.uniq, self.first = np.unique(v, return_index=True)
