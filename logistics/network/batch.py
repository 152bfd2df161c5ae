"""Many earliest-arrival queries at once: vectorised label correcting with numpy.

Candidate generation for a nightly solve asks one-to-all questions for every
(origin, ready time) pair. This engine answers a batch of them together: labels are
a (queries x sites) array, and each round relaxes, for every site whose labels
improved, all its lanes for the rows that improved. A lane is traversed by
:class:`~logistics.network.traversal.LaneTraversal` over two time tables (every
site's, customs office's and dispatch window's open intervals; every compiled lane's
departures), so one ``searchsorted`` answers "next opening" or "next departure" for
all (row, lane) pairs at once.

Labels are (handover, lane cost so far), compared in that order, as in the scalar
search: cost only breaks ties. Label correcting can leave a site with the cost of a
chain its predecessor no longer offers (the predecessor's label became earlier but
dearer after the site's label was set); those sites, and the sites reached through
them, take their costs again from the final labels before the answer is returned.
"""

from __future__ import annotations

import numpy as np

from logistics.network.compiled import TEMP_BIT, CompiledLane, CompiledNetwork
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
        self._into: dict[tuple[int, int], _Lanes] = {}
        self._in_lanes: list[list[CompiledLane]] = [[] for _ in range(self.n)]
        for cl in cn.lanes:
            self._in_lanes[cl.v].append(cl)
        # per compiled lane its from-site and cost; per site, whether it is an end point
        self._lane_u = np.array([cl.u for cl in cn.lanes], dtype=np.int32)
        self._lane_cost = np.array([cl.cost for cl in cn.lanes], dtype=float)
        self._end = np.array(cn.end_point, dtype=bool)

    def _lanes_of(self, u: int, bit: int) -> _Lanes | None:
        """The lanes leaving site ``u`` that carry temperature ``bit``, by to-site and
        by cost among lanes to one site."""
        key = (u, bit)
        if key not in self._by_origin:
            lanes = [cl for cl in self.cn.out_lanes[u] if cl.temps & bit]
            lanes.sort(key=lambda cl: (cl.v, cl.cost))
            self._by_origin[key] = _Lanes(self, lanes) if lanes else None
        return self._by_origin[key]

    def _lanes_into(self, v: int, bit: int) -> _Lanes:
        """The lanes into site ``v`` that carry temperature ``bit``."""
        key = (v, bit)
        if key not in self._into:
            lanes = [cl for cl in self._in_lanes[v] if cl.temps & bit]
            self._into[key] = _Lanes(self, lanes)
        return self._into[key]

    def run(
        self,
        origins: np.ndarray,
        ready: np.ndarray,
        temperature: str,
        max_h: float = INF,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Earliest handover (UTC seconds, inf if unreachable) at every site for each
        query (origin index, ready time), and the lane index last used (-1 if none).
        Labels later than ``max_h`` after the query's ready time are dropped.

        As in :func:`~logistics.network.earliest.search`, labels are (handover, lane
        cost so far), least first in that order: the cost breaks ties between lanes
        handing over at the same time, and the lanes recorded are the scalar search's
        (up to lanes equal in both)."""
        bit = TEMP_BIT[temperature]
        q = len(origins)
        ready = np.asarray(ready, dtype=float)
        limit = ready + max_h * 3600
        labels = np.full((q, self.n), INF)
        costs = np.full((q, self.n), INF)
        pred = np.full((q, self.n), -1, dtype=np.int64)
        rows_all = np.arange(q)
        labels[rows_all, origins] = ready
        costs[rows_all, origins] = 0.0
        self._correct(origins, bit, labels, costs, pred, limit)
        self._recost(origins, bit, labels, costs, pred)
        return labels, pred

    def _correct(self, origins, bit, labels, costs, pred, limit) -> None:
        """Label correcting from the origins until no label improves."""
        changed = np.zeros(labels.shape, dtype=bool)
        changed[np.arange(len(origins)), origins] = True
        while changed.any():
            for u in np.nonzero(changed.any(axis=0))[0]:
                now = np.nonzero(changed[:, u])[0]
                changed[now, u] = False
                if self.cn.end_point[u]:  # an end point is left only by its own queries
                    now = now[origins[now] == u]
                lanes = self._lanes_of(int(u), bit)
                if lanes is None:
                    continue
                self._relax(int(u), now, lanes, labels, costs, pred, changed, limit)

    def _recost(self, origins, bit, labels, costs, pred) -> None:
        """Sites whose cost is not their chain's (see the module docstring), and the
        sites reached through them, take the least cost over the lanes that hand over
        at their (final) label from a site that may be left, as the scalar search
        does; the other sites' costs are the scalar search's already."""
        # per (row, site) the site its lane leaves from (any site where there is none)
        up = self._lane_u[pred]
        via = np.take_along_axis(costs, up, axis=1)
        via += self._lane_cost[pred]
        has = pred >= 0
        hit = (via != costs) & has
        del via
        if not hit.any():
            return
        while True:  # down the chains
            more = np.take_along_axis(hit, up, axis=1) & ~hit & has
            if not more.any():
                break
            hit |= more
        costs[hit] = INF
        todo = hit
        while todo.any():
            moved = np.zeros(labels.shape, dtype=bool)
            for v in np.nonzero(todo.any(axis=0))[0]:
                rows = np.nonzero(todo[:, v])[0]
                into = self._lanes_into(int(v), bit)
                tr, u = into.traversal, into.u
                hand = tr.handover(tr.clear(tr.depart(labels[rows[:, None], u]) + tr.duration))
                ok = (hand == labels[rows, v][:, None]) & (
                    ~self._end[u] | (origins[rows][:, None] == u)
                )
                cost = np.where(ok, costs[rows[:, None], u] + into.cost, INF)
                pick = np.argmin(cost, axis=1)
                best = cost[np.arange(len(rows)), pick]
                moved[rows, v] = best < costs[rows, v]
                costs[rows, v] = best
                pred[rows, v] = into.lane[pick]
            # a site that is left and became cheaper: the rows' sites after it again
            again = (moved & ~self._end[None, :]).any(axis=1)
            todo = hit & again[:, None]

    def _relax(self, u, rows, lanes: _Lanes, labels, costs, pred, changed, limit) -> None:
        tr = lanes.traversal
        hand = tr.handover(tr.clear(tr.depart(labels[rows, u][:, None]) + tr.duration))
        hand = np.where(hand <= limit[rows][:, None], hand, INF)
        k = lanes.lane.size
        uniq, first = lanes.uniq, lanes.first
        pick = None  # the lane taken to each to-site, when not the only one
        if len(uniq) == k:
            best = hand
        else:  # parallel lanes to one site: the earliest of each group, the first of
            # those (argmin) being the cheapest (the group is sorted by cost)
            best = np.minimum.reduceat(hand, first, axis=1)
            bounds = [*first.tolist(), k]
            pick = np.stack(
                [
                    first[g] + np.argmin(hand[:, bounds[g] : bounds[g + 1]], axis=1)
                    for g in range(len(uniq))
                ],
                axis=1,
            )
        # candidates: (row, to-site) pairs as early as the label there or earlier, as
        # flat indices into the (rows x to-sites) arrays above and into the labels
        f = np.flatnonzero(best <= labels[rows[:, None], uniq[None, :]])
        if not f.size:
            return
        rr = f // uniq.size
        cc = f - rr * uniq.size
        at = rows[rr] * self.n + uniq[cc]
        x = best.reshape(-1)[f]
        j = cc if pick is None else pick.reshape(-1)[f]
        c = costs[rows, u][rr] + lanes.cost[j]
        flat_labels, flat_costs = labels.reshape(-1), costs.reshape(-1)
        # earlier, or as early (at a site reached) for less
        ok = (x < flat_labels[at]) | ((x < INF) & (c < flat_costs[at]))
        at = at[ok]
        flat_labels[at] = x[ok]
        flat_costs[at] = c[ok]
        pred.reshape(-1)[at] = lanes.lane[j[ok]]
        changed.reshape(-1)[at] = True


class _Lanes:
    """Lanes as one vectorised traversal: those leaving one site (sorted by to-site,
    then cost) or those into one site."""

    __slots__ = ("cost", "first", "lane", "traversal", "u", "uniq")

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
        self.u = np.array([cl.u for cl in lanes], dtype=np.int64)
        self.cost = np.array([cl.cost for cl in lanes], dtype=float)
        self.uniq, self.first = np.unique(v, return_index=True)
