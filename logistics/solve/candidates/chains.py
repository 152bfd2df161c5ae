"""The candidate of an order made from two lane chains (compiled lane ids: inbound
and outbound, as :func:`~logistics.network.earliest.earliest_chains` gives them to
candidate building), and the replays of a chain it needs: its capacity-limited
departures, and its handover in another compiled network (the p90 stress test)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.model.constants import Material
from logistics.network.compiled import CompiledLane, CompiledNetwork
from logistics.network.infusion import infusion, prep_s
from logistics.network.timebase import INF
from logistics.solve.candidates.candidate import DAY_S, Candidate, CandidateSet


def make_candidate(
    cs: CandidateSet,
    stress: CompiledNetwork | None,
    k: int,
    day: date,
    ready: int,
    site: str,
    start_s: int,
    release: int,
    delivery: int,
    chain_in: tuple[int, ...],
    chain_out: tuple[int, ...],
    hold_in: tuple[float, ...] = (),
    hold_out: tuple[float, ...] = (),
    memo: dict | None = None,
) -> Candidate | None:
    """The candidate of order ``k`` along two lane chains; its risk is the p90 stress
    test's share of the two windows broken when ``stress`` is given. None when the
    centre does not open for the lymphodepletion and infusion inside the horizon.

    ``memo`` (a dict kept by the caller for one candidate set) remembers the replays
    of a chain from a time, which the candidates of one order's apheresis day (several
    manufacturing starts) and of one centre's releases share."""
    memo = {} if memo is None else memo
    if 0 not in memo:
        memo[0] = cs.cn_out  # a view built on each access
    net, cn, cn_out = cs.network, cs.cn, memo[0]
    order = cs.book.orders[k]
    therapy = net.therapies[order.therapy]
    zone = ZoneInfo(net.sites[site].timezone)
    first = datetime.fromtimestamp(start_s, UTC).astimezone(zone).date()
    key_in, key_out = (chain_in, ready, hold_in), (chain_out, release, hold_out)
    if (1, key_in) not in memo:
        memo[1, key_in] = departures_of(cn, chain_in, ready, hold_in)
    if (2, key_out) not in memo:
        memo[2, key_out] = departures_of(cn_out, chain_out, release, hold_out)
    departures = tuple(memo[1, key_in] + memo[2, key_out])
    risk = 0.0
    if stress is not None:
        if (3, key_in) not in memo:
            memo[3, key_in] = replay_time(stress, cn, chain_in, ready, hold_in)
        if (4, key_out) not in memo:
            stress_out = stress.for_material(Material.FINISHED)
            memo[4, key_out] = replay_time(stress_out, cn_out, chain_out, release, hold_out)
        broke = memo[3, key_in] - ready > therapy.inbound_max_h * 3600
        broke += memo[4, key_out] - release > therapy.outbound_max_h * 3600
        risk = broke / 2
    prep, early = prep_s(therapy)
    key_inf = (order.treatment_centre, delivery, prep, early)
    if (5, key_inf) not in memo:
        hours = cn.open[cn.index[order.treatment_centre]]
        memo[5, key_inf] = infusion(hours, delivery, prep, early)
    treat, infuse = memo[5, key_inf]
    if (6, first, therapy.manufacturing_days) not in memo:
        days = tuple(first + timedelta(days=d) for d in range(therapy.manufacturing_days))
        memo[6, first, therapy.manufacturing_days] = days
    if infuse == INF:
        return None
    return Candidate(
        order=k,
        ready=ready,
        apheresis_day=day,
        site=site,
        start=start_s,
        end=start_s + therapy.manufacturing_days * DAY_S,
        release=release,
        delivery=delivery,
        lymphodepletion=int(treat),
        infusion=int(infuse),
        cost=round(sum(cn.lanes[i].cost for i in chain_in + chain_out), 2),
        risk=risk,
        mfg_days=memo[6, first, therapy.manufacturing_days],
        departures=departures,
        inbound_cids=chain_in,
        outbound_cids=chain_out,
        inbound_hold=hold_in,
        outbound_hold=hold_out,
    )


def departures_of(
    cn: CompiledNetwork, lanes: tuple[int, ...], t: float, hold: tuple[float, ...] = ()
) -> list[tuple[str, int]]:
    """(lane_id, depart) of the capacity-limited lanes of a chain taken from ``t``
    (each lane not before its ``hold`` time, when given; one dispatch, as in
    :func:`~logistics.network.earliest.replay`)."""
    out = []
    van = False
    for i, k in enumerate(lanes):
        cl: CompiledLane = cn.lanes[k]
        if hold:
            t = max(t, hold[i])
        depart, _, _, hand = cn.traverse(cl, t, van)
        if cn.network.lanes[cl.index].capacity is not None:
            out.append((cl.lane_id, int(depart)))
        t = hand
        van = cl.van_after(van)
    return out


def replay_time(
    stress: CompiledNetwork,
    cn: CompiledNetwork,
    lanes: tuple[int, ...],
    t: float,
    hold: tuple[float, ...] = (),
) -> float:
    """Handover time of the same lanes taken from ``t`` in another compiled network
    (each not before its ``hold`` time, when given; one dispatch)."""
    van = False
    for i, k in enumerate(lanes):
        if hold:
            t = max(t, hold[i])
        cl = cn.lanes[k]
        t = stress.take(cl.index, t, van)[3]
        van = cl.van_after(van)
    return t
