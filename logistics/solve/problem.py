"""The candidate model in integers: objective coefficients and capacity rows.

Shared by the CP-SAT model, the greedy baseline and the MILP baseline, so all three
optimise exactly the same thing. Objective units are hundredths of the weights'
units (``SCALE``).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo

import numpy as np

from logistics.heap import gc_paused
from logistics.model import ledger
from logistics.model.ledger import Key, Ledger
from logistics.model.plan import Plan
from logistics.solve.candidates import Candidate, CandidateSet
from logistics.solve.holdings import CapacityRows, Holdings, binding, select
from logistics.solve.matrix import Matrix, RowsOf, build_matrix
from logistics.solve.params import SolveParams, Weights

SCALE = 100


@dataclass(slots=True)
class Problem:
    """Choose at most one candidate per order under capacity rows, minimising
    sum(coef[chosen]) + sum(penalty[unserved orders])."""

    cs: CandidateSet
    coef: list[int]
    penalty: list[int]  # per order of the book
    orders: list[int]  # order index of each candidate
    # (capacity, room left, candidates holding it), for the capacities the candidates
    # can hold beyond their room, one order taking at most one candidate
    rows: Sequence[tuple[Key, int, list[int]]]
    by_order: list[list[int]]
    overbooked: list[Key] = field(default_factory=list)  # frozen use above capacity
    _matrix: Matrix | None = field(default=None, init=False, repr=False, compare=False)
    _rows_of: RowsOf | None = field(default=None, init=False, repr=False, compare=False)

    def matrix(self) -> Matrix:
        """The problem as a sparse matrix (order rows, then capacity rows), built once."""
        if self._matrix is None:
            self._matrix = build_matrix(len(self.coef), self.by_order, self.rows)
        return self._matrix

    def rows_of(self) -> Mapping[int, list[Key]]:
        """The capacity rows each candidate holds (a key once per unit held), from
        :meth:`matrix`: the greedy plans and the LP roundings all ask."""
        if self._rows_of is None:
            self._rows_of = RowsOf(self.matrix(), self.row_keys())
        return self._rows_of

    def row_keys(self) -> list[Key]:
        """The key of each capacity row, in order (without making the rows' lists)."""
        rows = self.rows
        return rows.keys if isinstance(rows, CapacityRows) else [key for key, _, _ in rows]

    def rooms(self) -> dict[Key, int]:
        """The room of each capacity row."""
        rows = self.rows
        if isinstance(rows, CapacityRows):
            return dict(zip(rows.keys, rows.rooms, strict=True))
        return {key: room for key, room, _ in rows}

    def objective(self, chosen: list[int]) -> int:
        """Objective of a selection (candidate indices): chosen coefficients plus the
        penalty of every plannable order left unserved."""
        served = {self.orders[c] for c in chosen}
        return sum(self.coef[c] for c in chosen) + sum(
            p for k, p in enumerate(self.penalty) if k not in served
        )

    def feasible(self, chosen: list[int]) -> bool:
        """True when the selection ``chosen`` (candidate indices) has at most one
        candidate per order and respects every capacity row."""
        if len(set(chosen)) != len(chosen):
            return False
        m = self.matrix()  # (its order rows hold at most one candidate each)
        return bool(np.all(m.load(chosen) <= m.upper))


def held(cs: CandidateSet, c: Candidate) -> list[Key]:
    """The capacities candidate ``c`` of ``cs`` holds (see :func:`ledger.held`)."""
    return ledger.held(
        site=c.site,
        mfg_days=c.mfg_days,
        centre=cs.book.orders[c.order].treatment_centre,
        apheresis_day=c.apheresis_day,
        departures=c.departures,
    )


def build_problem(cs: CandidateSet, params: SolveParams, previous: Plan | None = None) -> Problem:
    """The integer objective and capacity rows of candidate set ``cs`` under the
    weights of ``params``; ``previous``, last night's plan, adds the stability term
    to candidates that move its orders to another site or day, and the smaller route
    term to those keeping site and day with another start or other lanes. Booked
    (frozen) orders' use comes off the capacity; a capacity they already overfill is
    listed in ``overbooked``.

    What it works out per candidate is kept on ``cs`` (:class:`_Memo`): building
    again after pricing appended candidates only works out the new ones, and with
    nothing changed the problem built last is returned again."""
    w = params.weights
    book = cs.book
    memo = cs.memo if isinstance(cs.memo, _Memo) else _Memo()
    cs.memo = memo
    memo.keep(cs.candidates)
    same = (_key(w), id(previous), len(cs.candidates), len(cs.frozen))
    if memo.last is not None and memo.last[0] == same:
        return memo.last[1]  # nothing changed since it was built (pricing added none)
    coef = memo.coefs.setdefault((_key(w), id(previous)), [])
    if previous is not None and all(p is not previous for p in memo.plans):
        memo.plans.append(previous)  # its id names its coefficients while it lives
    with gc_paused():
        if len(coef) < len(cs.candidates):
            coef.extend(_coefficients(cs, cs.candidates[len(coef) :], w, previous))
        if memo.holdings is None:
            memo.holdings = Holdings([o.treatment_centre for o in book.orders])
        memo.holdings.add(cs.candidates[len(memo.seen) :])
        memo.seen.extend(cs.candidates[len(memo.seen) :])
    # A booked order kept as booked costs nothing; one whose booking cannot be kept
    # (no itinerary any more) is an unserved patient and pays the penalty like any other.
    penalty = [
        0
        if k in cs.frozen or o.status == "cancelled"
        else round(w.unserved_penalty * w.priority_weight(o.priority) * SCALE)
        for k, o in enumerate(book.orders)
    ]
    booked = Ledger(cs.network)
    for c in cs.frozen.values():
        booked.take(held(cs, c))
    orders = [c.order for c in cs.candidates]
    ids, start, index, value = memo.holdings.rows()
    keys = [memo.holdings.keys[i] for i in ids.tolist()]
    free = [booked.free(key) for key in keys]
    overbooked = [key for key, f in zip(keys, free, strict=True) if f < 0]
    for key in booked.used:
        if booked.free(key) < 0 and key not in overbooked:
            overbooked.append(key)
    room = np.maximum(np.asarray(free, dtype=np.int64), 0)
    # a row that cannot bind is left out of the model (at 5,000 orders 6,664 of 12,005
    # rows: mostly lane departures and apheresis days with fewer orders than room);
    # its keys stay in the ledger that pricing and the checker read
    kept = binding(start, index, value, np.asarray(orders, np.int64), room)
    rows = CapacityRows(
        [key for key, bind in zip(keys, kept.tolist(), strict=True) if bind],
        room[kept].tolist(),
        *select(start, index, value, kept),
    )
    problem = Problem(
        cs=cs,
        coef=list(coef),
        penalty=penalty,
        orders=orders,
        rows=rows,
        by_order=cs.by_order,
        overbooked=overbooked,
    )
    memo.last = (same, problem)
    return problem


def _coefficients(
    cs: CandidateSet, cands: list[Candidate], w: Weights, previous: Plan | None
) -> list[int]:
    """The objective coefficient of each of ``cands`` (model units): ``priority x
    (v2v_per_h x v2v h + wait_per_h x wait h) + cost_per_eur x cost + risk x risk``,
    plus the stability term against ``previous``, rounded half to even. Worked out
    over arrays, with the same operations in the same order as one at a time."""
    if not cands:
        return []
    orders = cs.book.orders
    prio = np.array([w.priority_weight(o.priority) for o in orders])
    earliest = np.array([o.apheresis_earliest.timestamp() for o in orders])
    k = np.fromiter((c.order for c in cands), np.int64, len(cands))
    ready = np.fromiter((c.ready for c in cands), np.int64, len(cands))
    infusion = np.fromiter((c.infusion for c in cands), np.int64, len(cands))
    cost = np.fromiter((c.cost for c in cands), float, len(cands))
    risk = np.fromiter((c.risk for c in cands), float, len(cands))
    wait_h = np.maximum(0.0, ready - earliest[k]) / 3600
    value = (
        prio[k] * (w.v2v_per_h * ((infusion - ready) / 3600) + w.wait_per_h * wait_h)
        + w.cost_per_eur * cost
        + w.risk * risk
    )
    prev = _previous_choices(previous, cs)
    if prev:
        detail = _previous_details(previous)
        for i, c in enumerate(cands):
            oid = orders[c.order].order_id
            was = prev.get(oid)
            if was is not None and was != (c.site, c.apheresis_day):
                value[i] += w.stability
            elif was is not None and _closeness(cs, c, detail[oid]) != (True, 2):
                value[i] += w.stability_route
    return np.rint(value * SCALE).astype(np.int64).tolist()


def _key(w: Weights) -> tuple:
    """The weights as a dict key (their priority map as sorted pairs)."""
    return tuple(
        tuple(sorted(v.items())) if isinstance(v, dict) else v
        for v in (getattr(w, f.name) for f in fields(w))
    )


@dataclass(slots=True)
class _Memo:
    """What :func:`build_problem` worked out per candidate of a candidate set: the
    candidates it saw (in order), the capacities each holds, and the coefficients per
    (weights, previous plan)."""

    seen: list[Candidate] = field(default_factory=list)
    holdings: Holdings | None = None
    coefs: dict[tuple, list[int]] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)
    # the last problem built and what it was built from (weights, previous plan,
    # candidates, booked orders)
    last: tuple[tuple, Problem] | None = None

    def keep(self, candidates: list[Candidate]) -> None:
        """Forget everything from the first candidate seen that is no longer the one
        at its place in ``candidates`` (replaced, dropped or renumbered since)."""
        other = map(operator.is_not, self.seen, candidates)  # (up to the shorter one)
        i = next(itertools.compress(itertools.count(), other), None)
        i = min(len(self.seen), len(candidates)) if i is None else i
        if i == len(self.seen):
            return
        self.last = None
        del self.seen[i:]
        if self.holdings is not None:
            self.holdings.cut(i)
        for coef in self.coefs.values():
            del coef[i:]


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
    """Candidates of ``cs`` matching the ``previous`` plan's (site, apheresis day),
    for hints: per order the one closest to its previous schedule (the same
    manufacturing start, then the same inbound and outbound lanes)."""
    prev = _previous_choices(previous, cs)
    if not prev:
        return []
    detail = _previous_details(previous)
    chosen = []
    for k, cands in enumerate(cs.by_order):
        oid = cs.book.orders[k].order_id
        was = prev.get(oid)
        same = [i for i in cands if was == (cs.candidates[i].site, cs.candidates[i].apheresis_day)]
        if same:
            chosen.append(max(same, key=lambda i: _closeness(cs, cs.candidates[i], detail[oid])))
    return chosen


def _previous_details(previous: Plan | None) -> dict[str, tuple]:
    """Order id -> (manufacturing start in seconds, inbound lane ids, outbound lane ids)
    of each served order of ``previous``."""
    out: dict[str, tuple] = {}
    for p in previous.orders if previous is not None else ():
        if p.served and p.manufacturing_start is not None:
            lanes_in = tuple(leg.lane_id for leg in p.inbound.legs) if p.inbound else ()
            lanes_out = tuple(leg.lane_id for leg in p.outbound.legs) if p.outbound else ()
            out[p.order_id] = (int(p.manufacturing_start.timestamp()), lanes_in, lanes_out)
    return out


def _closeness(cs: CandidateSet, c: Candidate, detail: tuple) -> tuple[bool, int]:
    start, lanes_in, lanes_out = detail
    same_in = tuple(cs.cn.lanes[i].lane_id for i in c.inbound_cids) == lanes_in
    same_out = tuple(cs.cn.lanes[i].lane_id for i in c.outbound_cids) == lanes_out
    return c.start == start, same_in + same_out
