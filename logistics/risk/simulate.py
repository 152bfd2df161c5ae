"""Monte Carlo simulation of a plan with recourse, vectorised over samples.

For every served order (``scheduled`` or ``frozen``) and every sample, both
itineraries are replayed leg by leg with the delay distributions of
:mod:`logistics.risk.distributions`. The plan fixes the lanes, not the times:

- the material is handed over at a leg's from_site at ``t``; a timetabled leg takes
  the first departure of the same lane at or after ``t + lead``, and on a lane with a
  shipper limit not before the planned departure (the shipper is booked on it; a
  plan may wait for a later departure when an earlier one is full) (over every
  disruption stretch of the lane, so closed departures are skipped), and a cancelled
  departure sends the sample to the next one of that lane (again while cancelled); an
  on-demand leg leaves at the first instant at or after ``t + lead`` at which it can
  be dispatched (its from_site open, on a running day, outside closures), without
  the lead time when the material arrives there in a courier's van (one dispatch per
  itinerary: the previous leg an on-demand road leg, or a ferry or tunnel the van rode
  on, as in :mod:`logistics.network.compiled`);
- the leg then takes its sampled duration, under the disruption effect of the
  departure it actually took (a sample pushed into a delay window gets the longer
  duration); a border crossing waits for the customs office, takes the sampled
  clearance (the rule's windows, at that departure) and the fixed import release;
  the material is handed over at the first instant the to_site is open;
- the inbound starts at ``apheresis_time``; manufacturing starts at the later of the
  planned start and the simulated inbound handover (the plant keeps the slot until
  the material is there); manufacturing end and release move by the same delay; the
  outbound replays from that release and delivery is its last handover.

Per order and sample: the inbound window is broken when manufacturing starts more
than ``inbound_max_h`` after apheresis (the contract's window; with a plan that keeps
its own windows this is exactly "inbound handover later than ``inbound_max_h``"); the
hold is broken when delivery comes more than the sampled hold after release; a breach
is either. Late: delivery on a later local date at the centre than planned. The
infusion is the planned one, or, when the delivery comes too late for the planned
lymphodepletion, the first one the simulated delivery allows
(:mod:`logistics.network.infusion`); v2v is apheresis to that infusion. Dropout
probability ``1 - exp(-dropout_per_day x (v2v days + days waited from
apheresis_earliest to apheresis_time))``.

A sample that finds no departure within the compiled horizon (the plan's span plus
:data:`MARGIN_DAYS`) is stranded: its v2v is infinite and it counts as breached (in
each window it did not complete), late and dropped out. Unserved orders have no risk
row. Cancellations are drawn per order: two orders on one flight are not cancelled
together in a sample (the per-order probabilities are exact; the spread of the plan
totals ignores that correlation, as its standard errors do).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from logistics.forked import deal, fork_map, processes
from logistics.model.calendar import wall_to_utc
from logistics.model.constants import Material, Mode
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlannedOrder
from logistics.network.compiled import VAN_ON_BOARD, CompiledNetwork
from logistics.network.infusion import infusion_at, prep_s
from logistics.network.timebase import INF, from_s, to_s
from logistics.network.traversal import LaneTraversal, TableBuilder, TimeTable
from logistics.risk.distributions import (
    HOLD,
    INBOUND,
    OUTBOUND,
    Spread,
    cancel_skips,
    clearance_spread,
    hold_hours,
    hold_sigma,
    lane_spread,
    seconds,
    stream,
)

__all__ = ["MARGIN_DAYS", "OrderRisk", "SimulationResult", "simulate"]

log = logging.getLogger("logistics")

MARGIN_DAYS = 21
"""Days after the plan's last delivery that the simulation's timetables cover."""

MATERIAL = {INBOUND: Material.STARTING, OUTBOUND: Material.FINISHED}
_BIG = 1e12  # stands in for an infinite v2v inside quantiles (inf - inf is undefined)

Times = np.ndarray | float


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRisk:
    """Monte Carlo estimates for one served order (probabilities over the samples)."""

    order_id: str
    p_breach: float  # inbound window or shipper hold broken
    p_inbound: float  # manufacturing starts later than inbound_max_h after apheresis
    p_hold: float  # delivery later than the sampled hold after release
    p_late: float  # delivered on a later local date than planned
    p_dropout: float  # patient drops out before infusion
    v2v_median_h: float
    v2v_p90_h: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    """Per-order risks and plan KPIs of one simulation.

    ``expected_*`` are sums of the per-order probabilities; each ``*_se`` is its
    Monte Carlo standard error ``sqrt(sum_i var_i / samples)``, with ``var_i`` the
    variance over the samples of the order's indicator (``p(1 - p)``) or, for
    dropouts, of its per-sample dropout probability. ``v2v_*`` are over every (order,
    sample) pair, NaN without a served order. ``stranded`` counts the (order, sample)
    pairs that found no departure within the horizon.
    """

    samples: int
    seed: int
    orders: tuple[OrderRisk, ...]
    v2v_median_h: float
    v2v_p90_h: float
    expected_breaches: float
    expected_breaches_se: float
    expected_dropouts: float
    expected_dropouts_se: float
    expected_late: float
    expected_late_se: float
    stranded: int = 0

    def by_id(self) -> dict[str, OrderRisk]:
        """Order risks indexed by order id."""
        return {r.order_id: r for r in self.orders}

    def kpis(self) -> dict[str, Any]:
        """The plan-level figures as a flat, JSON-ready mapping."""
        return {
            "samples": self.samples,
            "seed": self.seed,
            "orders": len(self.orders),
            "v2v_median_h": self.v2v_median_h,
            "v2v_p90_h": self.v2v_p90_h,
            "expected_breaches": self.expected_breaches,
            "expected_breaches_se": self.expected_breaches_se,
            "expected_dropouts": self.expected_dropouts,
            "expected_dropouts_se": self.expected_dropouts_se,
            "expected_late": self.expected_late,
            "expected_late_se": self.expected_late_se,
            "stranded": self.stranded,
        }

    def apply(self, plan: Plan) -> Plan:
        """``plan`` with each simulated order's ``p_breach`` set, rounded to the
        contract's 4 decimals (so the plan round-trips through its files); other orders
        are unchanged."""
        risk = self.by_id()
        orders = tuple(
            replace(p, p_breach=round(risk[p.order_id].p_breach, 4))
            if p.served and p.order_id in risk
            else p
            for p in plan.orders
        )
        return replace(plan, orders=orders)


# ------------------------------------------------------------------ vectorised pieces


def _pick(spreads: tuple[Spread, ...], seg: Any, z: np.ndarray | None) -> Times:
    """Sampled seconds, each sample under the spread of its departure's segment."""
    if len(spreads) == 1:
        return spreads[0].sample(z)
    if np.ndim(seg) == 0:
        return spreads[int(seg)].sample(z)
    out = np.empty(seg.shape)
    for j, spread in enumerate(spreads):
        mask = seg == j
        if mask.any():
            out[mask] = spread.sample(None if z is None else z[mask])
    return out


class _LaneModel:
    """One network lane as the simulation replays it: a one-lane
    :class:`~logistics.network.traversal.LaneTraversal` over all its disruption
    stretches, with the delay spreads of each stretch."""

    __slots__ = (
        "cancel",
        "carry",
        "clearance",
        "clr_random",
        "cuts",
        "drive",
        "dur_random",
        "durations",
        "from_van",
        "owners",
        "release",
        "runs",
        "traversal",
    )

    traversal: LaneTraversal  # set by bind, once the tables are built
    from_van: LaneTraversal  # the same with no lead time (a van drives on), if drive

    def __init__(self, cn: CompiledNetwork, k: int, tables: TableBuilder, network: Network) -> None:
        """Lane ``k`` of ``network`` for the shipments of ``cn``'s material."""
        lane = network.lanes[k]
        stretches = cn.by_lane[k]
        deps, window, self.cancel = -1, -1, 0.0
        # one dispatch per itinerary: the compiled lane's van rule (the same for every
        # stretch of the lane)
        self.drive = lane.on_demand and lane.mode == Mode.ROAD
        self.carry = lane.mode in VAN_ON_BOARD
        if lane.departures:
            deps = tables.departures(sorted(d for cl in stretches for d in cl.departures or ()))
            self.cancel = network.risk.cancel(lane.mode)
        else:
            window = tables.window(
                [cn.open[cl.u] if cl.window < 0 else cn.windows[cl.window] for cl in stretches]
            )
        rule = network.customs_rule(lane.from_site, lane.to_site, lane.mode, cn.material)
        windows_all = (*lane.windows, *(rule.windows if rule is not None else ()))
        cuts = sorted({to_s(t) for w in windows_all for t in (w.start, w.end)})
        self.cuts = np.asarray(cuts, dtype=float) if cuts else None
        probes = [from_s(c) for c in cuts] if cuts else []
        probes = [from_s(cuts[0] - 1), *probes] if cuts else [from_s(0)]
        self.durations = tuple(lane_spread(lane, p) for p in probes)
        self.dur_random = any(not s.deterministic for s in self.durations)
        self.clearance: tuple[Spread, ...] = ()
        self.clr_random = False
        self.release = 0.0
        self.runs = rule is None or bool(stretches)  # a crossing with no stretch never runs
        office = -1
        if rule is not None:
            self.clearance = tuple(clearance_spread(rule, p) for p in probes)
            self.clr_random = any(not s.deterministic for s in self.clearance)
            self.release = float(seconds(rule.import_release_h))
            if stretches:
                office = tables.hours(cn.offices[stretches[0].customs])
        to = tables.hours(cn.open[cn.index[lane.to_site]])
        self.owners = (float(seconds(lane.lead_time_h)), deps, window, office, to)

    def bind(self, hours: TimeTable, deps: TimeTable) -> None:
        """Attach the built time tables (the traversal's owners were collected first)."""
        lead, dep, window, office, to = self.owners
        self.traversal = LaneTraversal(
            hours, deps, lead=lead, departures=dep, window=window, office=office, to=to
        )
        if self.drive:
            self.from_van = LaneTraversal(
                hours, deps, lead=0.0, departures=dep, window=window, office=office, to=to
            )

    def van_after(self, van: bool) -> bool:
        """Whether the material is in a van after this leg (``van``: before it)."""
        return self.drive or (self.carry and van)

    def step(self, t: Times, rng: np.random.Generator, n: int, van: bool = False) -> Times:
        """Handover at the to_site of material handed over at the from_site at ``t``
        (in a van when ``van``); draws from ``rng`` in the documented order."""
        zd = rng.standard_normal(n) if self.dur_random else None
        zc = rng.standard_normal(n) if self.clr_random else None
        u = rng.random(n) if self.cancel > 0 else None
        tr = self.from_van if van and self.drive else self.traversal
        depart = tr.depart(t, None if u is None else cancel_skips(self.cancel, u))
        seg = 0 if self.cuts is None else np.searchsorted(self.cuts, depart, side="right")
        arrive: Times = depart + _pick(self.durations, seg, zd)
        if self.clearance:
            if not self.runs:
                return INF + arrive
            arrive = tr.clear(arrive, _pick(self.clearance, seg, zc), self.release)
        return tr.handover(arrive)


# ------------------------------------------------------------------------ simulate


def simulate(
    plan: Plan,
    network: Network,
    book: OrderBook,
    *,
    samples: int = 1000,
    seed: int = 0,
    workers: int = 1,
) -> SimulationResult:
    """Monte Carlo of ``plan`` on ``network`` with recourse (see the module doc).

    ``book`` gives each order's ``apheresis_earliest`` (for the dropout wait); every
    served order of the plan must be in it. The same (plan, network, book, samples,
    seed) give the same result; an order's result does not depend on the other orders
    or on their order in the plan. ``workers`` processes share the orders (see
    :mod:`logistics.forked`; the same result).
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    served = plan.served
    if not served:
        return _result(samples, seed, [], np.empty((0, samples), np.float32), [], 0)
    book_by_id = {o.order_id: o for o in book.orders}
    missing = [p.order_id for p in served if p.order_id not in book_by_id]
    if missing:
        raise ValueError(f"orders not in the book: {', '.join(missing[:10])}")
    lane_index = {lane.lane_id: k for k, lane in enumerate(network.lanes)}
    _check_legs(served, network, lane_index)

    first = min(p.apheresis_time for p in served if p.apheresis_time is not None)
    last = max(p.infusion_time for p in served if p.infusion_time is not None)
    cn = CompiledNetwork(network, first - timedelta(days=2), last + timedelta(days=MARGIN_DAYS))
    tables = TableBuilder()
    models: dict[tuple[str, int], _LaneModel] = {}
    for po in served:
        for direction, it in ((INBOUND, po.inbound), (OUTBOUND, po.outbound)):
            view = cn.for_material(MATERIAL[direction])
            for leg in it.legs if it is not None else ():
                if (leg.lane_id, direction) not in models:
                    models[(leg.lane_id, direction)] = _LaneModel(
                        view, lane_index[leg.lane_id], tables, network
                    )
    centres = {
        p.treatment_centre: tables.hours(cn.open[cn.index[p.treatment_centre]]) for p in served
    }
    hours, deps = tables.build()
    for m in models.values():
        m.bind(hours, deps)

    booked = {
        lane.lane_id for lane in network.lanes if lane.capacity is not None and lane.departures
    }

    def replay(itinerary: Itinerary | None, t: Times, order_id: str, direction: int) -> Times:
        van = False
        for j, leg in enumerate(itinerary.legs if itinerary is not None else ()):
            model = models[(leg.lane_id, direction)]
            if leg.lane_id in booked:
                # a shipper booked on this departure waits for it when early
                t = np.maximum(t, to_s(leg.depart) - model.owners[0])
            t = model.step(t, stream(seed, order_id, direction, j), samples, van)
            van = model.van_after(van)
        return t

    def part(shard: Sequence[int]) -> tuple[np.ndarray, list[OrderRisk], list, int]:
        """The draws of the served orders at positions ``shard``."""
        v2v = np.empty((len(shard), samples), dtype=np.float32)
        rows: list[OrderRisk] = []
        variances: list[tuple[float, float, float]] = []
        stranded = 0
        for r, i in enumerate(shard):
            po = served[i]
            therapy = network.therapies[po.therapy]
            aph = float(to_s(po.apheresis_time))  # type: ignore[arg-type]
            start = float(to_s(po.manufacturing_start))  # type: ignore[arg-type]
            release = float(to_s(po.release_time))  # type: ignore[arg-type]
            handover = replay(po.inbound, aph, po.order_id, INBOUND)
            m_start = np.maximum(start, handover)
            sim_release = release + (m_start - start)
            delivery = np.broadcast_to(
                replay(po.outbound, sim_release, po.order_id, OUTBOUND), (samples,)
            )
            hold_z = None
            if hold_sigma(therapy.hold_cv) > 0:
                hold_z = stream(seed, po.order_id, HOLD, 0).standard_normal(samples)
            hold_s = np.multiply(hold_hours(therapy, hold_z), 3600.0)
            # "not within", so that a stranded sample (inf - inf = nan) counts as broken
            with np.errstate(invalid="ignore"):
                inbound = ~(m_start - aph <= therapy.inbound_max_h * 3600)
                held = ~(delivery - sim_release <= hold_s)
            inbound, held = np.broadcast_to(inbound, (samples,)), np.broadcast_to(held, (samples,))
            breach = inbound | held
            late = delivery >= _day_end(po, network)
            # the lymphodepletion was scheduled for the planned delivery: a product that
            # comes early waits for it, a late one moves the infusion
            prep, early = prep_s(therapy)
            infused = np.maximum(
                float(to_s(po.infusion_time)),  # type: ignore[arg-type]
                infusion_at(hours, centres[po.treatment_centre], delivery, prep, early),
            )
            hours_v2v = (infused - aph) / 3600
            v2v[r] = np.minimum(hours_v2v, _BIG)
            stranded += int(np.count_nonzero(~np.isfinite(infused)))
            wait_days = max(0.0, aph - to_s(book_by_id[po.order_id].apheresis_earliest)) / 86400
            dropout = -np.expm1(-therapy.dropout_per_day * (hours_v2v / 24 + wait_days))
            p_breach, p_late = float(breach.mean()), float(late.mean())
            q50, q90 = _quantiles(hours_v2v, (0.5, 0.9))
            rows.append(
                OrderRisk(
                    order_id=po.order_id,
                    p_breach=p_breach,
                    p_inbound=float(inbound.mean()),
                    p_hold=float(held.mean()),
                    p_late=p_late,
                    p_dropout=float(dropout.mean()),
                    v2v_median_h=q50,
                    v2v_p90_h=q90,
                )
            )
            variances.append(
                (p_breach * (1 - p_breach), float(dropout.var()), p_late * (1 - p_late))
            )
        return v2v, rows, variances, stranded

    # orders are independent (each draws from its own streams): forked processes
    # share them; the answers come back in plan order
    shards = deal(range(len(served)), processes(workers))
    parts = fork_map(part, shards)
    at = np.argsort(np.concatenate([np.asarray(s, dtype=np.int64) for s in shards]))
    v2v = np.concatenate([p[0] for p in parts])[at]
    rows = [r for p in parts for r in p[1]]
    rows = [rows[j] for j in at]
    variances = [v for p in parts for v in p[2]]
    variances = [variances[j] for j in at]
    stranded = sum(p[3] for p in parts)
    if stranded:
        log.warning(
            "%d of %d simulated shipments found no departure within %d days after the "
            "plan's last delivery; counted as breached and late",
            stranded,
            samples * len(served),
            MARGIN_DAYS,
        )
    return _result(samples, seed, rows, v2v, variances, stranded)


def _result(
    samples: int,
    seed: int,
    rows: list[OrderRisk],
    v2v: np.ndarray,
    variances: list[tuple[float, float, float]],
    stranded: int,
) -> SimulationResult:
    var = np.asarray(variances, dtype=float).reshape(-1, 3).sum(axis=0)
    se = np.sqrt(var / samples)
    if v2v.size:
        q50, q90 = _quantiles(v2v.ravel(), (0.5, 0.9))
    else:
        q50 = q90 = math.nan
    return SimulationResult(
        samples=samples,
        seed=seed,
        orders=tuple(rows),
        v2v_median_h=q50,
        v2v_p90_h=q90,
        expected_breaches=math.fsum(r.p_breach for r in rows),
        expected_breaches_se=float(se[0]),
        expected_dropouts=math.fsum(r.p_dropout for r in rows),
        expected_dropouts_se=float(se[1]),
        expected_late=math.fsum(r.p_late for r in rows),
        expected_late_se=float(se[2]),
        stranded=stranded,
    )


def _quantiles(values: np.ndarray, qs: tuple[float, ...]) -> tuple[float, ...]:
    """Quantiles with infinite values kept infinite: taken without interpolation
    (inverted CDF), so a quantile is a simulated value, never a blend of a delivery
    and a stranded sample."""
    finite = np.minimum(values.astype(np.float64), _BIG)
    out = np.quantile(finite, qs, method="inverted_cdf")
    return tuple(INF if x >= _BIG / 2 else float(x) for x in out)


def _day_end(po: PlannedOrder, network: Network) -> float:
    """UTC seconds of the end of the planned delivery's local date at the centre."""
    tz = network.sites[po.treatment_centre].timezone
    day = po.delivery_time.astimezone(ZoneInfo(tz)).date()  # type: ignore[union-attr]
    return float(to_s(wall_to_utc(day + timedelta(days=1), 0, tz)))


def _check_legs(
    served: tuple[PlannedOrder, ...], network: Network, lane_index: Mapping[str, int]
) -> None:
    problems = []
    for po in served:
        for it in (po.inbound, po.outbound):
            for leg in it.legs if it is not None else ():
                k = lane_index.get(leg.lane_id)
                if k is None:
                    problems.append(f"{po.order_id}: lane {leg.lane_id} is not in the network")
                    continue
                lane = network.lanes[k]
                if (lane.from_site, lane.to_site) != (leg.from_site, leg.to_site):
                    problems.append(
                        f"{po.order_id}: lane {leg.lane_id} joins {lane.from_site} to "
                        f"{lane.to_site}, the leg {leg.from_site} to {leg.to_site}"
                    )
    if problems:
        raise ValueError("plan does not match the network: " + "; ".join(problems[:10]))
