"""Many earliest-arrival queries at once: vectorised label correcting with numpy.

Candidate generation for a nightly solve asks one-to-all questions for every
(origin, ready time) pair. This engine answers a batch of them together: labels are
a (queries x sites) array, and each round relaxes, for every site whose labels
improved, all its lanes for the rows that improved. Every site's open intervals,
every customs office's hours and every lane's timetable live in one sorted array
each, keyed by ``owner * SPAN + t``, so a single ``searchsorted`` answers "next
opening" or "next departure" for all (row, lane) pairs at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logistics.network.compiled import TEMP_BIT, CompiledNetwork, OpenTimes
from logistics.network.timebase import INF

SPAN = float(2**32)  # larger than any relative time inside a horizon


@dataclass(slots=True)
class _Keyed:
    """Sorted interval starts/ends (or departures) of many owners in one array."""

    starts: np.ndarray
    ends: np.ndarray
    owner: np.ndarray
    always: np.ndarray

    def next_open(self, ids: np.ndarray, t: np.ndarray) -> np.ndarray:
        key = ids * SPAN + t
        i = np.searchsorted(self.ends, key, side="right")
        ic = np.minimum(i, len(self.ends) - 1)
        ok = (i < len(self.ends)) & (self.owner[ic] == ids) & np.isfinite(t)
        res = np.where(ok, np.maximum(t, self.starts[ic] - ids * SPAN), INF)
        return np.where(self.always[ids], t, res)

    def next_departure(self, ids: np.ndarray, t: np.ndarray) -> np.ndarray:
        key = ids * SPAN + t
        i = np.searchsorted(self.starts, key, side="left")
        ic = np.minimum(i, len(self.starts) - 1)
        ok = (i < len(self.starts)) & (self.owner[ic] == ids) & np.isfinite(t)
        return np.where(ok, self.starts[ic] - ids * SPAN, INF)


def _keyed_open(times: list[OpenTimes], t0: float) -> _Keyed:
    starts, ends, owner = [], [], []
    for k, ot in enumerate(times):
        for s, e in zip(ot.starts, ot.ends, strict=True):
            starts.append(k * SPAN + max(s - t0, 0.0))
            ends.append(k * SPAN + min(e - t0, SPAN - 1))
            owner.append(k)
    return _Keyed(
        np.asarray(starts, dtype=float) if starts else np.zeros(1),
        np.asarray(ends, dtype=float) if ends else np.zeros(1),
        np.asarray(owner, dtype=np.int64) if owner else np.full(1, -1),
        np.asarray([ot.always for ot in times], dtype=bool),
    )


class BatchEngine:
    """Vectorised one-to-all earliest arrival over a compiled network."""

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        self.t0 = float(cn.horizon_s()[0] - 2 * 86400)
        self.n = len(cn.site_ids)
        # sites are owners 0..n-1, customs offices n..n+m-1, then on-demand lane windows
        self.open = _keyed_open(list(cn.open) + list(cn.offices) + list(cn.windows), self.t0)
        self._window0 = self.n + len(cn.offices)
        deps, owner = [], []
        for cl in cn.lanes:
            for d in cl.departures or ():
                deps.append(cl.cid * SPAN + (d - self.t0))
                owner.append(cl.cid)
        self.deps = _Keyed(
            np.asarray(deps, dtype=float) if deps else np.zeros(1),
            np.zeros(1),
            np.asarray(owner, dtype=np.int64) if owner else np.full(1, -1),
            np.zeros(len(cn.lanes), dtype=bool),
        )
        self._by_origin: dict[tuple[int, int], dict[str, np.ndarray]] = {}

    def _lanes_of(self, u: int, bit: int) -> dict[str, np.ndarray] | None:
        key = (u, bit)
        if key not in self._by_origin:
            lanes = [cl for cl in self.cn.out_lanes[u] if cl.temps & bit]
            lanes.sort(key=lambda cl: cl.v)
            if not lanes:
                self._by_origin[key] = None  # type: ignore[assignment]
                return None
            self._by_origin[key] = {
                "lane": np.array([cl.cid for cl in lanes], dtype=np.int64),
                "v": np.array([cl.v for cl in lanes], dtype=np.int64),
                "lead": np.array([cl.lead for cl in lanes], dtype=float),
                "dur": np.array([cl.duration for cl in lanes], dtype=float),
                "timetabled": np.array([cl.departures is not None for cl in lanes]),
                "src": np.array(
                    [self._window0 + cl.window if cl.window >= 0 else u for cl in lanes],
                    dtype=np.int64,
                ),
                "office": np.array(
                    [self.n + cl.customs if cl.customs >= 0 else -1 for cl in lanes], dtype=np.int64
                ),
                "clear": np.array([cl.clearance + cl.release for cl in lanes], dtype=float),
            }
            v = self._by_origin[key]["v"]
            uniq, first = np.unique(v, return_index=True)
            self._by_origin[key]["uniq"] = uniq
            self._by_origin[key]["first"] = first
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
        rel_ready = np.asarray(ready, dtype=float) - self.t0
        limit = rel_ready + max_h * 3600
        labels = np.full((q, self.n), INF)
        pred = np.full((q, self.n), -1, dtype=np.int64)
        rows_all = np.arange(q)
        labels[rows_all, origins] = rel_ready
        changed = np.zeros((q, self.n), dtype=bool)
        changed[rows_all, origins] = True
        while changed.any():
            for u in np.nonzero(changed.any(axis=0))[0]:
                rows = np.nonzero(changed[:, u])[0]
                changed[rows, u] = False
                lanes = self._lanes_of(int(u), bit)
                if lanes is None:
                    continue
                self._relax(int(u), rows, lanes, labels, pred, changed, limit)
        labels = np.where(np.isfinite(labels), labels + self.t0, INF)
        return labels, pred

    def _relax(self, u, rows, lanes, labels, pred, changed, limit) -> None:
        t = labels[rows, u][:, None]
        k = lanes["lane"].size
        ready = t + lanes["lead"][None, :]
        tt = lanes["timetabled"]
        depart = np.empty_like(ready)
        if tt.any():
            depart[:, tt] = self.deps.next_departure(
                np.broadcast_to(lanes["lane"][tt], (len(rows), int(tt.sum()))), ready[:, tt]
            )
        if (~tt).any():
            depart[:, ~tt] = self.open.next_open(
                np.broadcast_to(lanes["src"][~tt], (len(rows), int((~tt).sum()))), ready[:, ~tt]
            )
        arrival = depart + lanes["dur"][None, :]
        office = lanes["office"]
        cu = office >= 0
        if cu.any():
            arrival[:, cu] = (
                self.open.next_open(
                    np.broadcast_to(office[cu], (len(rows), int(cu.sum()))), arrival[:, cu]
                )
                + lanes["clear"][cu][None, :]
            )
        hand = self.open.next_open(np.broadcast_to(lanes["v"], (len(rows), k)), arrival)
        hand = np.where(hand <= limit[rows][:, None], hand, INF)
        uniq, first = lanes["uniq"], lanes["first"]
        if len(uniq) == k:
            best, best_lane = hand, np.broadcast_to(lanes["lane"], hand.shape)
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
            best_lane = lanes["lane"][pick]
        cur = labels[rows[:, None], uniq[None, :]]
        rr, cc = np.nonzero(best < cur)
        if rr.size:
            r, v = rows[rr], uniq[cc]
            labels[r, v] = best[rr, cc]
            pred[r, v] = best_lane[rr, cc]
            changed[r, v] = True
