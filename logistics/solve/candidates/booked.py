"""Booked orders: kept to the leg when last night's booking (a ``Commitment``) still
runs under tonight's network, else kept at their booked site and apheresis with the
earliest itineraries from there (the cheapest of those handing over first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.model.commitments import BookedLeg, Commitment
from logistics.model.constants import Material, OrderStatus
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.model.plan import Plan
from logistics.network.compiled import CompiledNetwork
from logistics.network.pareto import earliest_cheapest
from logistics.network.timebase import INF, from_s, to_s
from logistics.solve.candidates.candidate import DAY_S, CandidateSet
from logistics.solve.candidates.chains import make_candidate

KEPT = "committed: kept to the leg"
AS_BOOKED = "booked: kept as it is"
# Statuses whose manufacturing start has happened: the batch runs as it started.
STARTED = (OrderStatus.MANUFACTURING, OrderStatus.SHIPPED, OrderStatus.INFUSED)

Followed = tuple[tuple[int, ...], tuple[float, ...], float]  # chain, holds, handover


def _stamp(t: float) -> str:
    return from_s(t).strftime("%Y-%m-%dT%H:%MZ")


def follow(
    cn: CompiledNetwork, origin: str, ready: float, legs: Sequence[BookedLeg]
) -> Followed | str:
    """The booked ``legs`` taken from ``origin`` at ``ready`` on ``cn``: each lane must
    still leave at its booked departure. Returns (compiled chain, holds, handover at
    the end), or why the legs cannot be kept, in words."""
    by_id = {lane.lane_id: k for k, lane in enumerate(cn.network.lanes)}
    chain: list[int] = []
    holds: list[float] = []
    t, van, at = float(ready), False, origin
    for leg in legs:
        k = by_id.get(leg.lane_id)
        if k is None:
            return f"lane {leg.lane_id} is no longer in the network"
        lane = cn.network.lanes[k]
        if lane.from_site != at:
            return f"lane {leg.lane_id} does not leave from {at}"
        depart = to_s(leg.depart)
        found = None
        for cl in cn.by_lane[k]:
            hold = float(depart - cl.lead_from(van))
            d, _arr, _clr, hand = cn.traverse(cl, max(t, hold), van)
            if d == depart and hand < INF:
                found = (cl, hold, hand)
                break
        if found is None:
            late = bool(cn.by_lane[k]) and t > depart - cn.by_lane[k][0].lead_from(van)
            if late:
                return (
                    f"the material reaches {at} at {_stamp(t)}, too late for {leg.lane_id} "
                    f"leaving at {_stamp(depart)}"
                )
            return (
                f"{leg.lane_id} no longer leaves at {_stamp(depart)} (closed or off its timetable)"
            )
        cl, hold, hand = found
        chain.append(cl.cid)
        holds.append(hold)
        t, van, at = hand, cl.van_after(van), lane.to_site
    return tuple(chain), tuple(holds), t


def keep(cs: CandidateSet, stress: CompiledNetwork | None, k: int, c: Commitment) -> str | None:
    """Freeze order ``k`` of ``cs`` exactly as committed (same site, apheresis,
    manufacturing start, lanes and departures). None when kept; otherwise why the
    commitment cannot be kept tonight (nothing is frozen then)."""
    net = cs.network
    order = cs.book.orders[k]
    therapy = net.therapies[order.therapy]
    centre = net.sites[order.treatment_centre]
    if c.site not in therapy.sites or c.site not in net.sites:
        return f"{c.site} is no longer a licensed site of {order.therapy}"
    ready = to_s(c.apheresis)
    inbound = follow(cs.cn, order.treatment_centre, ready, c.inbound)
    if isinstance(inbound, str):
        return f"inbound: {inbound}"
    chain_in, hold_in, hand_in = inbound
    if hand_in - ready > therapy.inbound_max_h * 3600:
        return (
            f"the booked inbound now takes {(hand_in - ready) / 3600:.1f} h, over the "
            f"{therapy.inbound_max_h:g} h window"
        )
    start = to_s(c.manufacturing_start) if c.manufacturing_start else int(hand_in)
    started = order.status in STARTED
    if hand_in > start and not started:
        return (
            f"the material reaches {c.site} at {_stamp(hand_in)}, after the booked "
            f"manufacturing start {_stamp(start)}"
        )
    zone = ZoneInfo(net.sites[c.site].timezone)
    first = datetime.fromtimestamp(start, UTC).astimezone(zone).date()
    if not started:
        for d in range(therapy.manufacturing_days):
            day = first + timedelta(days=d)
            if net.capacity.slots(c.site, "manufacturing", day) <= 0:
                return f"{c.site} has no manufacturing slot on {day} tonight"
    release = (
        to_s(c.release)
        if c.release
        else start + (therapy.manufacturing_days + therapy.release_days) * DAY_S
    )
    outbound = follow(cs.cn_out, c.site, release, c.outbound)
    if isinstance(outbound, str):
        return f"outbound: {outbound}"
    chain_out, hold_out, delivery = outbound
    if delivery - release > therapy.outbound_max_h * 3600:
        return (
            f"the booked return now takes {(delivery - release) / 3600:.1f} h, over the "
            f"{therapy.outbound_max_h:g} h hold time"
        )
    day = datetime.fromtimestamp(ready, UTC).astimezone(ZoneInfo(centre.timezone)).date()
    cand = make_candidate(
        cs,
        stress,
        k,
        day,
        ready,
        c.site,
        start,
        release,
        int(delivery),
        chain_in,
        chain_out,
        hold_in,
        hold_out,
    )
    if cand is None:
        return f"{centre.site_id} does not open for the infusion inside the planning horizon"
    cs.frozen[k] = cand
    cs.frozen_notes[k] = KEPT
    return None


def commitments_from(previous: Plan, book: OrderBook) -> dict[str, Commitment]:
    """The bookings of ``previous`` for the booked orders of ``book`` that it served at
    their committed site and apheresis: its manufacturing start and legs, so a re-plan
    against a previous plan keeps them to the leg."""
    rows = previous.by_id()
    out = {}
    for o in book.orders:
        p = rows.get(o.order_id)
        if (
            o.booked
            and p is not None
            and p.served
            and p.manufacturing_site == o.committed_site
            and p.apheresis_time == o.committed_apheresis
            and p.inbound is not None
            and p.outbound is not None
        ):
            assert o.committed_site is not None and o.committed_apheresis is not None
            out[o.order_id] = Commitment(
                order_id=o.order_id,
                site=o.committed_site,
                apheresis=o.committed_apheresis,
                manufacturing_start=p.manufacturing_start,
                inbound=tuple(
                    BookedLeg(lane_id=g.lane_id, depart=g.depart) for g in p.inbound.legs
                ),
                outbound=tuple(
                    BookedLeg(lane_id=g.lane_id, depart=g.depart) for g in p.outbound.legs
                ),
            )
    return out


def broken_commitments(
    network: Network,
    book: OrderBook,
    commitments: Mapping[str, Commitment],
    quantile: float | None = None,
) -> dict[str, str]:
    """Order id -> why its booking cannot be kept under ``network``: a booked order
    whose legs in ``commitments`` no longer run, or a committed order (not yet
    collected) without booked legs whose earliest itineraries from the booking break
    a window or do not exist. What the solve would do with the same inputs, asked
    before it: the nightly run plans such committed orders again."""
    from logistics.solve.candidates.build import horizon

    start, end = horizon(book, network)
    cn = CompiledNetwork(network, start, end, quantile, Material.STARTING)
    cs = CandidateSet(network=network, book=book, cn=cn, by_order=[[] for _ in book.orders])
    out = {}
    for k, order in enumerate(book.orders):
        c = commitments.get(order.order_id)
        why = None
        if order.booked and c is not None and c.has_legs:
            why = keep(cs, None, k, c)
        elif order.status == OrderStatus.COMMITTED:
            freeze(cs, None, k, order, c)
            note = cs.frozen_notes.get(k, "")
            why = None if k in cs.frozen and note == AS_BOOKED else note
        if why is not None:
            out[order.order_id] = why
    return out


def freeze(
    cs: CandidateSet,
    stress: CompiledNetwork | None,
    k: int,
    order: Order,
    commitment: Commitment | None = None,
) -> None:
    """The booked schedule of a committed (or later) order: to the leg as in
    ``commitment`` when it still runs; otherwise its site and apheresis as booked
    (the manufacturing start too once started) and the earliest itineraries."""
    prefix = ""
    if commitment is not None and commitment.has_legs:
        why = keep(cs, stress, k, commitment)
        if why is None:
            return
        prefix = f"commitment not kept: {why}; re-routed from the booking; "
    net, cn = cs.network, cs.cn
    therapy = net.therapies[order.therapy]
    assert order.committed_apheresis is not None and order.committed_site is not None
    ready = to_s(order.committed_apheresis)
    site = order.committed_site
    centre = net.sites[order.treatment_centre]
    inbound = earliest_cheapest(
        cn, cn.index[centre.site_id], float(ready), therapy.inbound_temperature, cn.index[site]
    )
    if inbound is None:
        cs.frozen_notes[k] = (
            f"{prefix}booked at {site}, but no {therapy.inbound_temperature} itinerary"
        )
        return
    chain_in, hold_in = inbound.chain()
    start_s = int(inbound.time)
    if commitment is not None and commitment.manufacturing_start and order.status in STARTED:
        start_s = max(start_s, to_s(commitment.manufacturing_start))
    release = start_s + (therapy.manufacturing_days + therapy.release_days) * DAY_S
    if commitment is not None and commitment.release and order.status in STARTED:
        release = to_s(commitment.release)
    out = cs.cn_out
    outbound = earliest_cheapest(
        out, cn.index[site], float(release), therapy.outbound_temperature, cn.index[centre.site_id]
    )
    if outbound is None:
        cs.frozen_notes[k] = (
            f"{prefix}booked at {site}, but no {therapy.outbound_temperature} return"
        )
        return
    chain_out, hold_out = outbound.chain()
    delivery = outbound.time
    zone = ZoneInfo(centre.timezone)
    day = datetime.fromtimestamp(ready, UTC).astimezone(zone).date()
    cand = make_candidate(
        cs,
        stress,
        k,
        day,
        ready,
        site,
        start_s,
        release,
        int(delivery),
        chain_in,
        chain_out,
        hold_in,
        hold_out,
    )
    if cand is None:
        cs.frozen_notes[k] = (
            f"{prefix}booked at {site}, but {centre.site_id} does not open for the infusion "
            "inside the planning horizon"
        )
        return
    notes = []
    if (start_s - ready) > therapy.inbound_max_h * 3600:
        notes.append(
            f"booked inbound takes {(start_s - ready) / 3600:.1f} h, over the "
            f"{therapy.inbound_max_h:g} h window"
        )
    if (delivery - release) > therapy.outbound_max_h * 3600:
        notes.append(
            f"return takes {(delivery - release) / 3600:.1f} h, over the "
            f"{therapy.outbound_max_h:g} h hold time"
        )
    cs.frozen[k] = cand
    cs.frozen_notes[k] = prefix + ("; ".join(notes) or AS_BOOKED)


def reopened(book: OrderBook, broken: Mapping[str, str]) -> OrderBook:
    """``book`` with each committed order (apheresis booked, not yet collected) whose
    booking is in ``broken`` (:func:`broken_commitments`) turned into a new order, to be
    planned again; collected and later orders stay as they are."""
    return replace(
        book,
        orders=tuple(
            replace(o, status=OrderStatus.NEW, committed_site=None, committed_apheresis=None)
            if o.order_id in broken and o.status == OrderStatus.COMMITTED
            else o
            for o in book.orders
        ),
    )
