"""The phases of candidate building, in order: apheresis options, inbound routing,
manufacturing starts, outbound routing, assembly. Each phase fills or reads the
CandidateSet; order reasons are recorded by the phase that rules an order out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from logistics.model.network import Network
from logistics.model.orders import Order
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import earliest_chains, replay
from logistics.network.explain import describe
from logistics.network.jit import ahead
from logistics.network.pareto import lower_bounds
from logistics.network.timebase import INF, to_s
from logistics.solve.candidates.candidate import DAY_S, CandidateSet
from logistics.solve.candidates.chains import Memo, make_candidate

Options = dict[int, list[tuple[date, int]]]  # order -> (local apheresis day, ready s)
# (centre, ready, temperature) -> earliest handover per site (inf where none is
# known), and the lanes to each licensed site reached
Routes = dict[tuple[str, int, str], tuple[np.ndarray, dict[int, tuple[int, ...]]]]
# (site, release, temperature) -> per centre reached: earliest handover, lanes
Outbound = dict[tuple[str, int, str], dict[int, tuple[float, tuple[int, ...]]]]
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


def route_inbound(cs: CandidateSet, options: Options) -> Routes:
    """The earliest handover at each licensed site, and its lanes, from each (centre,
    ready time, temperature) of the orders' options (A* to the sites licensed for
    the therapies asking)."""
    network, book, cn = cs.network, cs.book, cs.cn
    targets: dict[tuple[str, int, str], set[int]] = {}
    for k, days in options.items():
        therapy = network.therapies[book.orders[k].therapy]
        licensed = [cn.index[site] for site in therapy.sites]
        for _, ready in days:
            key = (book.orders[k].treatment_centre, ready, therapy.inbound_temperature)
            targets.setdefault(key, set()).update(licensed)
    max_h = max(t.inbound_max_h for t in network.therapies.values())
    n = len(cn.site_ids)
    routes: Routes = {}
    for (centre, ready, temp), sites in targets.items():
        lower = lower_bounds(cn, tuple(sorted(sites)), temp)
        found = earliest_chains(
            cn,
            cn.index[centre],
            float(ready),
            temp,
            sorted(sites),
            deadline=ready + max_h * 3600,
            ahead=ahead(lower, 2 * n),
        )
        labels = np.full(n, INF)
        for v, (at, _chain) in found.items():
            labels[v] = at
        routes[(centre, ready, temp)] = (labels, {v: chain for v, (_, chain) in found.items()})
    return routes


def manufacturing_starts(cs: CandidateSet, options: Options, inbound: Routes) -> list[Pending]:
    """Every (order, day, site, manufacturing start) the fresh material reaches in its
    window; records why an order reaches no licensed site in time."""
    network, cn = cs.network, cs.cn
    pending: list[Pending] = []
    memo: dict = {}  # (see start_options)
    for k, days in options.items():
        order = cs.book.orders[k]
        therapy = network.therapies[order.therapy]
        best_miss: tuple[float, str, int, int] | None = None
        found = False
        for day, ready in days:
            labels, chains = inbound[(order.treatment_centre, ready, therapy.inbound_temperature)]
            for site in therapy.sites:
                v = cn.index[site]
                arrival = labels[v]
                if arrival - ready <= therapy.inbound_max_h * 3600:
                    deadline = ready + therapy.inbound_max_h * 3600
                    for start_s in start_options(cn, site, int(arrival), deadline, memo):
                        pending.append((k, day, ready, site, start_s, chains[v]))
                    found = True
                elif best_miss is None or arrival - ready < best_miss[0]:
                    best_miss = (arrival - ready, site, ready, v)
        if not found:
            cs.reasons[k] = _inbound_reason(cs, order, best_miss, inbound)
    return pending


def route_outbound(cs: CandidateSet, pending: list[Pending]) -> tuple[list[int], Outbound]:
    """Release time of each pending start, and the earliest handover at the centres
    of its orders, and its lanes, from each (site, release, temperature) (A* to those
    centres: per node the least of their time bounds)."""
    network, book, cn = cs.network, cs.book, cs.cn
    cn_out = cs.cn_out  # (a view built on each access)
    releases = []
    targets: dict[tuple[str, int, str], set[int]] = {}
    last, making, temp, centre = -1, 0, "", 0
    for k, _day, _ready, site, start_s, _chain_in in pending:
        if k != last:  # (an order's pending starts are consecutive)
            order = book.orders[k]
            therapy = network.therapies[order.therapy]
            last, temp, centre = k, therapy.outbound_temperature, cn.index[order.treatment_centre]
            making = (therapy.manufacturing_days + therapy.release_days) * DAY_S
        release = start_s + making
        releases.append(release)
        key = (site, release, temp)
        got = targets.get(key)
        if got is None:
            targets[key] = {centre}
        else:
            got.add(centre)
    max_h = max(t.outbound_max_h for t in network.therapies.values())
    bounds: dict[tuple[int, str], np.ndarray] = {}  # per (centre, temperature)
    routes: Outbound = {}
    for (site, release, temp), centres in targets.items():
        for c in centres:
            if (c, temp) not in bounds:
                bounds[(c, temp)] = np.asarray(lower_bounds(cn_out, (c,), temp))
        each = [bounds[(c, temp)] for c in centres]
        routes[(site, release, temp)] = earliest_chains(
            cn_out,
            cn.index[site],
            float(release),
            temp,
            sorted(centres),
            deadline=release + max_h * 3600,
            ahead=each[0] if len(each) == 1 else np.minimum.reduce(each),
        )
    return releases, routes


def assemble(
    cs: CandidateSet,
    stress: CompiledNetwork | None,
    pending: list[Pending],
    releases: list[int],
    outbound: Outbound,
) -> None:
    """Candidates whose return meets the shipper hold time; records why an order whose
    material reached a site has none."""
    network, book, cn = cs.network, cs.book, cs.cn
    misses: dict[int, tuple[float, str]] = {}
    memo = Memo(cs, stress)  # what candidates share (see make_candidate)
    last, temp, tc, out_max = -1, "", 0, 0.0
    for (k, day, ready, site, start_s, chain_in), release in zip(pending, releases, strict=True):
        if k != last:  # (an order's pending starts are consecutive)
            therapy = network.therapies[book.orders[k].therapy]
            last, temp, tc = (
                k,
                therapy.outbound_temperature,
                cn.index[book.orders[k].treatment_centre],
            )
            out_max = therapy.outbound_max_h * 3600
        delivery, chain_out = outbound[(site, release, temp)].get(tc, (INF, ()))
        if delivery - release > out_max:
            if delivery < INF and (k not in misses or delivery - release < misses[k][0]):
                misses[k] = (delivery - release, site)
            elif k not in misses:
                misses[k] = (INF, site)
            continue
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


def start_options(
    cn: CompiledNetwork, site: str, arrival: int, deadline: float, memo: dict | None = None
) -> list[int]:
    """Manufacturing starts of material handed over at ``arrival``: at the handover,
    and at the first opening of each later local day up to ``deadline`` (local
    midnight at a site open 24/7), so a full slot day can be dodged by starting later.
    ``memo`` as for :func:`first_opening`."""
    memo = {} if memo is None else memo
    out = [arrival]
    zone = ZoneInfo(cn.network.sites[site].timezone)
    day = datetime.fromtimestamp(arrival, UTC).astimezone(zone).date() + timedelta(days=1)
    while True:
        first, day = first_opening(cn, site, day, memo)
        if first > deadline:
            return out
        out.append(int(first))


def first_opening(cn: CompiledNetwork, site: str, day: date, memo: dict) -> tuple[float, date]:
    """The first opening of ``site`` from local midnight of ``day`` on (inf when none
    in the horizon) and the local day after it; ``memo`` (a dict kept by the caller
    for ``cn``) remembers them per (site, day)."""
    got = memo.get((site, day))
    if got is None:
        zone = ZoneInfo(cn.network.sites[site].timezone)
        midnight = datetime.combine(day, time.min, zone).timestamp()
        first = cn.open[cn.index[site]].next_open(midnight)
        after = day  # (none: no day follows an inf opening)
        if first != INF:
            after = datetime.fromtimestamp(first, UTC).astimezone(zone).date()
            after += timedelta(days=1)
        got = memo[site, day] = (first, after)
    return got


def _inbound_reason(cs: CandidateSet, order: Order, best_miss, inbound: Routes) -> str:
    therapy = cs.network.therapies[order.therapy]
    temp = therapy.inbound_temperature
    window = f"{therapy.inbound_max_h:g} h"
    if best_miss is None or best_miss[0] == INF:
        return (
            f"no {temp} itinerary links {order.treatment_centre} to any licensed site "
            f"({', '.join(therapy.sites)})"
        )
    hours, site, ready, v = best_miss
    chain = inbound[(order.treatment_centre, ready, temp)][1][v]
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
