"""Time-dependent search over (handover time, value): every itinerary worth having.

The earliest-arrival search (:mod:`logistics.network.earliest`) keeps one label per
site, the earliest. Pricing a schedule needs more: a later departure of a
capacity-limited lane whose shippers are priced lower, or a cheaper, slower mode
that still meets the window. This search keeps, per site, every label that no other
label beats on both handover time and value (the weighted lane cost plus the prices
of the departures taken), so the best itinerary under any later use of the arrival
time is among them.

Rules (the same as every route in the project): lanes carry the temperature class,
treatment centres and manufacturing sites are end points (never left except from the
origin), material waits at a site for a later departure, and every label past the
deadline is dropped. Only a capacity-limited timetabled lane is worth taking later
than its first departure: a later departure is tried while it is priced lower than
every earlier one (waiting for any other lane gains nothing on a FIFO network).

One dispatch per itinerary (see :mod:`logistics.network.compiled`): labels live at
nodes ``site + n x in_van``. A label in a van at a site dominates one out of a van
there that is no earlier and no cheaper (from a van every lane leaves as early, and a
ferry or tunnel leaves the material in the van); the other way round only for the
lanes that are neither on-demand road lanes nor ferries or tunnels. A site's labels
are the non-dominated ones of its two nodes.
"""

from __future__ import annotations

import heapq
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import numba
import numpy as np

from logistics.network import jit
from logistics.network.compiled import TEMP_BIT, CompiledLane, CompiledNetwork
from logistics.network.earliest import earliest_to
from logistics.network.timebase import INF

# (lane id, departure in UTC seconds) -> price of one shipper on it (inf: no room)
Price = Callable[[str, int], float]


@dataclass(frozen=True, slots=True)
class Label:
    """A way to have the material at ``site`` at ``time`` for ``value``."""

    time: float  # handover at the site, UTC seconds
    value: float  # cost_weight x lane costs + departure prices, so far
    paid: float  # the departure prices in ``value``
    site: int
    van: bool  # the material is in a courier's van (the last lane an on-demand road)
    lane: CompiledLane | None  # the last lane taken (None at the origin)
    hold: float  # when the material was presented to that lane (waits included)
    parent: Label | None

    def chain(self) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """Compiled lane ids from the origin, and the time the material was presented
        to each (for a later departure, its departure less the lane's lead time)."""
        lanes, holds = [], []
        label: Label | None = self
        while label is not None and label.lane is not None:
            lanes.append(label.lane.cid)
            holds.append(label.hold)
            label = label.parent
        return tuple(reversed(lanes)), tuple(reversed(holds))


def _free(_lane: str, _depart: int) -> float:
    return 0.0


def _same(t: float) -> float:
    return t


def pareto(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    deadline: float,
    *,
    cost_weight: float = 1.0,
    price: Price = _free,
    limited: frozenset[int] = frozenset(),
    lower: list[float] | None = None,
    target: int | None = None,
    banned: Collection[int] = (),
    value_cap: float = INF,
    lower_cost: list[float] | None = None,
) -> list[list[Label]]:
    """Per site, its non-dominated labels in increasing time (decreasing value), those
    worth less than ``value_cap`` only (values only grow along an itinerary, and a
    label beating another is worth no more, so these are exactly the front's labels
    below the cap).

    ``limited`` are the compiled lane ids with a shipper limit; ``price`` gives the
    price of a shipper on one of their departures (inf: none may be booked);
    ``lower`` (see :func:`lower_bounds`) drops labels that cannot reach a target by
    the deadline. With a ``target`` only its labels are sought: a label that a
    label already at the target beats on value and time, even with the least time
    and (``lower_cost``, the least lane costs to the target) the least value still
    to go, is dropped, as is one whose value with the least still to go reaches the
    cap. ``banned`` lanes (network lane indices) are not taken.
    """
    bit = TEMP_BIT[temperature]
    n = len(cn.site_ids)
    ahead = lower if lower is not None else [0.0] * (2 * n)
    still = [cost_weight * c for c in lower_cost] if lower_cost is not None else [0.0] * (2 * n)
    kept: list[list[Label]] = [[] for _ in range(2 * n)]  # per node
    best = [INF] * (2 * n)  # least value among the kept labels of each node
    end_point = cn.end_point
    adjacency, own = cn.adjacency(), cn.own_adjacency()
    push, pop = heapq.heappush, heapq.heappop
    start = Label(ready, 0.0, 0.0, origin, False, None, ready, None)
    # A* on time: keyed by time plus the least time still to go (one node's labels
    # still pop in time order, so the first popped at a node is its earliest)
    heap: list[tuple[float, float, int, Label]] = [(ready + ahead[origin], 0.0, 0, start)]
    # the target's labels, out of a van and in one (none without a target)
    out_at, van_at = (kept[target], kept[target + n]) if target is not None else ([], [])
    seq = 1
    while heap:
        _, value, _, label = pop(heap)
        u, t = label.site, label.time
        node = u + n * label.van
        if value >= best[node]:
            continue  # an earlier (or as early) label is at least as cheap
        if not label.van and _cover(kept[node + n], t, value):
            continue  # so is one in a van
        if u != target and _beaten(out_at, van_at, t + ahead[node], value + still[node]):
            continue
        best[node] = value
        kept[node].append(label)
        if end_point[u] and u != origin:
            continue
        # out of a van as early for no more: the van label's own lanes only
        lanes = own[node] if label.van and _cover(kept[u], t, value) else adjacency[node]
        for lane in lanes:
            if not lane[0] & bit or (banned and lane[1] in banned):
                continue
            w, cl = lane[2], lane[9]
            slack = deadline - ahead[w]
            base = value + cost_weight * cl.cost
            for hand, hold, extra in _moves(lane, t, slack, price, cl.cid in limited):
                y = base + extra
                least = y + still[w]  # the least value at the target from here
                if least >= value_cap or y >= best[w]:
                    continue
                if _beaten(out_at, van_at, hand + ahead[w], least):
                    continue
                if w < n and _cover(kept[w + n], hand, y):
                    continue
                nxt = Label(hand, y, label.paid + extra, cl.v, w >= n, cl, hold, label)
                push(heap, (hand + ahead[w], y, seq, nxt))
                seq += 1
    return [_front(kept[v], kept[v + n]) for v in range(n)]


def _front(out: list[Label], van: list[Label]) -> list[Label]:
    """The labels of a site's two nodes that no other one beats on both time and
    value, in increasing time (decreasing value)."""
    if not van:
        return out
    if not out:
        return van
    front: list[Label] = []
    for label in sorted([*out, *van], key=lambda x: (x.time, x.value)):
        if not front or label.value < front[-1].value:
            front.append(label)
    return front


def _beaten(out: list[Label], van: list[Label], time: float, value: float) -> bool:
    """True when a label of ``out`` or ``van`` (each in increasing time, decreasing
    value) is handed over by ``time`` for at most ``value``."""
    return bool(out and _cover(out, time, value)) or bool(van and _cover(van, time, value))


def _cover(labels: list[Label], time: float, value: float) -> bool:
    """True when one of ``labels`` (increasing time, decreasing value) is handed over
    by ``time`` for at most ``value``."""
    for label in reversed(labels):
        if label.time <= time:
            return label.value <= value
    return False


def _moves(lane: tuple, t: float, slack: float, price: Price, limited: bool) -> list:
    """(handover at the lane's end, presented at, price) of each departure of one
    adjacency entry (see ``CompiledNetwork.adjacency``) worth taking from ``t`` and
    handed over by ``slack``: the first one, or for a limited timetabled lane each
    later one priced lower than every earlier one. (The innermost loop of pricing:
    ``max`` is written out.)"""
    _temps, _index, _v, lead, deps, src, office, clear, dst, cl = lane
    x = t + lead
    if deps is None:  # on demand: the first open instant of its window
        if not src.always:
            i = bisect_right(src.ends, x)
            if i == len(src.ends):
                return []
            opens = src.starts[i]
            if opens > x:
                x = opens
        hand = _arrive(x + cl.duration, office, clear, dst)
        if hand > slack:
            return []
        extra = price(cl.lane_id, int(x)) if limited else 0.0
        return [(hand, t, extra)] if extra < INF else []
    out = []
    lowest = INF
    for i in range(bisect_left(deps, x), len(deps)):
        depart = deps[i]
        hand = _arrive(depart + cl.duration, office, clear, dst)
        if hand > slack:
            break
        extra = price(cl.lane_id, int(depart)) if limited else 0.0
        if extra < lowest:
            lowest = extra
            presented = depart - lead
            out.append((hand, presented if presented > t else t, extra))
            if extra <= 0.0:
                break
    return out


def _arrive(x: float, office, clear: float, dst) -> float:
    """Handover at a lane's destination of material physically arriving at ``x``."""
    if office is not None:
        if not office.always:
            i = bisect_right(office.ends, x)
            if i == len(office.ends):
                return INF
            opens = office.starts[i]
            if opens > x:
                x = opens
        x += clear
    if not dst.always:
        i = bisect_right(dst.ends, x)
        if i == len(dst.ends):
            return INF
        opens = dst.starts[i]
        if opens > x:
            x = opens
    return x


def cheapest(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    deadline: float,
    target: int,
    *,
    time_weight: float,
    cost_weight: float = 1.0,
    price: Price = _free,
    limited: frozenset[int] = frozenset(),
    lower: list[float] | None = None,
    cutoff: float = INF,
    finish: Callable[[float], float] | None = None,
    lower_cost: list[float] | None = None,
) -> Label | None:
    """The label at ``target`` least in ``time_weight x finish(handover) + value``
    (None when the target cannot be reached by ``deadline``, or not below
    ``cutoff``); ``finish`` is a non-decreasing map of the handover (the infusion it
    allows, say), the handover itself when not given.

    A* on that key, a label's estimate being ``finish`` of its time plus ``lower``
    (the :func:`lower_bounds` to the target, zero when not given), and its value plus
    ``cost_weight x lower_cost`` (the least lane costs to the target, zero when not
    given): no handover at the target comes earlier and no itinerary there is
    cheaper, ``finish`` never decreases and both bounds are consistent, so the key
    never decreases along an itinerary and the first label popped at the target is
    the least. Where ``finish`` has steps (a weekend, an infusion day) the cost
    estimate keeps the search from spreading over every cheap way into one step.
    """
    done = finish if finish is not None else _same
    bit = TEMP_BIT[temperature]
    n = len(cn.site_ids)
    ahead = lower if lower is not None else [0.0] * (2 * n)
    still = [cost_weight * c for c in lower_cost] if lower_cost is not None else [0.0] * (2 * n)
    kept: list[list[tuple[float, float]]] = [[] for _ in range(2 * n)]  # per node
    end_point = cn.end_point
    adjacency, own = cn.adjacency(), cn.own_adjacency()
    push, pop = heapq.heappush, heapq.heappop
    start = Label(ready, 0.0, 0.0, origin, False, None, ready, None)
    first = time_weight * done(ready + ahead[origin]) + still[origin]
    heap: list[tuple[float, int, Label]] = [(first, 0, start)]
    seq = 1
    while heap:
        key, _, label = pop(heap)
        if key >= cutoff:
            return None
        u, t, value = label.site, label.time, label.value
        if u == target:
            return label
        node = u + n * label.van
        if _covered(kept[node], t, value) or (not label.van and _covered(kept[node + n], t, value)):
            continue
        kept[node].append((t, value))
        if end_point[u] and u != origin:
            continue
        # out of a van as early for no more: the van label's own lanes only
        lanes = own[node] if label.van and _covered(kept[u], t, value) else adjacency[node]
        for lane in lanes:
            if not lane[0] & bit:
                continue
            w, cl = lane[2], lane[9]
            if ahead[w] == INF:
                continue
            base = value + cost_weight * cl.cost
            for hand, hold, extra in _moves(lane, t, deadline - ahead[w], price, cl.cid in limited):
                nxt = Label(hand, base + extra, label.paid + extra, cl.v, w >= n, cl, hold, label)
                key = time_weight * done(hand + ahead[w]) + base + extra + still[w]
                if key < cutoff:
                    push(heap, (key, seq, nxt))
                seq += 1
    return None


def _covered(kept: list[tuple[float, float]], t: float, value: float) -> bool:
    """True when one of the (time, value) pairs ``kept`` is no later and no dearer."""
    return any(kt <= t and kv <= value for kt, kv in kept)


def earliest_cheapest(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    target: int,
    *,
    banned: Iterable[int] = (),
    first: tuple[float, float] | None = None,
) -> Label | None:
    """The label of the itinerary handing over at ``target`` first, the cheapest of
    those that hand over then (None when unreachable): the earliest handover and the
    cost of one itinerary handing over then from the scalar search (or ``first``,
    when the caller has them from :func:`earliest_at`), then every itinerary reaching
    the target by then for no more than that cost.

    That second search is :func:`pareto` without prices (each lane's first departure
    only), run compiled (:func:`logistics.network.jit.run_cheapest`) statement for
    statement: its label is ``pareto(...)[target][0]`` of the deadline ``at``, the
    time bounds to the target, ``banned``, the cap ``cost + 1e-6 x max(1, cost)``
    and the lane cost bounds to the target (Plan B's 9,852 calls at 5,000 orders:
    5.9 s in Python, 0.9 s compiled; see :mod:`logistics.network.jit`). None too if
    it kept no label at the target (it keeps the scalar search's itinerary there, or
    one beating it)."""
    bans = set(banned)
    if first is None:
        first = earliest_at(cn, origin, ready, temperature, target, banned=bans)
    at, cost = first
    if at == INF:
        return None
    n = len(cn.site_ids)
    mask = jit.no_bans(cn)
    mask[list(bans)] = True
    f = jit.flat(cn)
    times, values, nodes, entries, holds = jit.run_cheapest(
        f,
        origin,
        ready,
        TEMP_BIT[temperature],
        target,
        mask,
        at,
        cost + 1e-6 * max(1.0, cost),  # (the same sum, added in another order)
        jit.ahead(lower_bounds(cn, (target,), temperature), 2 * n),
        jit.ahead(lower_bounds(cn, (target,), temperature, cost=True), 2 * n),
    )
    label = None
    for t, value, node, e, hold in zip(
        times.tolist(),
        values.tolist(),
        nodes.tolist(),
        entries.tolist(),
        holds.tolist(),
        strict=True,
    ):
        lane = f.lanes[e] if e >= 0 else None
        label = Label(t, value, 0.0, node % n, node >= n, lane, hold, label)
    return label


def earliest_at(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    target: int,
    *,
    banned: Collection[int] = (),
) -> tuple[float, float]:
    """The earliest handover at ``target`` and the lane cost of the scalar search's
    itinerary handing over then (no less than the cheapest such: see
    :func:`earliest_cheapest`); both inf when unreachable."""
    lower = lower_bounds(cn, (target,), temperature)
    return earliest_to(cn, origin, ready, temperature, target, banned=banned, lower=lower)


def lower_bounds(
    cn: CompiledNetwork, targets: Collection[int], temperature: str, *, cost: bool = False
) -> list[float]:
    """Per node (``site + n x in_van``: the material at the site, in a courier's van or
    not), the least seconds any itinerary needs to reach one of ``targets`` (lead,
    flight or drive, clearance; waits left out), or with ``cost`` its least lane cost
    (the same for both nodes of a site); inf when none can: a reverse Dijkstra over
    the lanes carrying ``temperature``, never through an end point. The time bounds
    are consistent (no lane from a node takes less than the fall in its bound), as
    A* in :func:`pareto` and :func:`cheapest` needs. Cached per network: the list
    returned is shared, never to be changed."""
    key = (tuple(sorted(targets)), temperature, cost)
    cached = _BOUNDS.setdefault(cn, {})
    if key not in cached:
        cached[key] = _lower_bounds(cn, targets, temperature, cost)
    return cached[key]


def _lower_bounds(
    cn: CompiledNetwork, targets: Collection[int], temperature: str, cost: bool
) -> list[float]:
    n = len(cn.site_ids)
    start, source, weights = _reverse(cn, TEMP_BIT[temperature])
    goal = np.zeros(n, dtype=np.bool_)
    goal[list(targets)] = True
    seeds = np.array([v + n * van for v in targets for van in (0, 1)], dtype=np.int64)
    if len(seeds) == 0:
        return [INF] * (2 * n)
    ends = _END_POINTS.get(cn)
    if ends is None:
        ends = _END_POINTS[cn] = np.asarray(cn.end_point, dtype=np.bool_)
    weight = weights[:, 1 if cost else 0]
    return _reverse_dijkstra(start, source, weight, seeds, goal, ends).tolist()


@numba.njit(cache=True)
def _reverse_dijkstra(start, source, weight, seeds, goal, ends):  # pragma: no cover - compiled
    """Least ``weight`` from every node to a seed along the reversed lanes (``start``
    and ``source`` by node: the lanes into it), never settling through an end point
    that is not a goal; the loop of the Python one it replaced, heap ties included."""
    n = len(ends)
    dist = np.full(len(start) - 1, np.inf)
    heap = [(0.0, seeds[0])]
    heap.pop()
    for node in seeds:
        heap.append((0.0, node))
        dist[node] = 0.0
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist[node] or (ends[node % n] and not goal[node % n]):
            continue
        for e in range(start[node], start[node + 1]):
            x = d + weight[e]
            w = source[e]
            if x < dist[w]:
                dist[w] = x
                heapq.heappush(heap, (x, w))
    return dist


_REVERSE: weakref.WeakKeyDictionary[
    CompiledNetwork, dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]
] = weakref.WeakKeyDictionary()
_END_POINTS: weakref.WeakKeyDictionary[CompiledNetwork, np.ndarray] = weakref.WeakKeyDictionary()
_BOUNDS: weakref.WeakKeyDictionary[CompiledNetwork, dict[tuple, list[float]]] = (
    weakref.WeakKeyDictionary()
)


def _reverse(cn: CompiledNetwork, bit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per node, the lanes carrying ``bit`` into it, by node in compressed form:
    ``(start, from-node, [least seconds: lead from that node, duration and
    clearance; lane cost])``, in the order of the lanes; cached per network."""
    by_bit = _REVERSE.setdefault(cn, {})
    if bit not in by_bit:
        n = len(cn.site_ids)
        into: list[list[tuple]] = [[] for _ in range(2 * n)]
        for cl in cn.lanes:
            if not cl.temps & bit:
                continue
            clear = cl.clearance + cl.release if cl.customs >= 0 else 0
            for van in (False, True):
                seconds = cl.lead_from(van) + cl.duration + clear
                into[cl.v + n * cl.van_after(van)].append((cl.u + n * van, seconds, cl.cost))
        start = np.zeros(2 * n + 1, dtype=np.int64)
        start[1:] = np.cumsum([len(edges) for edges in into])
        edges = [e for node in into for e in node]
        source = np.array([e[0] for e in edges], dtype=np.int64)
        weights = np.array([(e[1], e[2]) for e in edges], dtype=float).reshape(-1, 2)
        by_bit[bit] = (start, source, weights)
    return by_bit[bit]
