"""Column generation: grow the candidate set until no schedule prices out.

Each round solves the LP of the candidate model (:mod:`.master`), bounds every
plannable order's least reduced cost from its options alone (cheap: no itinerary is
searched) and stops there when these bounds already put the LP within the relative gap
asked; otherwise it prices every plannable order against its duals (:mod:`.price`),
and adds the schedules of negative reduced cost. The first round prices against the LP
of the candidates built from the earliest itineraries (their duals already say where
capacity binds: a round at zero prices first would search for schedules the capacity
prices soon rule out). It stops when no schedule prices out (pricing closed), when the
bound is within the relative gap asked of the master LP, when two masters in a row
gain less than that gap (the tail of column generation: the bound stays below the LP
by the risk terms pricing leaves out, and late columns barely move the LP), or at the
round or time limit. The first master and the bounds of its prices run whatever the
time limit: they give the plan the integer step starts from and the only bound.

After every round the Lagrangian bound ``master dual value + sum over orders of
min(0, least reduced cost)`` is a lower bound on every plan over every schedule (risk
counted as 0): an order the time left unpriced counts with a lower bound of its
reduced cost (from its options' bounds, or else 0, as no coefficient is negative,
less its penalty plus its price). With pricing closed it is the LP optimum itself,
risk left out.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from logistics.forked import Forked, processes, shards_by
from logistics.model.orders import OrderStatus
from logistics.model.plan import Plan
from logistics.solve.candidates import CandidateSet
from logistics.solve.candidates.chains import make_candidate
from logistics.solve.params import SolveParams
from logistics.solve.pricing.master import Duals, solve_master
from logistics.solve.pricing.price import Pricer, Schedule
from logistics.solve.problem import SCALE, _previous_choices, build_problem

#: seconds a round cut short by the time limit may spend bounding its unpriced orders
GRACE_S = 2.0
#: the masters' sifting stops when its bound is within this share of the gap asked
SIFT_SHARE = 0.25


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingStats:
    """What column generation did: ``rounds`` (each against a master LP's duals),
    ``added`` candidates, ``closed`` (no schedule of any order prices out: the LP
    bound holds over every schedule), ``stopped`` (why it stopped), ``lp_bound``
    (model units: the best Lagrangian bound of the rounds, valid over every schedule
    with risk counted as 0) and ``seconds``."""

    rounds: int
    added: int
    closed: bool
    stopped: str
    lp_bound: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """The ``pricing`` object of summary.json (``lp_bound`` in model units)."""
        return {
            "rounds": self.rounds,
            "added": self.added,
            "closed": self.closed,
            "stopped": self.stopped,
            "bound_over": "every schedule",
            "seconds": round(self.seconds, 3),
        }


def grow(
    cs: CandidateSet,
    params: SolveParams,
    previous: Plan | None,
    *,
    max_rounds: int,
    time_limit_s: float,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[PricingStats, np.ndarray]:
    """Add to ``cs`` every schedule that prices out, round after round. Returns what
    pricing did and the last master LP's solution (per candidate, 0 for those added
    after it), which rounds to a good first plan. ``progress(message, fraction)`` is
    told how far each round is."""
    t0 = time.perf_counter()
    options = cs.options
    pricer = Pricer(cs, params.weights, options, _previous_choices(previous, cs))
    seen: set = set()  # the schedules of the candidates, once a round finds one
    # the most urgent orders first, so a cut-short round has priced those
    plannable = sorted(
        (k for k in options if not cs.book.orders[k].booked),
        key=lambda k: (-cs.book.orders[k].priority, k),
    )
    w = params.weights
    penalty = {
        k: 0
        if k in cs.frozen or o.status == OrderStatus.CANCELLED
        else round(w.unserved_penalty * w.priority_weight(o.priority) * SCALE)
        for k, o in enumerate(cs.book.orders)
    }
    added, rounds, bound, stalls = 0, 0, -math.inf, 0
    stopped = "round limit"
    closed = False
    stop_at = t0 + time_limit_s
    sift_gap = SIFT_SHARE * params.relative_gap
    t_master = time.perf_counter()
    # The first master and the bounds of its prices run to their end whatever the
    # budget: its LP solution is the plan the engine starts from, its prices the only
    # bound (10,000 orders: 40 s, against a budget of 36 s from the start of pricing).
    duals = solve_master(build_problem(cs, params, previous), params.workers, gap=sift_gap)
    t_master = time.perf_counter() - t_master
    # the LP solution of the last master the simplex finished: it rounds to a first plan
    x = duals.x if duals.solved else np.zeros(len(duals.x))
    pricer.set_prices(duals.pi)
    # forked copies of this process (and of the pricer) price the orders of other
    # centres: a centre's orders share their cached searches
    orders = cs.book.orders
    parts = shards_by(plannable, lambda k: orders[k].treatment_centre, processes(params.workers))

    def serve(q: tuple) -> Any:
        if q[0] == "lower":  # new prices: bound the orders of the part
            pricer.set_prices(q[1])
            return _lower(pricer, q[3], q[2], q[4])
        return _price(pricer, q[2], q[1], q[3], None)  # search them

    children = [Forked(serve) for _ in parts[1:]]
    try:
        while rounds < max_rounds:
            if rounds > 0 and time.perf_counter() > stop_at:
                stopped = "time limit"
                break
            mu = duals.mu
            # every order's bound from its options alone first (cheap): when these
            # bounds already put the LP within the gap, no schedule is searched
            until = stop_at if rounds > 0 else math.inf
            for child, part in zip(children, parts[1:], strict=True):
                child.ask(("lower", duals.pi, {k: mu[k] for k in part if k in mu}, part, until))
            if progress is not None:
                progress(f"pricing round {rounds + 1}: bounding {len(plannable)} orders", 0.0)
            least = _lower(pricer, parts[0], mu, until)
            for child in children:
                least.update(child.answer())
            cheap = _lagrange(duals, least, penalty, plannable)
            settled = duals.complete or duals.within
            if settled and duals.lp - cheap <= params.relative_gap * max(1.0, abs(duals.lp)):
                rounds += 1
                bound = max(bound, cheap)
                stopped = "within the gap"
                break
            if time.perf_counter() > stop_at:  # (the first round: bounds only)
                rounds += 1
                bound = max(bound, cheap)
                stopped = "time limit"
                break
            for child, part in zip(children, parts[1:], strict=True):
                child.ask(("price", {k: mu[k] for k in part if k in mu}, part, stop_at))
            report = None
            if progress is not None:
                report = functools.partial(_report, progress, rounds, len(plannable), added)
            least, found, complete = _price(pricer, parts[0], mu, stop_at, report)
            for child in children:
                more, more_found, done = child.answer()
                least.update(more)
                found.update(more_found)
                complete = complete and done
            new = 0
            if found and not seen:
                seen.update(_signature(c) for c in cs.candidates)
            for k in plannable:  # in the order of the orders: the same candidates however split
                for s in found.get(k, ()):
                    new += _add(cs, s, seen)
            rounds += 1
            bound = max(bound, _lagrange(duals, least, penalty, plannable))
            added += new
            if not complete or not (duals.complete or duals.within):  # (a master cut short)
                stopped = "time limit"
                break
            if new == 0:
                closed, stopped = True, "closed"
                break
            if duals.value - bound <= params.relative_gap * max(1.0, duals.value):
                # the LP over the candidates is within the gap asked of every schedule's
                stopped = "within the gap"
                break
            if stalls >= 2:
                stopped = "stalled"
                break
            left = time_limit_s - (time.perf_counter() - t0)
            if left < 1.5 * t_master:  # no time for the LP and a round after it
                stopped = "time limit"
                break
            t_master, value = time.perf_counter(), duals.value
            # the simplex starts from the last one's columns and those just added
            working = np.concatenate([duals.working, np.arange(len(duals.x), len(cs.candidates))])
            duals = solve_master(
                build_problem(cs, params, previous),
                params.workers,
                left,
                start_with=working,
                gap=sift_gap,
            )
            t_master = time.perf_counter() - t_master
            gain = value - duals.value  # (a gap of 0 asks for closed pricing: no stall)
            stalled = params.relative_gap > 0 and gain <= params.relative_gap * abs(duals.value)
            stalls = stalls + 1 if stalled else 0
            if duals.solved:
                x = duals.x
            pricer.set_prices(duals.pi)
    finally:
        for child in children:
            child.close()
    if rounds == 0:  # the time ran out in the first LP: its prices still bound every plan
        bound = _lagrange(duals, {}, penalty, plannable)
    # no coefficient or penalty is negative, so no plan is below 0 (the prices of a
    # master cut short far from its optimum can bound below that)
    bound = max(bound, 0.0)
    stats = PricingStats(
        rounds=rounds,
        added=added,
        closed=closed,
        stopped=stopped,
        lp_bound=bound,
        seconds=time.perf_counter() - t0,
    )
    return stats, np.concatenate([x, np.zeros(len(cs.candidates) - len(x))])


def _lagrange(
    duals: Duals, least: dict[int, float], penalty: dict[int, int], plannable: list[int]
) -> float:
    """The Lagrangian bound of one round: the master's dual value plus each order's
    least reduced cost when negative; an order the time left unpriced counts with
    its price less its penalty (no coefficient is negative), or see :func:`_price`."""
    mu = duals.mu
    return duals.value + sum(min(0.0, least.get(k, mu.get(k, 0.0) - penalty[k])) for k in plannable)


def _report(
    progress: Callable[[str, float], None], rounds: int, n: int, added: int, f: float
) -> None:
    progress(f"pricing round {rounds + 1}: {round(f * n)}/{n} orders, {added} schedules added", f)


def _lower(pricer: Pricer, ks: list[int], mu: dict[int, float], stop_at: float) -> dict[int, float]:
    """A lower bound on the least reduced cost of each order of ``ks`` from its
    options' bounds (:meth:`Pricer.lower`), until ``stop_at`` (``time.perf_counter``)
    and for at most ``GRACE_S`` more: an order left out counts as in :func:`_lagrange`."""
    least: dict[int, float] = {}
    for k in ks:
        if time.perf_counter() > stop_at + GRACE_S:
            break
        least[k] = pricer.lower(k, mu.get(k, 0.0))
    return least


def _price(
    pricer: Pricer,
    ks: list[int],
    mu: dict[int, float],
    stop_at: float,
    report: Callable[[float], None] | None,
) -> tuple[dict[int, float], dict[int, list[Schedule]], bool]:
    """Price orders ``ks`` in turn until ``stop_at`` (``time.perf_counter``): the least
    reduced cost of each priced order (or, for those the time left unpriced, a lower
    bound on it from their options' bounds, for at most ``GRACE_S`` more), the
    schedules found, and whether every order was priced."""
    least: dict[int, float] = {}
    found: dict[int, list[Schedule]] = {}
    for i, k in enumerate(ks):
        if time.perf_counter() > stop_at:
            for k in ks[i:]:
                if time.perf_counter() > stop_at + GRACE_S:
                    break
                least[k] = pricer.lower(k, mu.get(k, 0.0))
            return least, found, False
        if report is not None and i % 20 == 0:
            report(i / len(ks))
        least[k], schedules = pricer.price(k, mu.get(k, 0.0))
        if schedules:
            found[k] = schedules
    return least, found, True


def _add(cs: CandidateSet, s: Schedule, seen: set) -> int:
    chain_in, hold_in = s.inbound
    chain_out, hold_out = s.outbound
    cand = make_candidate(
        cs,
        cs.stress,
        s.order,
        s.day,
        s.ready,
        s.site,
        s.start,
        s.release,
        s.delivery,
        chain_in,
        chain_out,
        hold_in,
        hold_out,
    )
    if cand is None:
        return 0
    sig = _signature(cand)
    if sig in seen:
        return 0
    seen.add(sig)
    cs.by_order[s.order].append(len(cs.candidates))
    cs.candidates.append(cand)
    return 1


def _signature(c) -> tuple[int, date, str, int, tuple, tuple, int]:
    """What makes two candidates the same schedule: order, day, site, start and the
    lanes and shipper departures they hold."""
    return (
        c.order,
        c.apheresis_day,
        c.site,
        c.start,
        c.inbound_cids + c.outbound_cids,
        c.departures,
        c.delivery,
    )
