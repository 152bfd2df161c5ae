"""Time-dependent earliest arrival (label setting on a FIFO network)."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence

from logistics.model.itinerary import Itinerary, Leg
from logistics.network.compiled import TEMP_BIT, CompiledLane, CompiledNetwork
from logistics.network.timebase import INF, from_s


def search(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    *,
    targets: Collection[int] = (),
    banned: Collection[int] = (),
    deadline: float = INF,
) -> tuple[list[float], list[CompiledLane | None]]:
    """Earliest handover time at every site reachable from ``origin``.

    Returns labels (UTC seconds, inf when unreachable) and the lane used to reach each
    site. Stops once every site in ``targets`` is settled; ignores ``banned`` lanes
    (indices) and labels later than ``deadline``.

    Labels are (handover, lane cost so far), least first in that order: among lanes
    handing over at a site at the same time the one that brings the material there
    for less wins, so cost breaks ties and never changes a handover time. The cost
    is that of the site's own label extended by the lane (a site is not reached
    later for less in order to save on the next lane).
    """
    # The inner loop is the hot path of every route query: it inlines the scalar
    # CompiledNetwork.traverse (the documented exception to network/traversal.py) on the
    # flat adjacency tuples of cn.adjacency(); test_traversal.py checks they agree.
    bit = TEMP_BIT[temperature]
    n = len(cn.site_ids)
    label = [INF] * n
    cost = [INF] * n  # lane cost of the label's chain: breaks ties on handover time
    pred: list[CompiledLane | None] = [None] * n
    label[origin] = ready
    cost[origin] = 0.0
    heap = [(ready, 0.0, origin)]
    remaining = set(targets)
    done = [False] * n
    adjacency = cn.adjacency()
    end_point = cn.end_point
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        t, _, u = pop(heap)
        if done[u]:
            continue
        done[u] = True
        c = cost[u]
        remaining.discard(u)
        if targets and not remaining:
            break
        if end_point[u] and u != origin:
            continue  # centres and plants are end points, never transit points
        for temps, index, v, lead, deps, src, office, clear, dst, cl in adjacency[u]:
            if not temps & bit or (banned and index in banned):
                continue
            x = t + lead
            if deps is None:  # on demand: the first open instant of its window
                if not src.always:
                    i = bisect_right(src.ends, x)
                    if i == len(src.ends):
                        continue
                    s = src.starts[i]
                    if s > x:
                        x = s
            else:
                i = bisect_left(deps, x)
                if i == len(deps):
                    continue
                x = deps[i]
            x += cl.duration
            if office is not None:
                if not office.always:
                    i = bisect_right(office.ends, x)
                    if i == len(office.ends):
                        continue
                    s = office.starts[i]
                    if s > x:
                        x = s
                x += clear
            if not dst.always:
                i = bisect_right(dst.ends, x)
                if i == len(dst.ends):
                    continue
                s = dst.starts[i]
                if s > x:
                    x = s
            if x <= label[v] and x <= deadline:
                y = c + cl.cost
                if x < label[v]:
                    label[v] = x
                    cost[v] = y
                    pred[v] = cl
                    push(heap, (x, y, v))
                elif y < cost[v] and not done[v]:
                    # as early for less: its heap entry at x stands and the cost is
                    # read when it pops, after every site handed over before x; only
                    # those can lower it (a lane takes at least a second: durations
                    # are positive, whole seconds rounded up)
                    cost[v] = y
                    pred[v] = cl
    return label, pred


def build_itinerary(
    cn: CompiledNetwork,
    origin: int,
    target: int,
    ready: float,
    temperature: str,
    pred: list[CompiledLane | None],
) -> Itinerary:
    """Replay the predecessor lanes from ``origin`` to ``target`` into legs."""
    chain: list[CompiledLane] = []
    v = target
    while v != origin:
        cl = pred[v]
        assert cl is not None, "target not reached"
        chain.append(cl)
        v = cl.u
    chain.reverse()
    return replay(cn, origin, ready, temperature, chain)


def replay(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    chain: list[CompiledLane],
    hold: Sequence[float] = (),
) -> Itinerary:
    """The legs of a lane chain taken from ``ready``, each as early as possible or,
    with ``hold``, not before the time given for it (a later departure)."""
    net = cn.network
    legs = []
    t = ready
    for i, cl in enumerate(chain):
        if hold:
            t = max(t, hold[i])
        depart, arrival, cleared, hand = cn.traverse(cl, t)
        if hand == INF:
            raise ValueError(f"lane {cl.lane_id} cannot be taken after {from_s(t)}")
        lane = net.lanes[cl.index]
        a = b = None
        if cl.customs >= 0:  # named as the rule names them (a territory or subdivision)
            rule = net.customs_rule(lane.from_site, lane.to_site, lane.mode, cn.material)
            a, b = (rule.from_territory, rule.to_territory) if rule else (None, None)
        crossing = a is not None
        legs.append(
            Leg(
                lane_id=lane.lane_id,
                carrier=lane.carrier,
                mode=lane.mode,
                from_site=lane.from_site,
                to_site=lane.to_site,
                depart=from_s(depart),
                arrive=from_s(hand),
                temperature=temperature,
                customs_from=a if crossing else None,
                customs_to=b if crossing else None,
                customs_h=(cleared - arrival) / 3600,
                cost_eur=lane.cost_eur,
                wait_open_h=(hand - cleared) / 3600,
            )
        )
        t = hand
    return Itinerary(
        origin=cn.site_ids[origin],
        destination=cn.site_ids[chain[-1].v] if chain else cn.site_ids[origin],
        ready=from_s(ready),
        temperature=temperature,
        legs=tuple(legs),
    )
