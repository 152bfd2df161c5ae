"""The phases of candidate building, in order: apheresis options, inbound routing,
manufacturing starts, outbound routing, assembly. Each phase fills or reads the
CandidateSet; order reasons are recorded by the phase that rules an order out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from logistics.model.network import Network
from logistics.model.orders import Order
from logistics.network.batch import BatchEngine
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import replay
from logistics.network.explain import describe
from logistics.network.timebase import INF, to_s
from logistics.solve.candidates.candidate import DAY_S, CandidateSet
from logistics.solve.candidates.chains import chain_of, group_keys, make_candidate

Options = dict[int, list[tuple[date, int]]]  # order -> (local apheresis day, ready s)
Routes = dict[tuple[str, int, str], tuple[np.ndarray, np.ndarray]]  # labels, pred
Pending = tuple[int, date, int, str, int, tuple[int, ...]]  # order, day, ready, site,
# manufacturing start, inbound chain


def apheresis_options(cs: CandidateSet) -> Options:
    """Allowed apheresis days per open order; records why an order has none."""
    network, options = cs.network, {}
    for k, order in enumerate(cs.book.orders):
        if order.status == "cancelled":
            cs.reasons[k] = "order cancelled"
            continue
        if order.booked:
            continue
        therapy = network.therapies[order.therapy]
        centre = network.sites[order.treatment_centre]
        if not centre.markets & set(therapy.markets):
            cs.reasons[k] = (
                f"no licensed site: {order.therapy} is not marketed where "
                f"{centre.site_id} lies ({', '.join(sorted(centre.markets))}; "
                f"{', '.join(therapy.markets)} only)"
            )
            continue
        if not therapy.allows_country(centre.country):
            cs.reasons[k] = (
                f"no licensed site: {order.therapy} may be supplied only to centres in "
                f"{', '.join(therapy.countries)} (a national licence), and "
                f"{order.treatment_centre} is in {centre.country}"
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
    return options


def route_inbound(cs: CandidateSet, engine: BatchEngine, options: Options) -> Routes:
    """One-to-all earliest arrivals from each (centre, ready time), per temperature."""
    network, book, cn = cs.network, cs.book, cs.cn
    routes: Routes = {}
    keys_by_temp = group_keys(
        (
            network.therapies[book.orders[k].therapy].inbound_temperature,
            (book.orders[k].treatment_centre, ready),
        )
        for k, days in options.items()
        for _, ready in days
    )
    for temp, keys in keys_by_temp.items():
        labels, pred = engine.run(
            np.array([cn.index[c] for c, _ in keys]),
            np.array([r for _, r in keys], dtype=float),
            temp,
            max_h=max(t.inbound_max_h for t in network.therapies.values()),
        )
        for i, (c, r) in enumerate(keys):
            routes[(c, r, temp)] = (labels[i], pred[i])
    return routes


def manufacturing_starts(cs: CandidateSet, options: Options, inbound: Routes) -> list[Pending]:
    """Every (order, day, site, manufacturing start) the fresh material reaches in its
    window; records why an order reaches no licensed site in time."""
    network, cn = cs.network, cs.cn
    pending: list[Pending] = []
    for k, days in options.items():
        order = cs.book.orders[k]
        therapy = network.therapies[order.therapy]
        best_miss: tuple[float, str, int, int] | None = None
        found = False
        for day, ready in days:
            labels, pred = inbound[(order.treatment_centre, ready, therapy.inbound_temperature)]
            for site in therapy.sites:
                v = cn.index[site]
                arrival = labels[v]
                if arrival - ready <= therapy.inbound_max_h * 3600:
                    chain = chain_of(cn, pred, cn.index[order.treatment_centre], v)
                    deadline = ready + therapy.inbound_max_h * 3600
                    for start_s in start_options(cn, site, int(arrival), deadline):
                        pending.append((k, day, ready, site, start_s, chain))
                    found = True
                elif best_miss is None or arrival - ready < best_miss[0]:
                    best_miss = (arrival - ready, site, ready, v)
        if not found:
            cs.reasons[k] = _inbound_reason(cs, order, best_miss, pred=inbound)
    return pending


def route_outbound(
    cs: CandidateSet, engine: BatchEngine, pending: list[Pending]
) -> tuple[list[int], Routes]:
    """Release time of each pending start, and one-to-all earliest arrivals from each
    (site, release), per temperature, in chunks of 4,000 sources."""
    network, book, cn = cs.network, cs.book, cs.cn
    releases = []
    for k, _day, _ready, _site, start_s, _chain_in in pending:
        therapy = network.therapies[book.orders[k].therapy]
        end_s = start_s + therapy.manufacturing_days * DAY_S
        releases.append(end_s + therapy.release_days * DAY_S)
    routes: Routes = {}
    keys_by_temp = group_keys(
        (network.therapies[book.orders[p[0]].therapy].outbound_temperature, (p[3], rel))
        for p, rel in zip(pending, releases, strict=True)
    )
    for temp, keys in keys_by_temp.items():
        for lo in range(0, len(keys), 4000):
            chunk = keys[lo : lo + 4000]
            labels, pred = engine.run(
                np.array([cn.index[s] for s, _ in chunk]),
                np.array([r for _, r in chunk], dtype=float),
                temp,
                max_h=max(t.outbound_max_h for t in network.therapies.values()),
            )
            for i, (s, r) in enumerate(chunk):
                routes[(s, r, temp)] = (labels[i], pred[i])
    return releases, routes


def assemble(
    cs: CandidateSet,
    stress: CompiledNetwork | None,
    pending: list[Pending],
    releases: list[int],
    outbound: Routes,
) -> None:
    """Candidates whose return meets the shipper hold time; records why an order whose
    material reached a site has none."""
    network, book, cn = cs.network, cs.book, cs.cn
    misses: dict[int, tuple[float, str]] = {}
    memo: dict = {}  # replays shared by candidates (see make_candidate)
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
        chain_out = chain_of(cn, pred, cn.index[site], tc)
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
            memo=memo,
        )
        if cand is None:
            misses.setdefault(k, (INF, site))
            continue
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


def start_options(cn: CompiledNetwork, site: str, arrival: int, deadline: float) -> list[int]:
    """Manufacturing starts of material handed over at ``arrival``: at the handover,
    and at the first opening of each later local day up to ``deadline`` (local
    midnight at a site open 24/7), so a full slot day can be dodged by starting later."""
    out = [arrival]
    hours = cn.open[cn.index[site]]
    zone = ZoneInfo(cn.network.sites[site].timezone)
    day = datetime.fromtimestamp(arrival, UTC).astimezone(zone).date() + timedelta(days=1)
    while True:
        first = hours.next_open(datetime.combine(day, time.min, zone).timestamp())
        if first > deadline:
            return out
        out.append(int(first))
        day = datetime.fromtimestamp(first, UTC).astimezone(zone).date() + timedelta(days=1)


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
    chain = chain_of(cs.cn, p, cs.cn.index[order.treatment_centre], v)
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


def _local(t: datetime, site) -> str:
    return t.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%d")
