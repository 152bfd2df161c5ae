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


class Memo:
    """What the candidates of one set share, worked out once: per order its therapy's
    figures, per chain and start its capacity-limited departures and p90 handover,
    per manufacturing start its slot days, per delivery its infusion, per chain pair
    its cost (the candidates of one order's apheresis day, of one site's starts and
    of one centre's releases share most of them)."""

    __slots__ = (
        "capped",
        "cn_out",
        "costs",
        "cs",
        "dates",
        "days",
        "infusions",
        "legs",
        "orders",
        "stress",
        "stress_out",
    )

    def __init__(self, cs: CandidateSet, stress: CompiledNetwork | None) -> None:
        self.cs, self.stress = cs, stress
        self.cn_out = cs.cn_out  # (a view built on each access)
        self.stress_out = None if stress is None else stress.for_material(Material.FINISHED)
        self.orders: dict[int, tuple] = {}
        self.legs: dict[tuple, tuple[tuple[tuple[str, int], ...], float]] = {}
        self.days: dict[tuple[str, int, int], tuple[date, ...]] = {}
        self.dates: dict[tuple[date, int], tuple[date, ...]] = {}
        self.infusions: dict[tuple[int, int, int, int], tuple[float, float]] = {}
        self.costs: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}
        self.capped: dict[tuple[int, ...], bool] = {}  # chain -> holds a shipper

    def order(self, k: int) -> tuple:
        """(manufacturing days, inbound and outbound windows in s, centre node, prep,
        early) of order ``k``."""
        got = self.orders.get(k)
        if got is None:
            cs = self.cs
            order = cs.book.orders[k]
            therapy = cs.network.therapies[order.therapy]
            prep, early = prep_s(therapy)
            got = self.orders[k] = (
                therapy.manufacturing_days,
                therapy.inbound_max_h * 3600,
                therapy.outbound_max_h * 3600,
                cs.cn.index[order.treatment_centre],
                prep,
                early,
            )
        return got

    def leg(
        self, out: bool, chain: tuple[int, ...], t: int, hold: tuple[float, ...]
    ) -> tuple[tuple[tuple[str, int], ...], float]:
        """(capacity-limited departures, p90 handover or 0) of a chain taken from ``t``."""
        key = (out, chain, t, hold)
        got = self.legs.get(key)
        if got is None:
            cn = self.cn_out if out else self.cs.cn
            stress = self.stress_out if out else self.stress
            late = 0.0 if stress is None else replay_time(stress, cn, chain, t, hold)
            capped = self.capped.get(chain)
            if capped is None:
                lanes = cn.network.lanes
                capped = any(lanes[cn.lanes[i].index].capacity is not None for i in chain)
                self.capped[chain] = capped
            departures = tuple(departures_of(cn, chain, t, hold)) if capped else ()
            got = self.legs[key] = (departures, late)
        return got

    def mfg_days(self, site: str, start_s: int, days: int) -> tuple[date, ...]:
        """The local dates at ``site`` of a batch started then."""
        key = (site, start_s, days)
        got = self.days.get(key)
        if got is None:
            zone = ZoneInfo(self.cs.network.sites[site].timezone)
            first = datetime.fromtimestamp(start_s, UTC).astimezone(zone).date()
            got = self.dates.get((first, days))
            if got is None:
                got = tuple(first + timedelta(days=d) for d in range(days))
                self.dates[first, days] = got
            self.days[key] = got
        return got

    def infusion(self, centre: int, delivery: int, prep: int, early: int) -> tuple[float, float]:
        """(lymphodepletion, infusion) at a centre (node) of a delivery."""
        key = (centre, delivery, prep, early)
        got = self.infusions.get(key)
        if got is None:
            got = self.infusions[key] = infusion(self.cs.cn.open[centre], delivery, prep, early)
        return got

    def cost(self, chain_in: tuple[int, ...], chain_out: tuple[int, ...]) -> float:
        """The lane costs of two chains, rounded to cents."""
        key = (chain_in, chain_out)
        got = self.costs.get(key)
        if got is None:
            lanes = self.cs.cn.lanes
            got = self.costs[key] = round(sum(lanes[i].cost for i in chain_in + chain_out), 2)
        return got


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
    memo: Memo | None = None,
) -> Candidate | None:
    """The candidate of order ``k`` along two lane chains; its risk is the p90 stress
    test's share of the two windows broken when ``stress`` is given. None when the
    centre does not open for the lymphodepletion and infusion inside the horizon.

    ``memo`` (a :class:`Memo` of this set and ``stress``, kept by the caller) shares
    what candidates have in common."""
    memo = Memo(cs, stress) if memo is None else memo
    days, in_max, out_max, centre, prep, early = memo.order(k)
    treat, infuse = memo.infusion(centre, delivery, prep, early)
    if infuse == INF:
        return None
    dep_in, late_in = memo.leg(False, chain_in, ready, hold_in)
    dep_out, late_out = memo.leg(True, chain_out, release, hold_out)
    risk = 0.0
    if stress is not None:
        risk = ((late_in - ready > in_max) + (late_out - release > out_max)) / 2
    return Candidate(
        k,
        ready,
        day,
        site,
        start_s,
        start_s + days * DAY_S,
        release,
        delivery,
        int(treat),
        int(infuse),
        memo.cost(chain_in, chain_out),
        risk,
        memo.mfg_days(site, start_s, days),
        dep_in + dep_out,
        chain_in,
        chain_out,
        hold_in,
        hold_out,
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
