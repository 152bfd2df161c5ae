"""The loop of the scalar earliest-arrival search, compiled by numba.

:func:`logistics.network.earliest.search` answers every route query of Plan B,
pricing's bounds and ``logistics route``; in Python its loop took about 1 ms a
query (15,000 of them for Plan B at 5,000 orders). Here it runs over
:class:`FlatNetwork`, the compiled network's adjacency (:meth:`CompiledNetwork.
adjacency`) laid out as arrays: one entry per (node, lane leaving it), the open
times and departures of each table concatenated with offsets. The loop is the same
statement for statement, the heap included, so it settles nodes and breaks ties
exactly as the Python one did. The lane step is written out in the loop: as a
compiled function of its own (15 arrays passed per call) Plan B's 15,066 searches at
5,000 orders took 5.0 s instead of 2.3 s.

Candidate building runs this loop too, through
:func:`logistics.network.earliest.earliest_chains` (each (origin, ready time) to the
sites it needs, A* on their time bounds). The 5,000-order book's candidates took
8.1 s this way, against 15.3 s with the one-to-all numpy batches it replaced (both
runs with two worker processes).

The second loop (:func:`run_cheapest`) is :func:`logistics.network.pareto.pareto`
without prices, as :func:`~logistics.network.pareto.earliest_cheapest` runs it for
Plan B's itineraries and booked orders: every lane's first departure only, over the
same arrays. Again statement for statement (the heap keyed on (handover + bound,
value, sequence), the same prune tests in the same places), so it keeps the same
labels and returns the same one; a label is an index into a pool of lists, each
node's kept labels linked from the last. Plan B's 9,852 calls at 5,000 orders took
5.9 s in Python and take 0.9 s (0.35 s in this loop; most of the rest is the first
lane cost bounds to each target): Plan B 4.2 s instead of 8.5 s in one process.
"""

from __future__ import annotations

import heapq
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from logistics.network.compiled import CompiledLane, CompiledNetwork, OpenTimes

_AHEAD: dict[int, tuple[Sequence[float], np.ndarray]] = {}
_FLAT: weakref.WeakKeyDictionary[CompiledNetwork, FlatNetwork] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class FlatNetwork:
    """The adjacency of a compiled network as arrays (see the module docstring).

    Entries of node ``u`` are ``start[u]:start[u + 1]``; ``own`` and ``carry`` flag
    those of :meth:`CompiledNetwork.own_adjacency` and ``carry_adjacency``. Tables of
    open times (``hours``) and departures (``deps``) are slices ``lo[i]:lo[i + 1]`` of
    their concatenated arrays; ``always[i]`` marks open times that are always open.
    """

    lanes: list[CompiledLane]  # the compiled lane of each entry
    start: np.ndarray
    temps: np.ndarray
    lane: np.ndarray  # the network lane index (what ``banned`` lists)
    to: np.ndarray
    lead: np.ndarray
    deps: np.ndarray  # departures table, -1: on demand
    src: np.ndarray  # hours table of an on-demand lane's window
    office: np.ndarray  # hours table of the customs office, -1: none
    clear: np.ndarray
    dst: np.ndarray  # hours table of the to-site
    duration: np.ndarray
    cost: np.ndarray
    own: np.ndarray
    carry: np.ndarray
    always: np.ndarray
    hours_lo: np.ndarray
    hours_starts: np.ndarray
    hours_ends: np.ndarray
    deps_lo: np.ndarray
    deps_times: np.ndarray
    end_point: np.ndarray
    dispatch: np.ndarray


def flat(cn: CompiledNetwork) -> FlatNetwork:
    """The flat arrays of ``cn``, built once per compiled network."""
    known = _FLAT.get(cn)
    if known is not None:
        return known
    adjacency, own = cn.adjacency(), cn.own_adjacency()
    carry, dispatch = cn.carry_adjacency()
    hours: list[OpenTimes] = []  # each table once, by identity
    hour_ids: dict[int, int] = {}
    deps: list[tuple[int, ...]] = []
    dep_ids: dict[int, int] = {}
    rows = []
    entries: list[CompiledLane] = []
    start = [0]
    for u, lanes in enumerate(adjacency):
        mine = {id(e) for e in own[u]}
        ferries = {id(e) for e in carry[u]}
        for e in lanes:
            temps, index, v, lead, dep, src, office, clear, dst, cl = e
            entries.append(cl)
            rows.append(
                (
                    temps,
                    index,
                    v,
                    lead,
                    -1 if dep is None else _intern(dep_ids, deps, dep),
                    _intern(hour_ids, hours, src),
                    -1 if office is None else _intern(hour_ids, hours, office),
                    clear,
                    _intern(hour_ids, hours, dst),
                    cl.duration,
                    cl.cost,
                    id(e) in mine,
                    id(e) in ferries,
                )
            )
        start.append(len(rows))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 13
    ints = [np.asarray(c, dtype=np.int64) for c in columns[:7]]
    f = FlatNetwork(
        lanes=entries,
        start=np.asarray(start, dtype=np.int64),
        temps=ints[0],
        lane=ints[1],
        to=ints[2],
        lead=ints[3],
        deps=ints[4],
        src=ints[5],
        office=ints[6],
        clear=np.asarray(columns[7], dtype=np.float64),
        dst=np.asarray(columns[8], dtype=np.int64),
        duration=np.asarray(columns[9], dtype=np.float64),
        cost=np.asarray(columns[10], dtype=np.float64),
        own=np.asarray(columns[11], dtype=np.bool_),
        carry=np.asarray(columns[12], dtype=np.bool_),
        always=np.asarray([h.always for h in hours], dtype=np.bool_),
        hours_lo=np.cumsum([0, *(len(h.starts) for h in hours)], dtype=np.int64),
        hours_starts=np.asarray([s for h in hours for s in h.starts], dtype=np.float64),
        hours_ends=np.asarray([e for h in hours for e in h.ends], dtype=np.float64),
        deps_lo=np.cumsum([0, *(len(d) for d in deps)], dtype=np.int64),
        deps_times=np.asarray([t for d in deps for t in d], dtype=np.float64),
        end_point=np.asarray(cn.end_point, dtype=np.bool_),
        dispatch=np.asarray(dispatch, dtype=np.float64),
    )
    _FLAT[cn] = f
    return f


def _intern(ids: dict[int, int], items: list, item: object) -> int:
    """The index of ``item`` in ``items`` (by identity), appended when new."""
    i = ids.get(id(item))
    if i is None:
        i = ids[id(item)] = len(items)
        items.append(item)
    return i


def run(
    f: FlatNetwork,
    origin: int,
    ready: float,
    bit: int,
    targets: np.ndarray,
    banned: np.ndarray,
    deadline: float,
    ahead: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(label, cost, lane entry, came) per node of one search (see
    :func:`logistics.network.earliest.search`); ``targets`` and ``banned`` are masks
    over sites and network lanes, ``entry`` -1 where no lane reached a node."""
    return _search(
        f.start,
        f.temps,
        f.lane,
        f.to,
        f.lead,
        f.deps,
        f.src,
        f.office,
        f.clear,
        f.dst,
        f.duration,
        f.cost,
        f.own,
        f.carry,
        f.always,
        f.hours_lo,
        f.hours_starts,
        f.hours_ends,
        f.deps_lo,
        f.deps_times,
        f.end_point,
        f.dispatch,
        origin,
        float(ready),
        bit,
        targets,
        banned,
        float(deadline),
        ahead,
    )


@numba.njit(cache=True)
def _next_open(
    x: float, t: int, always: np.ndarray, lo: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> float:
    """The first open instant of hours table ``t`` at or after ``x`` (inf if none)."""
    if always[t]:
        return x
    a, b = lo[t], lo[t + 1]
    i = a + np.searchsorted(ends[a:b], x, side="right")
    if i == b:
        return np.inf
    s = starts[i]
    return s if s > x else x


@numba.njit(cache=True)
def _search(
    start,
    temps,
    lane,
    to,
    lead,
    deps,
    src,
    office,
    clear,
    dst,
    duration,
    cost_of,
    own,
    carry,
    always,
    hours_lo,
    starts,
    ends,
    deps_lo,
    deps_times,
    end_point,
    dispatch,
    origin,
    ready,
    bit,
    targets,
    banned,
    deadline,
    ahead,
):  # pragma: no cover - compiled; tests/network cover it through earliest.search
    m = len(end_point)
    nodes = 2 * m
    label = np.full(nodes, np.inf)
    cost = np.full(nodes, np.inf)
    entry = np.full(nodes, -1, dtype=np.int64)
    came = np.full(nodes, -1, dtype=np.int64)
    done = np.zeros(nodes, dtype=np.bool_)
    label[origin] = ready
    cost[origin] = 0.0
    left = 0
    for s in range(m):
        if targets[s]:
            left += 1
    found = np.zeros(m, dtype=np.bool_)
    heap = [(ready + ahead[origin], 0.0, origin)]
    while len(heap) > 0:
        _, _, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        t = label[u]
        c = cost[u]
        site = u - m if u >= m else u
        if left > 0 and targets[site] and not found[site]:
            found[site] = True
            left -= 1
            if left == 0:
                break
        if end_point[site] and site != origin:
            continue  # centres and plants are end points, never transit points
        # the site's other node, settled at least as early for no more, does every
        # lane but the own ones as well; out of a van early enough to pay the site's
        # longest dispatch, every lane but the ferries and tunnels
        other = u - m if u >= m else u + m
        only_own = False
        only_carry = False
        if done[other] and cost[other] <= c and label[other] <= t:
            only_own = True
            if (
                u >= m
                and label[other] + dispatch[site] <= t
                and (label[other] < t or cost[other] < c)
            ):
                only_carry = True
        for e in range(start[u], start[u + 1]):
            if only_carry:
                if not carry[e]:
                    continue
            elif only_own and not own[e]:
                continue
            if not temps[e] & bit or banned[lane[e]]:
                continue
            x = t + lead[e]
            if deps[e] < 0:
                x = _next_open(x, src[e], always, hours_lo, starts, ends)
                if x == np.inf:
                    continue
            else:
                a, b = deps_lo[deps[e]], deps_lo[deps[e] + 1]
                i = a + np.searchsorted(deps_times[a:b], x, side="left")
                if i == b:
                    continue
                x = deps_times[i]
            x += duration[e]
            if office[e] >= 0:
                x = _next_open(x, office[e], always, hours_lo, starts, ends)
                if x == np.inf:
                    continue
                x += clear[e]
            x = _next_open(x, dst[e], always, hours_lo, starts, ends)
            if x == np.inf:
                continue
            v = to[e]
            if x <= label[v] and x <= deadline:
                y = c + cost_of[e]
                if x < label[v]:
                    label[v] = x
                    cost[v] = y
                    entry[v] = e
                    came[v] = u
                    heapq.heappush(heap, (x + ahead[v], y, v))
                elif y < cost[v] and not done[v]:
                    # as early for less: its heap entry at x stands and the cost is
                    # read when it pops, after every node handed over before x; only
                    # those can lower it (a lane takes at least a second)
                    cost[v] = y
                    entry[v] = e
                    came[v] = u
    return label, cost, entry, came


def run_cheapest(
    f: FlatNetwork,
    origin: int,
    ready: float,
    bit: int,
    target: int,
    banned: np.ndarray,
    deadline: float,
    value_cap: float,
    ahead: np.ndarray,
    still: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The itinerary of :func:`logistics.network.pareto.earliest_cheapest`: the
    labels of ``pareto(...)[target][0]`` from the origin's on, as (handover, value,
    node, adjacency entry, hold) arrays (the origin's entry -1; all empty when no
    label reached the target). ``ahead`` and ``still`` are the time and lane cost
    bounds to the target per node, ``banned`` a mask over network lanes."""
    return _cheapest(
        f.start,
        f.temps,
        f.lane,
        f.to,
        f.lead,
        f.deps,
        f.src,
        f.office,
        f.clear,
        f.dst,
        f.duration,
        f.cost,
        f.own,
        f.always,
        f.hours_lo,
        f.hours_starts,
        f.hours_ends,
        f.deps_lo,
        f.deps_times,
        f.end_point,
        origin,
        float(ready),
        bit,
        target,
        banned,
        float(deadline),
        float(value_cap),
        ahead,
        still,
    )


@numba.njit(cache=True)
def _cover(i, time, value, times, values, before):  # pragma: no cover - compiled
    """``pareto._cover`` over the labels kept at one node, ``i`` the last (-1: none)
    and ``before`` linking each to the one kept before it."""
    while i >= 0:
        if times[i] <= time:
            return values[i] <= value
        i = before[i]
    return False


@numba.njit(cache=True)
def _cheapest(
    start,
    temps,
    lane,
    to,
    lead,
    deps,
    src,
    office,
    clear,
    dst,
    duration,
    cost_of,
    own,
    always,
    hours_lo,
    starts,
    ends,
    deps_lo,
    deps_times,
    end_point,
    origin,
    ready,
    bit,
    target,
    banned,
    deadline,
    value_cap,
    ahead,
    still,
):  # pragma: no cover - compiled; tests/network/test_jit_cheapest.py checks it against pareto()
    m = len(end_point)
    nodes = 2 * m
    best = np.full(nodes, np.inf)  # least value among the kept labels of each node
    first = np.full(nodes, -1, dtype=np.int64)  # the first label kept at each node
    last = np.full(nodes, -1, dtype=np.int64)  # the last one
    # the labels, by their heap sequence number: handover, value, node, parent label,
    # adjacency entry taken (-1: the origin's), hold, and the label kept before it at
    # its node (-1: none, or not kept)
    times = [ready]
    values = [0.0]
    at = [origin]
    parent = [-1]
    entry = [-1]
    hold = [ready]
    before = [-1]
    heap = [(ready + ahead[origin], 0.0, 0)]
    while len(heap) > 0:
        _, value, i = heapq.heappop(heap)
        node = at[i]
        t = times[i]
        van = node >= m
        u = node - m if van else node
        if value >= best[node]:
            continue  # an earlier (or as early) label is at least as cheap
        if not van and _cover(last[node + m], t, value, times, values, before):
            continue  # so is one in a van
        if u != target:
            key = t + ahead[node]
            least = value + still[node]
            if _cover(last[target], key, least, times, values, before) or _cover(
                last[target + m], key, least, times, values, before
            ):
                continue
        best[node] = value
        before[i] = last[node]
        last[node] = i
        if first[node] < 0:
            first[node] = i
        if end_point[u] and u != origin:
            continue
        # out of a van as early for no more: the van label's own lanes only
        only_own = van and _cover(last[u], t, value, times, values, before)
        for e in range(start[node], start[node + 1]):
            if only_own and not own[e]:
                continue
            if not temps[e] & bit or banned[lane[e]]:
                continue
            w = to[e]
            slack = deadline - ahead[w]
            y = value + cost_of[e]
            # pareto._moves without prices: the first departure (or open instant) only
            x = t + lead[e]
            if deps[e] < 0:
                x = _next_open(x, src[e], always, hours_lo, starts, ends)
                if x == np.inf:
                    continue
                held = t
            else:
                a, b = deps_lo[deps[e]], deps_lo[deps[e] + 1]
                k = a + np.searchsorted(deps_times[a:b], x, side="left")
                if k == b:
                    continue
                x = deps_times[k]
                held = x - lead[e] if x - lead[e] > t else t
            x += duration[e]
            if office[e] >= 0:
                x = _next_open(x, office[e], always, hours_lo, starts, ends)
                if x == np.inf:
                    continue
                x += clear[e]
            hand = _next_open(x, dst[e], always, hours_lo, starts, ends)
            if hand > slack:
                continue
            least = y + still[w]  # the least value at the target from here
            if least >= value_cap or y >= best[w]:
                continue
            key = hand + ahead[w]
            if _cover(last[target], key, least, times, values, before) or _cover(
                last[target + m], key, least, times, values, before
            ):
                continue
            if w < m and _cover(last[w + m], hand, y, times, values, before):
                continue
            heapq.heappush(heap, (key, y, len(times)))
            times.append(hand)
            values.append(y)
            at.append(w)
            parent.append(i)
            entry.append(e)
            hold.append(held)
            before.append(-1)
    # pareto._front(...)[0]: the earlier of the target's first labels out of a van
    # and in one (the cheaper on a tie, out of a van on a full tie)
    i, j = first[target], first[target + m]
    if j >= 0 and (i < 0 or (times[j], values[j]) < (times[i], values[i])):
        i = j
    count = 0
    k = i
    while k >= 0:
        count += 1
        k = parent[k]
    out_time = np.empty(count)
    out_value = np.empty(count)
    out_node = np.empty(count, dtype=np.int64)
    out_entry = np.empty(count, dtype=np.int64)
    out_hold = np.empty(count)
    k = i
    for c in range(count - 1, -1, -1):
        out_time[c] = times[k]
        out_value[c] = values[k]
        out_node[c] = at[k]
        out_entry[c] = entry[k]
        out_hold[c] = hold[k]
        k = parent[k]
    return out_time, out_value, out_node, out_entry, out_hold


def ahead(lower: Sequence[float] | None, nodes: int) -> np.ndarray:
    """The A* bounds per node as an array (zeros without bounds), converted once per
    list of bounds (those of ``pareto.lower_bounds`` are cached and shared)."""
    if lower is None:
        return np.zeros(nodes)
    known = _AHEAD.get(id(lower))
    if known is None or known[0] is not lower:
        if len(_AHEAD) > 4096:  # (the lists it keeps alive)
            _AHEAD.clear()
        known = _AHEAD[id(lower)] = (lower, np.asarray(lower, dtype=np.float64))
    return known[1]


def no_bans(cn: CompiledNetwork) -> np.ndarray:
    """A mask over ``cn``'s network lanes with nothing banned."""
    return np.zeros(len(cn.network.lanes), dtype=np.bool_)


__all__ = ["FlatNetwork", "ahead", "flat", "no_bans", "run", "run_cheapest"]
