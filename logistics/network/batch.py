"""Many earliest-arrival queries at once: vectorised label correcting with numpy.

Candidate generation for a nightly solve asks one-to-all questions for every
(origin, ready time) pair. This engine answers a batch of them together: labels are
a (queries x nodes) array, and each round relaxes, for every node whose labels
improved, all its lanes for the rows that improved. A lane is traversed by
:class:`~logistics.network.traversal.LaneTraversal` over two time tables (every
site's, customs office's and dispatch window's open intervals; every compiled lane's
departures), so one ``searchsorted`` answers "next opening" or "next departure" for
all (row, lane) pairs at once.

As in the scalar search, a site has two nodes, the material in a courier's van or
not (one dispatch per itinerary, see :mod:`logistics.network.compiled`): labels are
(queries x 2 sites), columns ``site + n x in_van``, and the lanes leaving a node are
those of its site with the lead time of that node. Labels are (handover, lane cost so
far), compared in that order, as in the scalar search: cost only breaks ties. Label
correcting can leave a node with the cost of a chain its predecessor no longer
offers (the predecessor's label became earlier but dearer after the node's label was
set); those nodes, and the nodes reached through them, take their costs again from
the final labels before the answer is returned.
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
        self._by_origin: dict[tuple[int, int, bool], _Lanes | None] = {}  # node, bit, carry
        self._into: dict[tuple[int, int], _Lanes] = {}  # (node, bit)
        self._in_lanes: list[list[CompiledLane]] = [[] for _ in range(self.n)]
        for cl in cn.lanes:
            self._in_lanes[cl.v].append(cl)
        # per compiled lane its from-site and cost; per node, whether its site is an
        # end point
        self._lane_u = np.array([cl.u for cl in cn.lanes], dtype=np.int64)
        self._lane_cost = np.array([cl.cost for cl in cn.lanes], dtype=float)
        self._end = np.array(cn.end_point * 2, dtype=bool)
        # per site the longest dispatch (lead time) of an on-demand road lane leaving it
        self._dispatch = np.zeros(self.n)
        for cl in cn.lanes:
            if cl.drive:
                self._dispatch[cl.u] = max(self._dispatch[cl.u], cl.lead)

    def _lanes_of(self, node: int, bit: int, carry: bool = False) -> _Lanes | None:
        """The lanes leaving ``node`` that carry temperature ``bit`` (only ferries and
        tunnels with ``carry``), by to-node and by cost among lanes to one node."""
        key = (node, bit, carry)
        if key not in self._by_origin:
            van = node >= self.n
            lanes = [
                (cl, van)
                for cl in self.cn.out_lanes[node % self.n]
                if cl.temps & bit and (cl.carry or not carry)
            ]
            lanes.sort(key=lambda e: (e[0].v + self.n * e[0].van_after(van), e[0].cost))
            self._by_origin[key] = _Lanes(self, lanes) if lanes else None
        return self._by_origin[key]

    def _lanes_into(self, node: int, bit: int) -> _Lanes:
        """The lanes into ``node`` that carry temperature ``bit``, each from each node
        of its from-site that it leaves towards ``node``."""
        key = (node, bit)
        if key not in self._into:
            van = node >= self.n
            lanes = [
                (cl, before)
                for cl in self._in_lanes[node % self.n]
                if cl.temps & bit
                for before in (False, True)
                if cl.van_after(before) == van
            ]
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
        query (origin index, ready time), and how each label was reached. Labels later
        than ``max_h`` after the query's ready time are dropped.

        As in :func:`~logistics.network.earliest.search`, labels are (handover, lane
        cost so far), least first in that order, per node (site, in a van or not): the
        cost breaks ties between lanes handing over at the same time, and the lanes
        recorded are the scalar search's (up to lanes equal in both). A site's label
        is the least of its two nodes' (out of a van on a full tie).

        ``pred`` is (queries x 2 sites), laid out as the scalar search's: column ``v``
        how site ``v``'s label was reached, column ``n + v`` how its other node's was,
        each ``2 x compiled lane id + 1 if the lane leaves from the other node of its
        from-site`` (-1 if none); :func:`chain` follows them."""
        bit = TEMP_BIT[temperature]
        q = len(origins)
        n = self.n
        ready = np.asarray(ready, dtype=float)
        limit = ready + max_h * 3600
        labels = np.full((q, 2 * n), INF)
        costs = np.full((q, 2 * n), INF)
        pred = np.full((q, 2 * n), -1, dtype=np.int64)  # 2 x lane + 1 if from a van
        rows_all = np.arange(q)
        labels[rows_all, origins] = ready
        costs[rows_all, origins] = 0.0
        changed = np.zeros(labels.shape, dtype=bool)
        changed[rows_all, origins] = True
        pruned = np.zeros(labels.shape, dtype=bool)
        while True:
            self._correct(origins, bit, labels, costs, pred, limit, changed, pruned)
            self._recost(origins, bit, labels, costs, pred)
            # a node left out against a cost that re-costing raised: take it up again
            changed = pruned & ~self._covered(labels, costs)
            if not changed.any():
                break
            pruned &= ~changed
        # per site the least of its two nodes, and the steps laid out by rank
        van = (labels[:, n:] < labels[:, :n]) | (
            (labels[:, n:] == labels[:, :n]) & (costs[:, n:] < costs[:, :n])
        )
        best = np.where(van, labels[:, n:], labels[:, :n])
        steps = np.concatenate(
            [np.where(van, pred[:, n:], pred[:, :n]), np.where(van, pred[:, :n], pred[:, n:])],
            axis=1,
        )
        has = steps >= 0
        lane = np.where(has, steps >> 1, 0)
        other = (steps & 1).astype(bool) != np.take_along_axis(van, self._lane_u[lane], axis=1)
        return best, np.where(has, 2 * lane + other, -1)

    def _correct(self, origins, bit, labels, costs, pred, limit, changed, pruned) -> None:
        """Label correcting from the ``changed`` nodes until no label improves.

        A node whose site's other node is at least as good (see :meth:`_covered`)
        takes only its ferries and tunnels (the other node's lanes do as well for the
        rest) and is marked in ``pruned``; it is taken up again when that other node's
        label changes."""
        n = self.n
        while changed.any():
            for u in np.nonzero(changed.any(axis=0))[0]:
                now = np.nonzero(changed[:, u])[0]
                changed[now, u] = False
                if self._end[u]:  # an end point is left only by its own queries
                    now = now[origins[now] == u % n]
                if not now.size:
                    continue
                node = int(u)
                covered = self._covered(labels, costs, node, now)
                pruned[now, node] = covered
                lanes = self._lanes_of(node, bit)
                if lanes is not None and not covered.all():
                    rows = now[~covered] if covered.any() else now
                    self._relax(node, rows, lanes, labels, costs, pred, changed, pruned, limit)
                ferries = self._lanes_of(node, bit, carry=True)
                if ferries is not None and covered.any():
                    rows = now[covered]
                    self._relax(node, rows, ferries, labels, costs, pred, changed, pruned, limit)

    def _covered(self, labels, costs, node: int | None = None, rows=None) -> np.ndarray:
        """Whether the other node of a node's site does every lane but the ferries and
        tunnels at least as early for no more: out of a van, a van label as early and
        as cheap; in a van, a label out of one early enough to pay the longest dispatch
        from the site and still leave as early, as cheap, and not equal (so two nodes
        never leave each other out). Per (row, node), or for one ``node`` per row of
        ``rows``."""
        n = self.n
        if node is None:
            t0, t1, c0, c1 = labels[:, :n], labels[:, n:], costs[:, :n], costs[:, n:]
            dispatch = self._dispatch
        else:
            site = node % n
            t0, t1 = labels[rows, site], labels[rows, site + n]
            c0, c1 = costs[rows, site], costs[rows, site + n]
            dispatch = self._dispatch[site]
        out_of_van = (t1 <= t0) & (c1 <= c0) & (t1 < INF)
        in_van = (t0 + dispatch <= t1) & (c0 <= c1) & ((t0 < t1) | (c0 < c1))
        if node is None:
            return np.concatenate([out_of_van, in_van], axis=1)
        return in_van if node >= n else out_of_van

    def _recost(self, origins, bit, labels, costs, pred) -> None:
        """Nodes whose cost is not their chain's (see the module docstring), and the
        nodes reached through them, take the least cost over the lanes that hand over
        at their (final) label from a node that may be left, as the scalar search
        does; the other nodes' costs are the scalar search's already."""
        # per (row, node) the node its lane leaves from (any node where there is none)
        has = pred >= 0
        lane = np.where(has, pred >> 1, 0)
        up = self._lane_u[lane] + self.n * (pred & 1)
        via = np.take_along_axis(costs, up, axis=1)
        via += self._lane_cost[lane]
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
                    ~self._end[u] | (origins[rows][:, None] == u % self.n)
                )
                cost = np.where(ok, costs[rows[:, None], u] + into.cost, INF)
                pick = np.argmin(cost, axis=1)
                best = cost[np.arange(len(rows)), pick]
                moved[rows, v] = best < costs[rows, v]
                costs[rows, v] = best
                pred[rows, v] = into.step[pick]
            # a site that is left and became cheaper: the rows' sites after it again
            again = (moved & ~self._end[None, :]).any(axis=1)
            todo = hit & again[:, None]

    def _relax(self, u, rows, lanes: _Lanes, labels, costs, pred, changed, pruned, limit) -> None:
        tr = lanes.traversal
        hand = tr.handover(tr.clear(tr.depart(labels[rows, u][:, None]) + tr.duration))
        hand = np.where(hand <= limit[rows][:, None], hand, INF)
        k = lanes.step.size
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
        at = rows[rr] * 2 * self.n + uniq[cc]
        x = best.reshape(-1)[f]
        j = cc if pick is None else pick.reshape(-1)[f]
        c = costs[rows, u][rr] + lanes.cost[j]
        flat_labels, flat_costs = labels.reshape(-1), costs.reshape(-1)
        # earlier, or as early (at a site reached) for less
        ok = (x < flat_labels[at]) | ((x < INF) & (c < flat_costs[at]))
        at = at[ok]
        flat_labels[at] = x[ok]
        flat_costs[at] = c[ok]
        pred.reshape(-1)[at] = lanes.step[j[ok]]
        changed.reshape(-1)[at] = True
        # the site's other node, if left out against this one, is taken up again
        n = self.n
        other = at + np.where(at % (2 * n) < n, n, -n)
        flat_pruned = pruned.reshape(-1)
        other = other[flat_pruned[other]]
        if other.size:
            changed.reshape(-1)[other] = True
            flat_pruned[other] = False


class _Lanes:
    """Lanes, each taken from one node (in a van or not), as one vectorised traversal:
    those leaving one node (sorted by to-node, then cost) or those into one node."""

    __slots__ = ("cost", "first", "step", "traversal", "u", "uniq")

    def __init__(self, engine: BatchEngine, taken: list[tuple[CompiledLane, bool]]) -> None:
        n = engine.n
        lanes = [cl for cl, _ in taken]
        cids = np.array([cl.cid for cl in lanes], dtype=np.int64)
        # pred entries: the lane, and whether it leaves from the van node
        self.step = np.array([2 * cl.cid + van for cl, van in taken], dtype=np.int64)
        v = np.array([cl.v + n * cl.van_after(van) for cl, van in taken], dtype=np.int64)
        self.traversal = LaneTraversal(
            engine.hours,
            engine.deps,
            lead=np.array([cl.lead_from(van) for cl, van in taken], dtype=float),
            departures=np.where([cl.departures is not None for cl in lanes], cids, -1),
            window=np.array(
                [engine._window0 + cl.window if cl.window >= 0 else cl.u for cl in lanes],
                dtype=np.int64,
            ),
            office=np.array(
                [engine.n + cl.customs if cl.customs >= 0 else -1 for cl in lanes],
                dtype=np.int64,
            ),
            to=np.array([cl.v for cl in lanes], dtype=np.int64),
            duration=np.array([cl.duration for cl in lanes], dtype=float),
            clearance=np.array([cl.clearance + cl.release for cl in lanes], dtype=float),
        )
        self.u = np.array([cl.u + n * van for cl, van in taken], dtype=np.int64)  # from-node
        self.cost = np.array([cl.cost for cl in lanes], dtype=float)
        self.uniq, self.first = np.unique(v, return_index=True)


def chain(cn: CompiledNetwork, steps: np.ndarray, origin: int, target: int) -> tuple[int, ...]:
    """Compiled lane ids from ``origin`` to site ``target`` (its label), following one
    query's row of the ``pred`` of :meth:`BatchEngine.run`."""
    n = len(cn.site_ids)
    out = []
    i = target
    while i != origin:
        step = int(steps[i])
        assert step >= 0, "target not reached"
        out.append(step >> 1)
        i = cn.lanes[step >> 1].u + n * (step & 1)
    return tuple(reversed(out))
