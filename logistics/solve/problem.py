"""The candidate model in integers: objective coefficients and capacity rows.

Shared by the CP-SAT model, the greedy baseline and the MILP baseline, so all three
optimise exactly the same thing. Objective units are hundredths of the weights'
units (``SCALE``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from logistics.model.disruptions import effect_at
from logistics.model.plan import Plan
from logistics.solve.candidates import CandidateSet
from logistics.solve.params import SolveParams

SCALE = 100


@dataclass(slots=True)
class Problem:
    """Choose at most one candidate per order under capacity rows, minimising
    sum(coef[chosen]) + sum(penalty[unserved orders])."""

    cs: CandidateSet
    coef: list[int]
    penalty: list[int]  # per order of the book
    orders: list[int]  # order index of each candidate
    rows: list[tuple[tuple, int, list[int]]]  # (resource key, free capacity, candidates)
    by_order: list[list[int]]
    overbooked: list[tuple] = field(default_factory=list)  # frozen use above capacity

    def objective(self, chosen: list[int]) -> int:
        """Objective of a selection (candidate indices): chosen coefficients plus the
        penalty of every plannable order left unserved."""
        served = {self.orders[c] for c in chosen}
        return sum(self.coef[c] for c in chosen) + sum(
            p for k, p in enumerate(self.penalty) if k not in served
        )

    def feasible(self, chosen: list[int]) -> bool:
        """At most one candidate per order and every capacity row respected."""
        orders = [self.orders[c] for c in chosen]
        if len(orders) != len(set(orders)):
            return False
        pick = set(chosen)
        return all(sum(c in pick for c in cands) <= cap for _, cap, cands in self.rows)


def resources(cs: CandidateSet, c) -> list[tuple]:
    """The capacity resources one candidate holds."""
    order = cs.book.orders[c.order]
    keys: list[tuple] = [("manufacturing", c.site, d) for d in c.mfg_days]
    keys.append(("apheresis", order.treatment_centre, c.apheresis_day))
    keys.extend(("lane", lane_id, dep) for lane_id, dep in c.departures)
    return keys


def capacity_of(cs: CandidateSet, key: tuple) -> int:
    """Slots of a resource key."""
    kind, what, when = key
    if kind == "lane":
        lane = cs.network.lane_by_id[what]
        if lane.capacity is None:
            return 10**9
        factor = effect_at(lane.windows, datetime.fromtimestamp(when, UTC)).capacity_factor
        return math.floor(lane.capacity * factor)
    return cs.network.capacity.slots(what, kind, when)


def build_problem(cs: CandidateSet, params: SolveParams, previous: Plan | None = None) -> Problem:
    """Integer objective and capacity rows of a candidate set."""
    w = params.weights
    book = cs.book
    prev = _previous_choices(previous, cs)
    coef = []
    for c in cs.candidates:
        prio = w.priority_weight(book.orders[c.order].priority)
        order = book.orders[c.order]
        wait_h = max(0.0, c.ready - order.apheresis_earliest.timestamp()) / 3600
        value = (
            prio * (w.v2v_per_h * c.v2v_h + w.wait_per_h * wait_h)
            + w.cost_per_eur * c.cost
            + w.risk * c.risk
        )
        was = prev.get(book.orders[c.order].order_id)
        if was is not None and was != (c.site, c.apheresis_day):
            value += w.stability
        coef.append(round(value * SCALE))
    # A booked order kept as booked costs nothing; one whose booking cannot be kept
    # (no itinerary any more) is an unserved patient and pays the penalty like any other.
    penalty = [
        0
        if k in cs.frozen or o.status == "cancelled"
        else round(w.unserved_penalty * w.priority_weight(o.priority) * SCALE)
        for k, o in enumerate(book.orders)
    ]
    used: dict[tuple, int] = defaultdict(int)
    for c in cs.frozen.values():
        for key in resources(cs, c):
            used[key] += 1
    members: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(cs.candidates):
        for key in resources(cs, c):
            members[key].append(i)
    rows = []
    overbooked = []
    for key, cands in members.items():
        cap = capacity_of(cs, key)
        free = cap - used.get(key, 0)
        if free < 0:
            overbooked.append(key)
        if len(cands) > max(free, 0):
            rows.append((key, max(free, 0), cands))
    for key, n in used.items():
        if n > capacity_of(cs, key) and key not in overbooked:
            overbooked.append(key)
    return Problem(
        cs=cs,
        coef=coef,
        penalty=penalty,
        orders=[c.order for c in cs.candidates],
        rows=rows,
        by_order=cs.by_order,
        overbooked=overbooked,
    )


def _previous_choices(previous: Plan | None, cs: CandidateSet) -> dict[str, tuple]:
    if previous is None:
        return {}
    out = {}
    for p in previous.orders:
        if p.served and p.apheresis_time is not None:
            site = cs.network.sites.get(p.treatment_centre)
            if site is None:
                continue
            day = p.apheresis_time.astimezone(ZoneInfo(site.timezone)).date()
            out[p.order_id] = (p.manufacturing_site, day)
    return out


def previous_selection(previous: Plan | None, cs: CandidateSet) -> list[int]:
    """Candidates matching the previous plan's (site, apheresis day), for hints."""
    prev = _previous_choices(previous, cs)
    chosen = []
    for k, cands in enumerate(cs.by_order):
        was = prev.get(cs.book.orders[k].order_id)
        for i in cands:
            c = cs.candidates[i]
            if was == (c.site, c.apheresis_day):
                chosen.append(i)
                break
    return chosen
