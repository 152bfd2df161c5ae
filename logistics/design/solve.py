"""Network design: which sites to open, how many lines, which centres each serves.

The schedule model of the nightly solve with open-site (and line-sizing) decisions
on top (:mod:`logistics.design.lp`). Candidates come from the nightly solve's
candidate builder (earliest itineraries) and its pricing
(:class:`~logistics.solve.pricing.price.Pricer`, one per design site and one for the
sites that always stay open, each with the batch cost of its site as a price): the
first round prices every order at every group of sites at zero capacity prices,
over schedules within the vein-to-vein cap only, so the cheapest schedule at every
site (a slower, cheaper mode where the cap allows) is a candidate. The MILP over
the candidates (HiGHS) gives the design and the plan.

Bookings. A booked order finishes where it is booked whatever the design (a closed
site winds down): it is fixed before the model, never opens its site nor pays its
fixed cost, and at an open site its slots come out of the lines (the site rows of
:mod:`logistics.design.lp`); its costs are the same in every design, so the
objective leaves them out and the outputs count them.

The bound. For any prices ``pi >= 0`` of the capacity rows, relaxing them leaves a
facility-location problem: choose the open sites, each order takes its least
reduced cost among the open ones (or stays unserved); the booked slots of a site's
day move onto its open cost at that day's price. Its optimum (a small MILP,
:func:`~logistics.design.lp.ufl_bound`) less the priced room is a lower bound on
every plan over every schedule the contract allows (within the cap) and every
design, bookings finishing where booked. One set of prices serves every design
poorly when lines bind, so when that bound leaves a gap every design the settings
allow is bounded on its own (:func:`_enumerate`): first without pricing (fixed
costs, each order at its least zero-price cost among the open sites, the orders the
lines cannot hold over the horizon left unserved), then, for the designs this does
not rule out, by column generation at the design's own capacity prices (its master
LP, the Pricer, the Lagrangian bound); a design still not ruled out is solved (MILP,
design fixed).
The least of the designs' bounds holds over every design. With more designs than
:data:`MAX_DESIGNS` one MILP over every design is solved instead, against the
first bound.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from logistics.design.drop import drop_sites
from logistics.design.lp import DesignRows, LpResult, nonzeros, solve_rows, ufl_bound
from logistics.design.model import Design, design_network, keep_bookings
from logistics.forked import fork_map, processes, shards_by
from logistics.io.order_checks import validate_orders
from logistics.model.ledger import Key, Kind, Ledger
from logistics.model.network import Network
from logistics.model.orders import OrderBook, OrderStatus
from logistics.model.plan import Plan
from logistics.solve.assemble import assemble
from logistics.solve.candidates import CandidateSet, build_candidates
from logistics.solve.greedy import greedy
from logistics.solve.params import SolveParams, Weights
from logistics.solve.pricing.loop import _add, _signature
from logistics.solve.pricing.price import Pricer, Schedule
from logistics.solve.problem import SCALE, build_problem, held

__all__ = ["CAP_REASON", "COST_PENALTY_EUR", "DesignResult", "solve_design"]

log = logging.getLogger("logistics")

# Over this many nonzeros the design MILP is not run and its start is the design: on
# the default bundle over a year (cost objective, 120 s) it never bettered its start
# at 1.3 M (1,000 orders), 2.6 M or 6 M (5,000, where its root LP does not finish),
# while at 0.6 M (500 orders, weighted) it proved a design 3.2 % better than its start.
MILP_MAX_NONZEROS = 1_000_000

# ``objective = "cost"``: every patient must be served; an order left unserved (no
# schedule within the cap, or no room) counts this many euros x its priority weight,
# so the model stays feasible and the order is reported instead of failing the run.
COST_PENALTY_EUR = 1e8
COST_UNIT = 0.01  # weight units per euro under objective = cost
# how the reason of an order with no schedule within the vein-to-vein cap begins
CAP_REASON = "no schedule within the vein-to-vein cap"


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignResult:
    """A design and its plan.

    ``status``: ``OPTIMAL`` (objective within ``relative_gap`` of the bound over every
    schedule and design), ``FEASIBLE`` or ``INFEASIBLE``/``UNKNOWN`` (no plan).
    ``objective``, ``bound`` (over every schedule within the cap and every design)
    and ``candidate_bound`` (the MILP's, over the priced candidates) are in weight
    units; the objective leaves out the costs of booked orders (the same whatever
    the design). ``lines`` maps every open design site to its lines; ``network`` is
    the bundle with that design's capacity (what the checker audits the plan
    against): an open site's lines, a closed one's slots only where its bookings
    run (a wind-down). ``batches`` counts every batch per site, ``booked`` those of
    booked orders (a closed design site may have some); ``costs_eur`` counts every
    served order's batch and transport cost, booked ones included, and the fixed
    and line cost of the open sites only.
    """

    status: str
    design: Design
    lines: Mapping[str, int]
    plan: Plan | None
    network: Network
    objective: float | None
    bound: float | None
    candidate_bound: float | None
    costs_eur: Mapping[str, float]
    batches: Mapping[str, int]
    weights: Weights
    objective_kind: str
    booked: Mapping[str, int] = field(default_factory=dict)
    stats: Mapping[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0

    @property
    def gap(self) -> float | None:
        """|objective - bound| / max(1, |objective|)."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, self.objective - self.bound) / max(1.0, abs(self.objective))

    @property
    def open_sites(self) -> list[str]:
        """The design sites opened, in design.csv order."""
        return [s.site_id for s in self.design.sites if s.site_id in self.lines]


def design_weights(weights: Weights, objective: str) -> Weights:
    """The weights of a design solve: ``weighted`` keeps the solver's (risk and
    stability off: a strategic question), ``cost`` counts euros only."""
    if objective == "cost":
        # one weight unit per 100 EUR: the model's integers count whole euros, and
        # the penalty stays within what the simplex handles well
        return Weights(
            unserved_penalty=COST_PENALTY_EUR * COST_UNIT,
            v2v_per_h=0.0,
            wait_per_h=0.0,
            cost_per_eur=COST_UNIT,
            risk=0.0,
            stability=0.0,
            priority=weights.priority,
        )
    if objective != "weighted":
        raise ValueError("objective must be 'weighted' or 'cost'")
    return replace(weights, risk=0.0, stability=0.0)


def solve_design(
    network: Network,
    book: OrderBook,
    design: Design,
    params: SolveParams | None = None,
    *,
    objective: str = "weighted",
    max_rounds: int = 1,
    as_is: bool = False,
) -> DesignResult:
    """Choose the open sites, their lines and the schedules of ``book``.

    ``objective`` ``weighted`` minimises fixed, line, batch and transport cost
    (``cost_per_eur``) plus the solver's vein-to-vein, wait and unserved terms;
    ``cost`` minimises euros with every patient served (see
    :data:`COST_PENALTY_EUR`). The design's ``v2v_cap_days`` is hard in both.
    ``as_is``: ``network`` already has the design's capacity (a fixed design, every
    site in ``must_open`` or ``must_close``: ``design_network`` of its lines, then a
    scenario, say), so a design site's daily slots are the network's, at most its
    lines. Raises InputError for orders that break the network's rules.
    """
    t0 = time.perf_counter()
    validate_orders(book, network)
    params = params or SolveParams()
    w = design_weights(params.weights, objective)
    params = replace(params, weights=w, pricing_rounds=0)
    s = design.settings
    sites = [d for d in design.sites if d.site_id not in s.must_close]
    names = [d.site_id for d in sites]
    widest = {d.site_id: d.line_range[1] for d in sites}
    if as_is and any(n not in s.must_open for n in names):
        raise ValueError("as_is needs a fixed design (every site must_open or must_close)")
    dnet = network if as_is else design_network(network, design, widest)
    cs = build_candidates(dnet, book, params.quantile, workers=params.workers)
    seconds = {"candidates": time.perf_counter() - t0}
    cap_s = None if s.v2v_cap_days is None else s.v2v_cap_days * 86400
    beyond = _apply_cap(cs, cap_s)
    j_of = {name: j for j, name in enumerate(names)}
    batch = {d.site_id: round(w.cost_per_eur * d.batch_cost_eur * SCALE) for d in sites}
    seen = {_signature(c) for c in cs.candidates}
    plannable = [
        k
        for k in cs.options
        if not cs.book.orders[k].booked and cs.book.orders[k].status != OrderStatus.CANCELLED
    ]
    budget = 0.6 * params.time_limit_s
    bound, rounds, added, closed, stopped = -math.inf, 0, 0, False, "round limit"
    rows_of = _Rows(cs, params, design, names, batch, j_of)
    d = rows_of()
    pi: dict = {}
    least_zero = np.zeros((0, 0))
    mu: dict[int, float] = {}
    t1 = time.perf_counter()
    many = not _designs(d)
    # a pricer per design site and one for the rest (the many-design path needs none)
    groups = [] if many else _pricers(cs, names, network, w, cap_s, batch)
    large = many and nonzeros(d) > MILP_MAX_NONZEROS
    if many:
        # Too many designs to bound one by one: price each order once over every
        # site (as the nightly solve does) and bound each site from below; when the
        # MILP will not run, from the per-site floors alone (no schedule is searched)
        least_zero = _price_once(
            cs,
            network,
            w,
            cap_s,
            batch,
            plannable,
            seen,
            j_of,
            len(names) + 1,
            params.workers,
            search=not large,
        )
        rounds, max_rounds = 1, 0
        added = len(cs.candidates) - len(d.coef)
        if large:
            stopped = "per-site floors only (the design MILP is not run at this size)"
        else:
            # the facility-location MILP's bound is valid wherever it stops: it gets
            # what is left of pricing's share of the limit (30 s at most, 1 s at least)
            left = min(30.0, max(1.0, budget - (time.perf_counter() - t0)))
            bound = _lagrange(d, {}, least_zero, names, design, time_limit_s=left)
        d = rows_of()
    while rounds < max_rounds:
        least = np.full((len(cs.book.orders), len(groups)), math.inf)
        new = 0
        for g, (pricer, licensed) in enumerate(groups):
            pricer.set_prices(pi)
            for k in plannable:
                if cs.book.orders[k].therapy not in licensed:
                    continue
                rc, found = pricer.price(k, 0.0, keep=2)
                least[k, g] = rc
                for sched in found:
                    if sched.rc + mu.get(k, 0.0) < -1.0:
                        new += _add_capped(cs, sched, seen, cap_s)
        rounds += 1
        if rounds == 1:
            least_zero = least.copy()
        bound = max(bound, _lagrange(d, pi, least, names, design))
        added += new
        d = rows_of()
        if rounds > 1 and new == 0:
            closed, stopped = True, "closed"
            break
        if rounds >= max_rounds:
            break
        if time.perf_counter() - t0 > budget:
            stopped = "time limit"
            break
        lp = solve_rows(d, integer=False, workers=params.workers)
        pi, mu = lp.pi, lp.mu
    stats: dict[str, Any] = {
        "pricing": {
            "rounds": rounds,
            "added": added,
            "closed": closed,
            "stopped": stopped,
            "bound_over": "every schedule within the cap and every design",
        },
        "beyond_cap": beyond,
    }
    seconds["pricing"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    ctx = _Context(cs, params, design, names, rows_of, groups, plannable, seen, cap_s, t0)
    designs = _designs(d)
    incumbent: tuple[float, LpResult] | None = None
    if designs:
        # few designs: each is bounded and, unless ruled out, solved on its own
        incumbent, lowest, stats["designs"] = _enumerate(ctx, designs, least_zero)
        if incumbent is not None:
            bound = max(bound, min(lowest, incumbent[0]))
    else:
        d = rows_of()
        start = _greedy_start(cs, params, d)
        if large and start is not None:
            # Over MILP_MAX_NONZEROS the MILP never bettered its start in our runs (at
            # 6 M nonzeros its root LP does not finish): the start is the design.
            mip = _start_result(d, start)
            stats["milp_status"] = f"not run ({nonzeros(d):,} nonzeros): the start kept"
        else:
            # the MILP keeps a quarter of the limit even when pricing overran it, and
            # starts from the greedy plan with every site it uses open
            left = max(0.25 * params.time_limit_s, params.time_limit_s - (time.perf_counter() - t0))
            mip = _milp(d, params, left, start)
            stats["milp_status"] = mip.status
        if mip.value is not None:
            incumbent = (_objective(d, mip, names), mip)
        if large:
            # the facility-location bound gets what is left of the limit (30 s at
            # most, 1 s at least)
            left = min(30.0, max(1.0, params.time_limit_s - (time.perf_counter() - t0)))
            t2 = time.perf_counter()
            bound = _lagrange(d, {}, least_zero, names, design, time_limit_s=left)
            seconds["bound"] = time.perf_counter() - t2
    stats["candidates"] = len(cs.candidates)
    stats["capacity_rows"] = len(d.rows) + len(d.site_rows)
    seconds["designs"] = time.perf_counter() - t1
    stats["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    log.info("design: %s", stats)
    if incumbent is None:
        return DesignResult(
            status="UNKNOWN",
            design=design,
            lines={},
            plan=None,
            network=design_network(network, design, {}),
            objective=None,
            bound=bound / SCALE if math.isfinite(bound) else None,
            candidate_bound=None,
            costs_eur={},
            batches={},
            weights=w,
            objective_kind=objective,
            stats=stats,
            wall_s=time.perf_counter() - t0,
        )
    value, mip = incumbent
    lines = {names[j]: round(mip.lines[j]) for j in range(len(names)) if mip.y[j] > 0.5}
    chosen = [int(i) for i in np.flatnonzero(mip.x > 0.5)]
    onet = network if as_is else design_network(network, design, lines)
    onet = keep_bookings(onet, rows_of.booked_days())
    ocs = replace(cs, network=onet)
    plan = assemble(ocs, chosen)
    costs, batches, booked = _costs(cs, chosen, design, lines)
    best = bound
    gap = (value - best) / max(1.0, abs(value)) if math.isfinite(best) else math.inf
    status = "OPTIMAL" if gap <= params.relative_gap + 1e-12 else "FEASIBLE"
    return DesignResult(
        status=status,
        design=design,
        lines=lines,
        plan=plan,
        network=onet,
        objective=value / SCALE,
        bound=best / SCALE if math.isfinite(best) else None,
        candidate_bound=None if mip.bound is None else mip.bound / SCALE,
        costs_eur=costs,
        batches=batches,
        booked=booked,
        weights=w,
        objective_kind=objective,
        stats=stats,
        wall_s=time.perf_counter() - t0,
    )


def _apply_cap(cs: CandidateSet, cap_s: float | None) -> int:
    """Drop the candidates whose vein to vein exceeds ``cap_s``; returns how many."""
    if cap_s is None:
        return 0
    keep = [c for c in cs.candidates if c.infusion - c.ready <= cap_s]
    dropped = len(cs.candidates) - len(keep)
    if dropped:
        firsts: dict[int, float] = defaultdict(lambda: math.inf)
        for c in cs.candidates:
            firsts[c.order] = min(firsts[c.order], c.v2v_h)
        cs.candidates[:] = keep
        for lst in cs.by_order:
            lst.clear()
        for i, c in enumerate(keep):
            cs.by_order[c.order].append(i)
        for k, best in firsts.items():
            if not cs.by_order[k] and k not in cs.reasons:
                cs.reasons[k] = (
                    f"{CAP_REASON} of {cap_s / 86400:g} days (fastest {best / 24:.2f} days)"
                )
    return dropped


def _floors(options: list[tuple], shift: float) -> dict[str, float]:
    """Per licensed site of an order, a lower bound (model units, zero prices) on
    the reduced cost of its schedules there: the least of the pricer's own per-(day,
    site) bounds (``Pricer._options``: earliest arrivals, least lane costs, batch
    prices and the infusion of the earliest delivery per start day); none where no
    schedule reaches the site, or none keeps the vein-to-vein cap."""
    out: dict[str, float] = {}
    for floor, _day, _ready, site, *_ in options:
        out[site] = min(out.get(site, math.inf), floor * SCALE - 0.5 - shift)
    return out


def _price_once(
    cs: CandidateSet,
    network: Network,
    w: Weights,
    cap_s: float | None,
    batch: Mapping[str, int],
    plannable: list[int],
    seen: set,
    j_of: Mapping[str, int],
    n_groups: int,
    workers: int = 1,
    *,
    search: bool = True,
) -> np.ndarray:
    """Zero-price pricing of every order over all its sites at once (its best
    schedules join the candidates) and, per group of sites, a lower bound on the
    order's least reduced cost there: the larger of the order's least over all sites
    and the group's per-site bounds (:func:`_floors`); without ``search``, the
    per-site bounds alone (no schedule is searched, none joins). With ``workers`` > 1
    forked processes price the orders of other treatment centres at once; the
    schedules join in the order of ``plannable`` however the orders were split."""
    m = n_groups - 1
    ((pricer, _),) = _pricers(cs, [], network, w, cap_s, batch)
    pricer.batch_extra = {s: v / SCALE for s, v in batch.items()}

    def price(ks: Sequence[int]) -> list[tuple[int, float, list[Schedule], dict[str, float]]]:
        out: list[tuple[int, float, list[Schedule], dict[str, float]]] = []
        for k in ks:
            options, shift = pricer._options(k, 0.0)
            if not options:
                out.append((k, math.inf, [], {}))
                continue
            if not search:
                out.append((k, -math.inf, [], _floors(options, shift)))
                continue
            rc, found = pricer._search(k, options, shift, keep=3)
            out.append((k, rc, found, {} if rc == math.inf else _floors(options, shift)))
        return out

    orders = cs.book.orders
    shards = shards_by(plannable, lambda k: orders[k].treatment_centre, processes(workers))
    priced = {row[0]: row for part in fork_map(price, shards) for row in part}
    least = np.full((len(cs.book.orders), n_groups), math.inf)
    for k in plannable:
        _, rc, found, floors = priced[k]
        for sched in found:
            _add_capped(cs, sched, seen, cap_s)
        for site, low in floors.items():
            g = j_of.get(site, m)
            least[k, g] = min(least[k, g], max(rc, low))
    return least


def _milp(
    d: DesignRows, params: SolveParams, time_limit_s: float, start: Sequence[float] | None = None
) -> LpResult:
    """The design MILP of ``d`` under the solver settings of ``params``."""
    return solve_rows(
        d,
        integer=True,
        time_limit_s=time_limit_s,
        relative_gap=params.relative_gap,
        workers=params.workers,
        seed=params.seed,
        start=start,
    )


def _start_result(d: DesignRows, start: Sequence[float]) -> LpResult:
    """The MILP's start as its result (value: see :func:`_objective`)."""
    n, m = len(d.coef), len(d.open_cost)
    x = np.asarray(start, dtype=float)
    sized = iter(x[n + m :])
    lines = np.array([next(sized) if d.sizing[j] else d.lines[j][1] * x[n + j] for j in range(m)])
    return LpResult("start", 0.0, None, x[:n], x[n : n + m], lines, {}, {})


def _greedy_start(cs: CandidateSet, params: SolveParams, d: DesignRows) -> list[float] | None:
    """A start for the MILP: the first-come greedy plan on the sites at their most
    lines, after closing the sites whose closing pays (:func:`drop_sites`), with
    the design sites it uses open (None when that opens more than ``max_open``)."""
    problem = build_problem(cs, params)
    chosen = drop_sites(d, problem, greedy(problem))
    m = len(d.open_cost)
    sized = [j for j in range(m) if d.sizing[j]]
    x = np.zeros(len(d.coef) + m + len(sized))
    x[chosen] = 1.0
    used = {d.cand_site[i] for i in chosen if d.cand_site[i] >= 0}
    used |= {j for j in range(m) if d.y_bounds[j][0] > 0.5}
    if any(d.y_bounds[j][1] < 0.5 for j in used):
        return None
    if d.max_open is not None and len(used) > d.max_open:
        return None
    for j in used:
        x[len(d.coef) + j] = 1.0
    for i, j in enumerate(sized):
        x[len(d.coef) + m + i] = d.lines[j][1] if j in used else 0.0
    return x.tolist()


def _add_capped(cs: CandidateSet, sched: Schedule, seen: set, cap_s: float | None) -> int:
    """Add a priced schedule as a candidate (see the pricing loop's ``_add``) unless
    its vein to vein exceeds ``cap_s`` (the Pricer keeps the cap; this guards the
    candidate indices, which must only grow)."""
    if not _add(cs, sched, seen):
        return 0
    c = cs.candidates[-1]
    if cap_s is not None and c.infusion - c.ready > cap_s:
        cs.candidates.pop()
        cs.by_order[c.order].pop()
        return 0
    return 1


def _pricers(
    cs: CandidateSet,
    names: list[str],
    network: Network,
    w: Weights,
    cap_s: float | None,
    batch: Mapping[str, int],
) -> list[tuple[DesignPricer, frozenset[str]]]:
    """One pricer per design site and one for the licensed sites outside the
    design, each seeing only its sites; with the therapies they license."""
    mine = set(names)
    groups = [[n] for n in names] + [[s for s in network.sites if s not in mine]]
    out = []
    for group in groups:
        therapies = {}
        for tid, t in cs.network.therapies.items():
            keep = tuple(x for x in t.sites if x in group)
            if keep:
                therapies[tid] = replace(t, sites=keep)
        net = replace(cs.network, therapies=therapies)
        sub = replace(cs, network=net)
        pricer = DesignPricer(sub, w, cs.options, {})
        pricer.v2v_cap_s = cap_s
        pricer.batch_extra = {s: batch.get(s, 0) / SCALE for s in group}
        out.append((pricer, frozenset(therapies)))
    return out


class DesignPricer(Pricer):
    """The nightly pricer with a price per batch at each site (its batch cost in
    weight units), and the local days of a batch cached."""

    batch_extra: Mapping[str, float]
    _days: dict

    def _batch_price(self, site: str, start: int, days: int) -> float:
        cache = self.__dict__.setdefault("_days", {})
        keys = cache.get((site, start, days))
        if keys is None:
            zone = ZoneInfo(self.cs.network.sites[site].timezone)
            first = datetime.fromtimestamp(start, UTC).astimezone(zone).date()
            keys = cache[(site, start, days)] = [
                (Kind.MANUFACTURING, site, first + timedelta(days=d)) for d in range(days)
            ]
        total = self.batch_extra.get(site, 0.0)
        for key in keys:
            total += self._price(key)
            if total == math.inf:
                return total
        return total


class _Rows:
    """The design model of a candidate set, kept up to date as candidates are added
    (each candidate's coefficient and capacities are computed once)."""

    def __init__(
        self,
        cs: CandidateSet,
        params: SolveParams,
        design: Design,
        names: list[str],
        batch: Mapping[str, int],
        j_of: Mapping[str, int],
    ) -> None:
        self.cs, self.params, self.design = cs, params, design
        self.names, self.batch, self.j_of = names, batch, j_of
        self.coef: list[int] = []
        self.orders: list[int] = []
        self.members: dict = defaultdict(list)
        self.penalty: list[int] = []
        self.booked = Ledger(cs.network)
        for c in cs.frozen.values():
            self.booked.take(held(cs, c))
        days, making = _batch_days(cs)
        by = design.by_id
        self.batch_room = [by[n].line_range[1] * days / making for n in names]
        self._made: DesignRows | None = None  # the model of the candidates last seen

    def _taken(self, key: Key) -> int:
        """Slots of a design site's day taken before the model: booked ones and those
        the network lacks that day against the site's most lines (a holiday closure
        or a reduced day of its capacity.csv rows, see ``design_network``; with
        ``as_is``, a scenario's cut too). Exact at the most lines; with sizing and
        fewer lines the network loses no more slots that day (``design_network``
        scales its rows down), so the rows stay valid."""
        used = self.booked.used[key]
        day = key[2]
        assert isinstance(day, date)
        lines = self.design.by_id[key[1]].line_range[1]
        have = self.cs.network.capacity.slots(key[1], Kind.MANUFACTURING.value, day)
        return used + max(0, lines - have)

    def booked_days(self) -> dict[tuple[str, date], int]:
        """Batches booked orders run at each design site on each local day."""
        out: dict[tuple[str, date], int] = {}
        for key, n in self.booked.used.items():
            if key[0] is Kind.MANUFACTURING and key[1] in self.design.by_id and n > 0:
                assert isinstance(key[2], date)
                out[(key[1], key[2])] = n
        return out

    def _line_range(self, name: str) -> tuple[int, int]:
        """A design site's least and most lines when open; with sizing the least is
        raised to the slots its bookings take on their busiest day (at most its most
        lines), as its day rows require once open."""
        site = self.design.by_id[name]
        low, high = site.line_range
        if not site.sizing:
            return low, high
        busiest = max(
            (
                self._taken(key)
                for key in self.booked.used
                if key[0] is Kind.MANUFACTURING and key[1] == name
            ),
            default=0,
        )
        return max(low, min(busiest, high)), high

    def __call__(self) -> DesignRows:
        """The model of every candidate of the set now (the same object while no
        candidate is added)."""
        cs, j_of = self.cs, self.j_of
        done = len(self.coef)
        if self._made is not None and len(cs.candidates) == done:
            return self._made
        if len(cs.candidates) > done or not self.penalty:
            new = cs.candidates[done:]
            sub = replace(cs, candidates=new, by_order=[[] for _ in cs.book.orders])
            problem = build_problem(sub, self.params)
            self.penalty = list(problem.penalty)
            for i, c in enumerate(new, start=done):
                self.coef.append(problem.coef[i - done] + self.batch.get(c.site, 0))
                self.orders.append(c.order)
                for key in held(cs, c):
                    self.members[key].append(i)
        by = self.design.by_id
        rows, site_rows = [], []
        for key, cands in self.members.items():
            if key[0] is Kind.MANUFACTURING and key[1] in j_of:
                most = by[key[1]].line_range[1]
                site_rows.append((key, j_of[key[1]], min(self._taken(key), most), list(cands)))
                continue
            free = max(self.booked.free(key), 0)
            if len(cands) > free:
                rows.append((key, free, list(cands)))
        w = self.params.weights
        s = self.design.settings
        names = self.names
        self._made = DesignRows(
            coef=list(self.coef),
            orders=list(self.orders),
            penalty=self.penalty,
            by_order=[list(c) for c in cs.by_order],
            rows=rows,
            site_rows=site_rows,
            cand_site=[j_of.get(c.site, -1) for c in cs.candidates],
            open_cost=[
                round(
                    w.cost_per_eur
                    * SCALE
                    * (
                        by[n].fixed_cost_eur
                        + (0 if by[n].sizing else by[n].lines * by[n].line_cost_eur)
                    )
                )
                for n in names
            ],
            line_cost=[round(w.cost_per_eur * SCALE * by[n].line_cost_eur) for n in names],
            lines=[self._line_range(n) for n in names],
            sizing=[by[n].sizing for n in names],
            y_bounds=[(1.0 if n in s.must_open else 0.0, 1.0) for n in names],
            max_open=s.max_open,
            names=names,
            batch_room=self.batch_room,
        )
        return self._made


def _batch_days(cs: CandidateSet) -> tuple[int, int]:
    """How many local days a batch of the book could hold at most (from the first
    apheresis day to the last day a batch started within the fresh window could
    run, a day either side for time zones) and the fewest manufacturing days of its
    therapies: the lines of a site make at most lines x days / that many batches."""
    orders = [o for o in cs.book.orders if o.status != OrderStatus.CANCELLED]
    if not orders:
        return 0, 1
    net = cs.network
    first = min(o.apheresis_earliest for o in orders)
    last = max(
        o.apheresis_latest
        + timedelta(
            hours=net.therapies[o.therapy].inbound_max_h,
            days=net.therapies[o.therapy].manufacturing_days,
        )
        for o in orders
    )
    making = min(net.therapies[o.therapy].manufacturing_days for o in orders)
    return (last - first).days + 3, making


def _lagrange(
    d: DesignRows,
    pi: Mapping,
    least: np.ndarray,
    names: list[str],
    design: Design,
    time_limit_s: float = 30.0,
) -> float:
    """The Lagrangian bound (model units) of prices ``pi`` with the least reduced
    cost of every order at every group of sites (``least``): a lower bound over
    every plan of the model of ``d`` (every design its y bounds and ``max_open``
    allow, bookings finishing where booked) whose schedules' reduced costs are at
    least ``least``. Relaxing a site's day row ``sum x - L + taken y <= 0`` (``L =
    lines y`` without sizing) moves ``p taken`` onto the site's open cost and ``-p``
    onto each of its lines (with sizing, its least or most lines, whichever costs
    less). ``time_limit_s`` limits the facility-location MILP (:func:`ufl_bound`)."""
    value = float(sum(d.penalty))
    for key, room, _ in d.rows:
        value -= pi.get(key, 0.0) * room
    per_site = np.zeros(len(names))
    per_taken = np.zeros(len(names))
    for key, j, taken, _ in d.site_rows:
        p = pi.get(key, 0.0)
        per_site[j] += p
        per_taken[j] += p * taken
    open_value = []
    for j in range(len(names)):
        lo, hi = d.lines[j]
        if d.sizing[j]:
            slope = d.line_cost[j] - per_site[j]
            open_value.append(d.open_cost[j] + per_taken[j] + min(slope * lo, slope * hi))
        else:
            open_value.append(d.open_cost[j] + per_taken[j] - per_site[j] * hi)
    finite = np.where(np.isfinite(least), least, 0.0)
    return value + ufl_bound(
        open_value, finite, d.y_bounds, d.max_open, time_limit_s, batch_room=d.batch_room
    )


def _objective(d: DesignRows, mip, names: list[str]) -> float:
    """The exact objective (model units) of a MILP solution's candidates and design."""
    chosen = [int(i) for i in np.flatnonzero(mip.x > 0.5)]
    served = {d.orders[i] for i in chosen}
    total = float(sum(d.coef[i] for i in chosen))
    total += sum(p for k, p in enumerate(d.penalty) if k not in served)
    for j in range(len(names)):
        if mip.y[j] > 0.5:
            total += d.open_cost[j]
            if d.sizing[j]:
                total += d.line_cost[j] * round(mip.lines[j])
    return total


def _costs(
    cs: CandidateSet, chosen: list[int], design: Design, lines: Mapping[str, int]
) -> tuple[dict[str, float], dict[str, int], dict[str, int]]:
    """Euros by kind (fixed and lines of the open sites; batch and transport of every
    served order, booked ones included), batches per site and booked batches per
    design site."""
    by = design.by_id
    fixed = sum(by[s].fixed_cost_eur for s in lines)
    line = sum(by[s].line_cost_eur * n for s, n in lines.items())
    batches: dict[str, int] = defaultdict(int)
    booked: dict[str, int] = defaultdict(int)
    transport = 0.0
    for c in (*cs.frozen.values(), *(cs.candidates[i] for i in chosen)):
        batches[c.site] += 1
        transport += c.cost
    for c in cs.frozen.values():
        if c.site in by:
            booked[c.site] += 1
    batch = sum(by[s].batch_cost_eur * n for s, n in batches.items() if s in by)
    total = fixed + line + batch + transport
    return (
        {
            "fixed": round(fixed, 2),
            "lines": round(line, 2),
            "batch": round(batch, 2),
            "transport": round(transport, 2),
            "total": round(total, 2),
        },
        dict(batches),
        dict(booked),
    )


def mean_v2v_days(plan: Plan | None) -> float | None:
    """Mean vein to vein of the served orders, days."""
    if plan is None:
        return None
    v = [p.v2v_h for p in plan.served if p.v2v_h is not None]
    return statistics.fmean(v) / 24 if v else None


MAX_DESIGNS = 128  # designs bounded one by one at most (else the joint bound stands)


def _designs(d: DesignRows) -> list[tuple[int, ...]]:
    """Every open set the settings allow (must_open in, must_close out, max_open)."""
    import itertools

    m = len(d.y_bounds)
    forced = [j for j in range(m) if d.y_bounds[j][0] > 0.5]
    free = [j for j in range(m) if d.y_bounds[j][0] < 0.5]
    top = len(free) if d.max_open is None else d.max_open - len(forced)
    out = []
    for r in range(0, max(top, -1) + 1):
        for extra in itertools.combinations(free, r):
            out.append(tuple(sorted((*forced, *extra))))
            if len(out) > MAX_DESIGNS:
                return []
    return out


def _quick(
    d: DesignRows, S: tuple[int, ...], least0: np.ndarray, mfg_days: int, days: dict[int, int]
) -> float:
    """A lower bound (model units) for open set ``S`` without pricing: fixed costs,
    every order at its least zero-price reduced cost among the open groups, and the
    orders the lines of ``S`` cannot hold over the horizon left unserved (the ones
    saving least)."""
    m = len(d.y_bounds)
    cols = [*S, m]
    value = float(sum(d.penalty)) + sum(
        d.open_cost[j] + (d.line_cost[j] * d.lines[j][0] if d.sizing[j] else 0) for j in S
    )
    best = np.minimum(0.0, np.where(np.isfinite(least0[:, cols]), least0[:, cols], 0.0).min(axis=1))
    value += float(best.sum())
    if not np.isfinite(least0[:, m]).any():  # no site outside the design: capacity counts
        room = sum(d.lines[j][1] * days.get(j, 0) // mfg_days for j in S)
        savings = np.sort(-best[best < 0])
        deficit = len(savings) - room
        if deficit > 0:
            value += float(savings[:deficit].sum())
    return value


@dataclass(slots=True)
class _Context:
    """What bounding designs one by one needs."""

    cs: CandidateSet
    params: SolveParams
    design: Design
    names: list[str]
    rows_of: _Rows
    groups: list[tuple[DesignPricer, frozenset[str]]]
    plannable: list[int]
    seen: set
    cap_s: float | None
    t0: float
    rows: DesignRows | None = None

    def current(self) -> DesignRows:
        """The design model of the candidates as they are now."""
        if self.rows is None or len(self.rows.coef) != len(self.cs.candidates):
            self.rows = self.rows_of()
        return self.rows


def _enumerate(
    ctx: _Context, designs: list[tuple[int, ...]], least0: np.ndarray
) -> tuple[tuple[float, LpResult] | None, float, dict[str, Any]]:
    """Every allowed open set, the most promising first: bounded without pricing
    (:func:`_quick`), then by column generation at its own capacity prices, and
    solved (MILP, design fixed) unless a bound rules it out against the best plan
    so far. Returns the best (objective, solution), the least bound over the
    designs (model units) and counts."""
    cs, params = ctx.cs, ctx.params
    m = len(ctx.names)
    days, mfg_days = _batch_days(cs)
    ndays = dict.fromkeys(range(m), days)
    d0 = ctx.current()
    quick = {S: _quick(d0, S, least0, mfg_days, ndays) for S in designs}
    info: dict[str, Any] = {"designs": len(designs), "pruned": 0, "priced": 0, "solved": 0}
    best: tuple[float, LpResult] | None = None
    lowest = math.inf

    def cut() -> float:
        if best is None:
            return math.inf
        return best[0] - params.relative_gap * max(1.0, abs(best[0]))

    for S in sorted(designs, key=quick.__getitem__):
        if quick[S] >= cut():
            info["pruned"] += 1
            lowest = min(lowest, quick[S])
            continue
        if time.perf_counter() - ctx.t0 > params.time_limit_s:
            lowest = min(lowest, quick[S])  # not priced: its quick bound stands
            continue
        info["priced"] += 1
        fixed = [(1.0, 1.0) if j in S else (0.0, 0.0) for j in range(m)]
        bound_s = _price_design(ctx, S, fixed, least0, quick[S], cut())
        lowest = min(lowest, bound_s)
        if bound_s >= cut():
            continue
        info["solved"] += 1
        d = replace(ctx.current(), y_bounds=fixed)
        left = max(1.0, params.time_limit_s - (time.perf_counter() - ctx.t0))
        mip = _milp(d, params, left)
        if mip.value is not None:
            value = _objective(d, mip, ctx.names)
            if best is None or value < best[0]:
                best = (value, mip)
    return best, lowest, info


def _price_design(
    ctx: _Context,
    S: tuple[int, ...],
    fixed: list[tuple[float, float]],
    least0: np.ndarray,
    start: float,
    cut: float,
) -> float:
    """Column generation for open set ``S`` at its own capacity prices (at most 10
    rounds, until no column prices out or the bound reaches ``cut``); returns its
    best Lagrangian bound (model units, at least ``start``)."""
    cs, m = ctx.cs, len(ctx.names)
    best = start
    for _ in range(10):
        d = replace(ctx.current(), y_bounds=fixed)
        lp = solve_rows(d, integer=False, workers=ctx.params.workers)
        if lp.value is None:
            break
        # reduced costs with the order prices ``mu`` (relaxed order rows); an order
        # whose zero-price least plus its price is not negative cannot price out
        # (capacity prices only add) and counts with that lower bound
        least = np.full((len(cs.book.orders), m + 1), math.inf)
        new = 0
        for g in (*S, m):
            pricer, licensed = ctx.groups[g]
            pricer.set_prices(lp.pi)
            for k in ctx.plannable:
                if cs.book.orders[k].therapy not in licensed:
                    continue
                mu = lp.mu.get(k, 0.0)
                if least0[k, g] + mu >= -1.0:
                    least[k, g] = least0[k, g] + mu
                    continue
                rc, found = pricer.price(k, mu, keep=2)
                least[k, g] = rc
                for sched in found:
                    new += _add_capped(cs, sched, ctx.seen, ctx.cap_s)
        lagrange = _lagrange(d, lp.pi, least, ctx.names, ctx.design) - sum(lp.mu.values())
        best = max(best, lagrange)
        if best >= cut or new == 0:
            break
    return best
