"""From chosen candidates to a Plan, with a planner's reason on every order."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from operator import attrgetter

import numpy as np

from logistics.model.ledger import Key, Kind, Ledger
from logistics.model.plan import Plan, PlannedOrder, PlanStatus
from logistics.network.explain import describe
from logistics.network.timebase import from_s
from logistics.solve.candidates import Candidate, CandidateSet
from logistics.solve.problem import held

_INFUSION, _READY = attrgetter("infusion"), attrgetter("ready")


def assemble(cs: CandidateSet, chosen: list[int]) -> Plan:
    """The plan of the selection ``chosen`` (candidate indices of ``cs``):
    scheduled, frozen and unserved orders in book order, each with its reason."""
    pick = {cs.candidates[c].order: c for c in chosen}
    used = Ledger(cs.network)
    for c in chosen:
        used.take(held(cs, cs.candidates[c]))
    for cand in cs.frozen.values():
        used.take(held(cs, cand))
    fastest = _fastest(cs, list(pick))
    rows = []
    for k, order in enumerate(cs.book.orders):
        if k in cs.frozen:
            rows.append(served_row(cs, cs.frozen[k], PlanStatus.FROZEN, cs.frozen_notes.get(k, "")))
        elif k in pick:
            cand = cs.candidates[pick[k]]
            best = cs.candidates[fastest[k]]
            rows.append(served_row(cs, cand, PlanStatus.SCHEDULED, _limits(cs, cand, best, used)))
        else:
            reason = cs.reasons.get(k) or cs.frozen_notes.get(k) or _blocked(cs, k, used)
            rows.append(
                PlannedOrder(
                    order_id=order.order_id,
                    therapy=order.therapy,
                    treatment_centre=order.treatment_centre,
                    status=PlanStatus.UNSERVED,
                    reason=reason,
                )
            )
    return Plan(orders=tuple(rows))


def served_row(cs: CandidateSet, c: Candidate, status: PlanStatus, reason: str) -> PlannedOrder:
    """The plan row of candidate ``c`` of ``cs``, with ``status`` and ``reason``."""
    order = cs.book.orders[c.order]
    return PlannedOrder(
        order_id=order.order_id,
        therapy=order.therapy,
        treatment_centre=order.treatment_centre,
        status=status,
        apheresis_time=from_s(c.ready),
        manufacturing_site=c.site,
        manufacturing_start=from_s(c.start),
        manufacturing_end=from_s(c.end),
        release_time=from_s(c.release),
        delivery_time=from_s(c.delivery),
        lymphodepletion_start=from_s(c.lymphodepletion),
        infusion_time=from_s(c.infusion),
        cost_eur=c.cost,
        reason=reason,
        inbound=cs.itinerary(c, "inbound"),
        outbound=cs.itinerary(c, "outbound"),
    )


def _fastest(cs: CandidateSet, ks: list[int]) -> dict[int, int]:
    """The candidate of least vein to vein of each order of ``ks`` (the first such)."""
    cands = cs.candidates
    v2v = np.fromiter(map(_INFUSION, cands), np.int64, len(cands))
    v2v -= np.fromiter(map(_READY, cands), np.int64, len(cands))
    hours = v2v / 3600  # (as Candidate.v2v_h)
    return {k: cs.by_order[k][int(np.argmin(hours[cs.by_order[k]]))] for k in ks}


def _limits(cs: CandidateSet, cand: Candidate, best: Candidate, used: Ledger) -> str:
    """What limits a scheduled order: its route, and capacity when its fastest option
    ``best`` was taken by others."""
    inbound = cs.itinerary(cand, "inbound")
    text = f"inbound {inbound.hours:.1f} h ({describe(inbound)})"
    if best.v2v_h < cand.v2v_h - 1e-9:
        full = _full(cs, best, used, exclude=cand)
        if full:  # otherwise a trade-off of the weights (earlier apheresis, cost, risk)
            text += (
                f"; vein-to-vein {cand.v2v_h - best.v2v_h:.1f} h longer than its fastest "
                f"option ({best.site}, apheresis {best.apheresis_day}), blocked: {full}"
            )
    return text


def _full(cs: CandidateSet, cand: Candidate, used: Ledger, exclude: Candidate | None) -> str:
    """The capacities of a candidate that are full, in words (``exclude``'s own use
    not counted)."""
    mine = Counter(held(cs, exclude)) if exclude is not None else Counter()
    full = [key for key in held(cs, cand) if used.free(key) + mine[key] <= 0]
    return _words(full)


def _blocked(cs: CandidateSet, k: int, used: Ledger) -> str:
    """Why an order with candidates was left unserved: the capacities its options need."""
    counts: Counter[Key] = Counter()
    for i in cs.by_order[k]:
        cand = cs.candidates[i]
        for key in held(cs, cand):
            if used.free(key) <= 0:
                counts[key] += 1
    if not counts:
        return "not served: serving it would cost more than leaving it (check the weights)"
    return f"capacity: {_words(list(counts))} for all {len(cs.by_order[k])} options"


def _words(keys: list[Key]) -> str:
    """Full capacities in words, the three with most keys: per lane the number of full
    departures, per site the span of full days."""
    groups: dict[tuple[Kind, str], list[date | int]] = defaultdict(list)
    for kind, what, when in keys:
        groups[(kind, what)].append(when)
    parts = []
    for (kind, what), whens in sorted(groups.items(), key=lambda g: -len(g[1]))[:3]:
        whens = sorted(set(whens))  # type: ignore[type-var]  # one kind: all dates or all ints
        if kind == Kind.LANE:
            parts.append(f"lane {what} full on {len(whens)} departure(s)")
            continue
        span = str(whens[0]) if len(whens) == 1 else f"{whens[0]}..{whens[-1]}"
        parts.append(f"{kind} slots at {what} full ({span})")
    return "; ".join(parts)
