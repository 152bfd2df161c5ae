"""Candidates: every way to serve an order, as (apheresis day, site, itineraries).

Per order: each allowed apheresis day (centre open at its ready time, apheresis slots,
inside the order's window) x each licensed site (the centre's territory among the
therapy's markets) x the earliest inbound itinerary meeting the fresh window ->
manufacturing from the handover at the site -> release -> the earliest outbound
itinerary within the shipper hold time, handed over while the centre is open.
Earliest-arrival answers come from the vectorised batch engine, one batch per
temperature class.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.network.batch import BatchEngine
from logistics.network.compiled import CompiledLane, CompiledNetwork
from logistics.network.earliest import replay, search
from logistics.network.explain import describe
from logistics.network.timebase import INF, from_s, to_s

log = logging.getLogger("logistics")
DAY_S = 86400
LATER_STARTS = 2  # manufacturing start options on later days, besides the handover
Progress = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to serve one order."""

    order: int  # index in the book
    ready: int  # apheresis time (end of collection), UTC seconds
    apheresis_day: date  # local date at the centre
    site: str
    start: int  # manufacturing start (handover at the site)
    end: int
    release: int
    delivery: int
    cost: float
    risk: float  # breach probability (Monte Carlo), or the p90 stress test's share of
    # the two windows broken if every leg ran at its p90 (0, 0.5 or 1)
    mfg_days: tuple[date, ...]  # local dates at the site holding a slot
    departures: tuple[tuple[str, int], ...]  # capacity-limited (lane_id, depart) used
    inbound: tuple[int, ...]  # lane indices
    outbound: tuple[int, ...]

    @property
    def v2v_h(self) -> float:
        """Vein-to-vein hours."""
        return (self.delivery - self.ready) / 3600


@dataclass(slots=True)
class CandidateSet:
    """All candidates of a book, with what is needed to explain the empty ones."""

    network: Network
    book: OrderBook
    cn: CompiledNetwork
    candidates: list[Candidate] = field(default_factory=list)
    by_order: list[list[int]] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)  # order index -> why no candidate
    frozen: dict[int, Candidate] = field(default_factory=dict)  # booked orders as booked
    frozen_notes: dict[int, str] = field(default_factory=dict)

    def itinerary(self, cand: Candidate, direction: str) -> Itinerary:
        """The legs of a candidate's inbound or outbound itinerary."""
        net = self.network
        order = self.book.orders[cand.order]
        therapy = net.therapies[order.therapy]
        if direction == "inbound":
            origin, ready, temp, chain = (
                order.treatment_centre,
                cand.ready,
                therapy.inbound_temperature,
                cand.inbound,
            )
        else:
            origin, ready, temp, chain = (
                cand.site,
                cand.release,
                therapy.outbound_temperature,
                cand.outbound,
            )
        lanes = [self.cn.lanes[k] for k in chain]
        if not lanes:
            return Itinerary(
                origin=origin, destination=origin, ready=from_s(ready), temperature=temp, legs=()
            )
        return replay(self.cn, self.cn.index[origin], float(ready), temp, lanes)


def horizon(book: OrderBook, network: Network) -> tuple[datetime, datetime]:
    """The time span candidates can touch: from the first apheresis to the last
    possible delivery of the latest order."""
    if not book.orders:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        return now, now + timedelta(days=1)
    first = min(
        min(o.apheresis_earliest, o.committed_apheresis or o.apheresis_earliest)
        for o in book.orders
    )
    last = max(o.apheresis_latest for o in book.orders)
    longest = max(
        (
            t.inbound_max_h / 24 + t.manufacturing_days + t.release_days + t.outbound_max_h / 24
            for t in network.therapies.values()
        ),
        default=30,
    )
    return first - timedelta(days=2), last + timedelta(days=longest + 3)


def build_candidates(
    network: Network,
    book: OrderBook,
    quantile: float | None = None,
    progress: Progress | None = None,
) -> CandidateSet:
    """Every candidate of every order of ``book`` (booked orders as booked)."""
    start, end = horizon(book, network)
    say = progress or (lambda _msg, _frac: None)
    say("compiling the network over the horizon", 0.0)
    cn = CompiledNetwork(network, start, end, quantile)
    stress = CompiledNetwork(network, start, end, 0.9) if quantile != 0.9 else None
    engine = BatchEngine(cn)
    cs = CandidateSet(
        network=network,
        book=book,
        cn=cn,
        by_order=[[] for _ in book.orders],
    )

    # 1. apheresis options per order
    options: dict[int, list[tuple[date, int]]] = {}
    for k, order in enumerate(book.orders):
        if order.status == "cancelled":
            cs.reasons[k] = "order cancelled"
            continue
        if order.booked:
            continue
        therapy = network.therapies[order.therapy]
        centre = network.sites[order.treatment_centre]
        if centre.territory not in therapy.markets:
            cs.reasons[k] = (
                f"no licensed site: {order.therapy} is not marketed in "
                f"{centre.territory} ({', '.join(therapy.markets)} only)"
            )
            continue
        days = _apheresis_days(network, order)
        if not days:
            cs.reasons[k] = (
                f"no apheresis day: {order.treatment_centre} is closed or has no apheresis "
                f"slots at its ready time between {_local(order.apheresis_earliest, centre)} "
                f"and {_local(order.apheresis_latest, centre)}"
            )
            continue
        options[k] = days

    # 2. inbound: one-to-all from each (centre, ready) per temperature
    say("routing inbound shipments", 0.1)
    inbound: dict[tuple[str, int, str], tuple[np.ndarray, np.ndarray]] = {}
    for temp, keys in _group(
        (
            (
                network.therapies[book.orders[k].therapy].inbound_temperature,
                (book.orders[k].treatment_centre, ready),
            )
            for k, days in options.items()
            for _, ready in days
        )
    ).items():
        labels, pred = engine.run(
            np.array([cn.index[c] for c, _ in keys]),
            np.array([r for _, r in keys], dtype=float),
            temp,
            max_h=max(t.inbound_max_h for t in network.therapies.values()),
        )
        for i, (c, r) in enumerate(keys):
            inbound[(c, r, temp)] = (labels[i], pred[i])

    # 3. manufacturing and release per (order, day, site)
    pending = []  # (order, day, ready, site, start, inbound chain)
    for k, days in options.items():
        order = book.orders[k]
        therapy = network.therapies[order.therapy]
        best_miss: tuple[float, str, int, int] | None = None
        found = False
        for day, ready in days:
            labels, pred = inbound[(order.treatment_centre, ready, therapy.inbound_temperature)]
            for site in therapy.sites:
                v = cn.index[site]
                arrival = labels[v]
                if arrival - ready <= therapy.inbound_max_h * 3600:
                    chain = _chain(cn, pred, cn.index[order.treatment_centre], v)
                    deadline = ready + therapy.inbound_max_h * 3600
                    for start_s in _starts(cn, site, int(arrival), deadline):
                        pending.append((k, day, ready, site, start_s, chain))
                    found = True
                elif best_miss is None or arrival - ready < best_miss[0]:
                    best_miss = (arrival - ready, site, ready, v)
        if not found:
            cs.reasons[k] = _inbound_reason(cs, order, best_miss, pred=inbound)

    # 4. outbound: one-to-all from each (site, release) per temperature
    say("routing outbound shipments", 0.4)
    releases = []
    for k, _day, _ready, _site, start_s, _chain_in in pending:
        therapy = network.therapies[book.orders[k].therapy]
        end_s = start_s + therapy.manufacturing_days * DAY_S
        releases.append(end_s + therapy.release_days * DAY_S)
    outbound: dict[tuple[str, int, str], tuple[np.ndarray, np.ndarray]] = {}
    groups = _group(
        (
            (network.therapies[book.orders[p[0]].therapy].outbound_temperature, (p[3], rel))
            for p, rel in zip(pending, releases, strict=True)
        )
    )
    for temp, keys in groups.items():
        for lo in range(0, len(keys), 4000):
            chunk = keys[lo : lo + 4000]
            labels, pred = engine.run(
                np.array([cn.index[s] for s, _ in chunk]),
                np.array([r for _, r in chunk], dtype=float),
                temp,
                max_h=max(t.outbound_max_h for t in network.therapies.values()),
            )
            for i, (s, r) in enumerate(chunk):
                outbound[(s, r, temp)] = (labels[i], pred[i])

    # 5. assemble
    say("assembling candidates", 0.8)
    misses: dict[int, tuple[float, str]] = {}
    for (k, day, ready, site, start_s, chain_in), release in zip(pending, releases, strict=True):
        order = book.orders[k]
        therapy = network.therapies[order.therapy]
        labels, pred = outbound[(site, release, therapy.outbound_temperature)]
        tc = cn.index[order.treatment_centre]
        delivery = labels[tc]
        if delivery - release > therapy.outbound_max_h * 3600:
            if delivery < INF and (k not in misses or delivery - release < misses[k][0]):
                misses[k] = (delivery - release, site)
            elif k not in misses:
                misses[k] = (INF, site)
            continue
        chain_out = _chain(cn, pred, cn.index[site], tc)
        cand = _candidate(
            cs, stress, k, day, ready, site, start_s, release, int(delivery), chain_in, chain_out
        )
        cs.by_order[k].append(len(cs.candidates))
        cs.candidates.append(cand)
    for k, (hours, site) in misses.items():
        if not cs.by_order[k] and k not in cs.reasons:
            therapy = network.therapies[book.orders[k].therapy]
            best = "no itinerary" if hours == INF else f"best {hours / 3600:.1f} h from {site}"
            cs.reasons[k] = (
                f"no {therapy.outbound_temperature} itinerary returns the product "
                f"to {book.orders[k].treatment_centre} within the "
                f"{therapy.outbound_max_h:g} h shipper hold time ({best})"
            )
    for k in options:
        if not cs.by_order[k] and k not in cs.reasons:
            cs.reasons[k] = "no feasible schedule"

    # 6. booked orders, as booked
    for k, order in enumerate(book.orders):
        if order.booked:
            _freeze(cs, stress, k, order)
    say("candidates ready", 1.0)
    return cs


def _apheresis_days(network: Network, order: Order) -> list[tuple[date, int]]:
    centre = network.sites[order.treatment_centre]
    zone = ZoneInfo(centre.timezone)
    first = order.apheresis_earliest.astimezone(zone).date()
    last = order.apheresis_latest.astimezone(zone).date()
    ready_t = time(centre.apheresis_ready_min // 60, centre.apheresis_ready_min % 60)
    days = []
    day = first
    while day <= last:
        ready = datetime.combine(day, ready_t, zone).astimezone(UTC)
        if (
            order.apheresis_earliest <= ready <= order.apheresis_latest
            and centre.calendar.is_open(ready)
            and network.capacity.slots(centre.site_id, "apheresis", day) > 0
        ):
            days.append((day, to_s(ready)))
        day += timedelta(days=1)
    return days


def _starts(cn: CompiledNetwork, site: str, arrival: int, deadline: float) -> list[int]:
    """Manufacturing start options: at the handover, and at the site's first opening
    on each of the next ``LATER_STARTS`` local days while inside the fresh window (so a
    full slot day can be dodged by starting a day later)."""
    out = [arrival]
    hours = cn.open[cn.index[site]]
    if hours.always:
        return out
    zone = ZoneInfo(cn.network.sites[site].timezone)
    last_day = datetime.fromtimestamp(arrival, UTC).astimezone(zone).date()
    for s in hours.starts[bisect_right(hours.starts, arrival) :]:
        if s > deadline or len(out) > LATER_STARTS:
            break
        day = datetime.fromtimestamp(s, UTC).astimezone(zone).date()
        if day > last_day:
            out.append(int(s))
            last_day = day
    return out


def _group(pairs) -> dict[str, list[tuple[str, int]]]:
    """Unique query keys per temperature, in a stable order."""
    out: dict[str, dict[tuple[str, int], None]] = {}
    for temp, key in pairs:
        out.setdefault(temp, {})[key] = None
    return {t: list(keys) for t, keys in out.items()}


def _cids(pred: list[CompiledLane | None]) -> list[int]:
    """The scalar search's predecessor lanes as compiled lane ids (-1: none)."""
    return [-1 if cl is None else cl.cid for cl in pred]


def _chain(cn: CompiledNetwork, pred, origin: int, target: int) -> tuple[int, ...]:
    """Compiled lane ids from ``origin`` to ``target`` following ``pred`` (per site, the
    compiled lane id that reached it)."""
    chain = []
    v = target
    while v != origin:
        k = int(pred[v])
        chain.append(k)
        v = cn.lanes[k].u
    return tuple(reversed(chain))


def _candidate(
    cs, stress, k, day, ready, site, start_s, release, delivery, chain_in, chain_out
) -> Candidate:
    net, cn = cs.network, cs.cn
    order = cs.book.orders[k]
    therapy = net.therapies[order.therapy]
    zone = ZoneInfo(net.sites[site].timezone)
    first = datetime.fromtimestamp(start_s, UTC).astimezone(zone).date()
    lanes = [cn.lanes[i] for i in chain_in + chain_out]
    departures = tuple(_departures(cn, chain_in, ready) + _departures(cn, chain_out, release))
    risk = 0.0
    if stress is not None:
        broke = 0
        t_in = _replay_time(stress, cn, chain_in, ready)
        broke += t_in - ready > therapy.inbound_max_h * 3600
        t_out = _replay_time(stress, cn, chain_out, release)
        broke += t_out - release > therapy.outbound_max_h * 3600
        risk = broke / 2
    return Candidate(
        order=k,
        ready=ready,
        apheresis_day=day,
        site=site,
        start=start_s,
        end=start_s + therapy.manufacturing_days * DAY_S,
        release=release,
        delivery=delivery,
        cost=round(sum(cl.cost for cl in lanes), 2),
        risk=risk,
        mfg_days=tuple(first + timedelta(days=d) for d in range(therapy.manufacturing_days)),
        departures=departures,
        inbound=chain_in,
        outbound=chain_out,
    )


def _departures(cn: CompiledNetwork, chain: tuple[int, ...], t: float) -> list[tuple[str, int]]:
    """(lane_id, depart) of the capacity-limited lanes of a chain taken from ``t``."""
    out = []
    for k in chain:
        cl: CompiledLane = cn.lanes[k]
        depart, _, _, hand = cn.traverse(cl, t)
        if cn.network.lanes[cl.index].capacity is not None:
            out.append((cl.lane_id, int(depart)))
        t = hand
    return out


def _replay_time(
    stress: CompiledNetwork, cn: CompiledNetwork, chain: tuple[int, ...], t: float
) -> float:
    """Handover time of the same lanes taken from ``t`` in another compiled network."""
    for k in chain:
        t = stress.take(cn.lanes[k].index, t)[3]
    return t


def _inbound_reason(cs: CandidateSet, order: Order, best_miss, pred) -> str:
    therapy = cs.network.therapies[order.therapy]
    temp = therapy.inbound_temperature
    window = f"{therapy.inbound_max_h:g} h"
    if best_miss is None or best_miss[0] == INF:
        return (
            f"no {temp} itinerary links {order.treatment_centre} to any licensed site "
            f"({', '.join(therapy.sites)})"
        )
    hours, site, ready, v = best_miss
    _labels, p = pred[(order.treatment_centre, ready, temp)]
    chain = _chain(cs.cn, p, cs.cn.index[order.treatment_centre], v)
    it = replay(
        cs.cn,
        cs.cn.index[order.treatment_centre],
        float(ready),
        temp,
        [cs.cn.lanes[k] for k in chain],
    )
    return (
        f"no {temp} itinerary reaches a licensed site within {window} of apheresis "
        f"(best {hours / 3600:.1f} h to {site}, {describe(it)})"
    )


def _freeze(cs: CandidateSet, stress, k: int, order: Order) -> None:
    """The booked schedule of a committed (or later) order: its site and apheresis as
    booked, the earliest itineraries from there."""
    net, cn = cs.network, cs.cn
    therapy = net.therapies[order.therapy]
    assert order.committed_apheresis is not None and order.committed_site is not None
    ready = to_s(order.committed_apheresis)
    site = order.committed_site
    centre = net.sites[order.treatment_centre]
    labels, pred = search(
        cn,
        cn.index[centre.site_id],
        float(ready),
        therapy.inbound_temperature,
        targets=(cn.index[site],),
    )
    arrival = labels[cn.index[site]]
    if arrival == INF:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.inbound_temperature} itinerary"
        return
    chain_in = _chain(cn, _cids(pred), cn.index[centre.site_id], cn.index[site])
    start_s = int(arrival)
    release = start_s + (therapy.manufacturing_days + therapy.release_days) * DAY_S
    labels, pred = search(
        cn,
        cn.index[site],
        float(release),
        therapy.outbound_temperature,
        targets=(cn.index[centre.site_id],),
    )
    delivery = labels[cn.index[centre.site_id]]
    if delivery == INF:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.outbound_temperature} return"
        return
    chain_out = _chain(cn, _cids(pred), cn.index[site], cn.index[centre.site_id])
    zone = ZoneInfo(centre.timezone)
    day = datetime.fromtimestamp(ready, UTC).astimezone(zone).date()
    cand = _candidate(
        cs, stress, k, day, ready, site, start_s, release, int(delivery), chain_in, chain_out
    )
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
    cs.frozen_notes[k] = "; ".join(notes) or "booked: kept as it is"


def _local(t: datetime, site) -> str:
    return t.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%d")
