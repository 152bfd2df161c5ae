"""Breach probabilities of candidates (Monte Carlo) and the breach cap."""

from __future__ import annotations

import dataclasses

from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlanStatus
from logistics.risk import simulate
from logistics.solve.assemble import served_row
from logistics.solve.candidates import CandidateSet


def simulate_candidates(cs: CandidateSet, samples: int, seed: int, first: int = 0) -> None:
    """Replace each candidate's risk (from index ``first`` on) by its Monte Carlo
    breach probability: every candidate is simulated as if it were the order's plan
    (``samples`` draws)."""
    if len(cs.candidates) <= first or samples <= 0:
        return
    rows, orders = [], []
    for i, cand in enumerate(cs.candidates[first:], start=first):
        key = f"candidate-{i}"
        rows.append(
            dataclasses.replace(served_row(cs, cand, PlanStatus.SCHEDULED, ""), order_id=key)
        )
        orders.append(dataclasses.replace(cs.book.orders[cand.order], order_id=key))
    result = simulate(
        Plan(orders=tuple(rows)),
        cs.network,
        OrderBook(orders=tuple(orders)),
        samples=samples,
        seed=seed,
    )
    p = {r.order_id: r.p_breach for r in result.orders}
    cs.candidates = [
        c if i < first else c._replace(risk=p[f"candidate-{i}"])
        for i, c in enumerate(cs.candidates)
    ]


def cap_breach(cs: CandidateSet, max_breach: float) -> None:
    """Drop the candidates whose breach probability exceeds ``max_breach`` (the kept
    ones are renumbered); an order left without candidates says so."""
    kept: list[int] = []
    for k, cands in enumerate(cs.by_order):
        ok = [i for i in cands if cs.candidates[i].risk <= max_breach + 1e-12]
        if cands and not ok:
            best = min(cs.candidates[i].risk for i in cands)
            cs.reasons[k] = (
                f"every option breaks a viability window too often: best breach "
                f"probability {best:.1%}, the cap is {max_breach:.1%}"
            )
        kept.extend(ok)
    kept.sort()
    new_index = {old: new for new, old in enumerate(kept)}
    cs.candidates = [cs.candidates[i] for i in kept]
    cs.by_order = [[new_index[i] for i in cands if i in new_index] for cands in cs.by_order]
