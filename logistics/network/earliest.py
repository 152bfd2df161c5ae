"""Time-dependent earliest arrival (label setting on a FIFO network).

A site has two nodes, the material in a courier's van or not (one dispatch per
itinerary, see :mod:`logistics.network.compiled`): a van's label at ``t`` can beat
another at ``t' < t`` when the next lane is an on-demand road lane, so earliest
arrival is a function of (site, in a van) and time."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from logistics.model.itinerary import Itinerary, Leg
from logistics.network import jit
from logistics.network.compiled import TEMP_BIT, CompiledLane, CompiledNetwork
from logistics.network.timebase import INF, from_s

Step = tuple[CompiledLane, int]
"""How a label was reached: the lane, and the index (in the same ``pred`` list) of the
label it was taken from."""


def search(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    *,
    targets: Collection[int] = (),
    banned: Collection[int] = (),
    deadline: float = INF,
    lower: Sequence[float] | None = None,
) -> tuple[list[float], list[Step | None]]:
    """Earliest handover time at every site reachable from ``origin``.

    Returns labels (UTC seconds, inf when unreachable) and how each was reached. Stops
    once every site in ``targets`` is settled; ignores ``banned`` lanes (indices) and
    labels later than ``deadline``. With ``lower`` (per node, the least time any
    itinerary needs to reach a target: ``pareto.lower_bounds``) the search is A*:
    nodes settle in order of handover plus that bound, so only the targets' labels
    (and those of the nodes settled before them) are final.

    The search runs over nodes ``site + n x in_van`` (see
    :mod:`logistics.network.compiled`: an on-demand road lane taken by material still
    in a courier's van leaves without its lead time), so a site has two labels: in a
    van and not. Labels are (handover, lane cost so far), least first in that order:
    among lanes handing over at a node at the same time the one that brings the
    material there for less wins, so cost breaks ties and never changes a handover
    time. The cost is that of the node's own label extended by the lane (a node is not
    reached later for less in order to save on the next lane). A site's label is the
    least of its two (out of a van on a full tie).

    ``pred`` has ``2 n`` entries: ``pred[v]`` is how site ``v``'s label was reached,
    ``pred[n + v]`` how its other node's label was (None at the origin and where
    unreached), each as (lane, index in ``pred`` of the label it leaves from); follow
    them from the target with :func:`chain_to`.
    """
    # The loop runs compiled (logistics.network.jit) over the flat arrays of
    # cn.adjacency(); test_traversal.py checks it agrees with CompiledNetwork.traverse.
    n = len(cn.site_ids)
    ahead = jit.ahead(lower, 2 * n)
    label, cost, entry, came = _run(
        cn, origin, ready, temperature, targets, banned, deadline, ahead
    )
    lanes = jit.flat(cn).lanes
    pred = [lanes[e] if e >= 0 else None for e in entry.tolist()]
    return _by_site(n, label.tolist(), cost.tolist(), pred, came.tolist())


def earliest_to(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    target: int,
    *,
    banned: Collection[int] = (),
    lower: Sequence[float] | None = None,
) -> tuple[float, float]:
    """:func:`search`'s label at site ``target`` alone: its handover and the lane cost
    of its itinerary (both inf when unreachable), without the steps."""
    n = len(cn.site_ids)
    ahead = jit.ahead(lower, 2 * n)
    label, cost, _, _ = _run(cn, origin, ready, temperature, (target,), banned, INF, ahead)
    node = _site_node(n, label, cost, target)
    return (INF, INF) if label[node] == INF else (float(label[node]), float(cost[node]))


def earliest_chains(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    targets: Collection[int],
    *,
    deadline: float = INF,
    ahead: np.ndarray | None = None,
) -> dict[int, tuple[float, tuple[int, ...]]]:
    """:func:`search`'s label at each reachable site of ``targets`` and the compiled
    lane ids of its itinerary (its steps), without the steps of any other site: what
    candidate building asks of each (origin, ready time). ``ahead`` are A* bounds per
    node (least seconds to a target, consistent: see ``pareto.lower_bounds``)."""
    n = len(cn.site_ids)
    if ahead is None:
        ahead = jit.ahead(None, 2 * n)
    label, cost, entry, came = _run(cn, origin, ready, temperature, targets, (), deadline, ahead)
    lanes = jit.flat(cn).lanes
    out = {}
    for v in targets:
        node = _site_node(n, label, cost, v)
        if label[node] == INF:
            continue
        at = float(label[node])
        chain = []
        while node != origin:
            chain.append(lanes[entry[node]].cid)
            node = came[node]
        out[v] = (at, tuple(reversed(chain)))
    return out


def _run(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    targets: Collection[int],
    banned: Collection[int],
    deadline: float,
    ahead: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The compiled search's (label, cost, entry, came) per node; ``ahead`` are the A*
    bounds per node (:func:`jit.ahead`)."""
    n = len(cn.site_ids)
    wanted = np.zeros(n, dtype=np.bool_)
    wanted[list(targets)] = True
    bans = jit.no_bans(cn)
    bans[list(banned)] = True
    bit = TEMP_BIT[temperature]
    return jit.run(jit.flat(cn), origin, ready, bit, wanted, bans, deadline, ahead)


def _site_node(n: int, label, cost, v: int) -> int:
    """The node of site ``v``'s label: the least of its two, out of a van on a full tie."""
    return n + v if (label[n + v], cost[n + v]) < (label[v], cost[v]) else v


def _by_site(
    n: int, label: list[float], cost: list[float], pred: list, came: list[int]
) -> tuple[list[float], list[Step | None]]:
    """Per site the least of its two node labels, and the steps in site order (the
    site's label first, its other node's after the n sites)."""
    van = [_site_node(n, label, cost, v) >= n for v in range(n)]
    rank = [n * b for b in van]  # node -> index in the output: the node of the site's
    # label at its site, the other node n further

    def index(node: int) -> int:
        if node >= n:
            return node - n + (n - rank[node - n])
        return node + rank[node]

    steps: list[Step | None] = [None] * (2 * n)
    for node in range(2 * n):
        cl = pred[node]
        if cl is not None:
            steps[index(node)] = (cl, index(came[node]))
    return [label[n + v] if van[v] else label[v] for v in range(n)], steps


def chain_to(steps: Sequence[Step | None], origin: int, target: int) -> list[CompiledLane]:
    """The lanes from ``origin`` to site ``target`` (its label) of a :func:`search`."""
    out: list[CompiledLane] = []
    i = target
    while i != origin:
        step = steps[i]
        assert step is not None, "target not reached"
        out.append(step[0])
        i = step[1]
    out.reverse()
    return out


def build_itinerary(
    cn: CompiledNetwork,
    origin: int,
    target: int,
    ready: float,
    temperature: str,
    pred: Sequence[Step | None],
) -> Itinerary:
    """Replay the lanes of a :func:`search` from ``origin`` to ``target`` into legs."""
    return replay(cn, origin, ready, temperature, chain_to(pred, origin, target))


def replay(
    cn: CompiledNetwork,
    origin: int,
    ready: float,
    temperature: str,
    chain: list[CompiledLane],
    hold: Sequence[float] = (),
) -> Itinerary:
    """The legs of a lane chain taken from ``ready``, each as early as possible or,
    with ``hold``, not before the time given for it (a later departure); an on-demand
    road leg after a van's leg leaves without its lead time (one dispatch)."""
    net = cn.network
    legs = []
    t = ready
    van = False
    for i, cl in enumerate(chain):
        if hold:
            t = max(t, hold[i])
        depart, arrival, cleared, hand = cn.traverse(cl, t, van)
        van = cl.van_after(van)
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
