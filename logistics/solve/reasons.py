"""True reasons for unserved orders, checked over every schedule.

The plan says "capacity" for an order whose candidates all need a full capacity.
That is a claim about the candidates; here it is checked against every schedule of
the contract's rules: with the plan's use of capacity, pricing searches for any
schedule of the order that still fits. If one does, the reason says so (and why it
was not planned); if none does, the capacity reason stands.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from logistics.model.ledger import Ledger
from logistics.model.plan import Plan, PlanStatus
from logistics.solve.candidates import CandidateSet
from logistics.solve.params import SolveParams
from logistics.solve.pricing.price import Pricer
from logistics.solve.problem import held


def check_capacity_reasons(
    plan: Plan, cs: CandidateSet, chosen: list[int], params: SolveParams, why: str
) -> Plan:
    """``plan`` with each "capacity" reason of an unserved order checked over every
    schedule; ``why`` says why a schedule that fits was not planned."""
    blocked = [
        k
        for k, row in enumerate(plan.orders)
        if row.status is PlanStatus.UNSERVED and row.reason.startswith("capacity:")
    ]
    if not blocked:
        return plan
    used = Ledger(cs.network)
    for cand in [cs.candidates[i] for i in chosen] + list(cs.frozen.values()):
        used.take(held(cs, cand))
    pricer = Pricer(cs, params.weights, cs.options, {}, used=used)
    rows = list(plan.orders)
    for k in blocked:
        found = pricer.fits(k)
        if found is None:
            continue
        when = datetime.fromtimestamp(found.ready, UTC).isoformat().replace("+00:00", "Z")
        rows[k] = dataclasses.replace(
            rows[k],
            reason=(
                f"not planned, though a schedule fits the capacity left (apheresis {when}, "
                f"{found.site}): {why}"
            ),
        )
    return dataclasses.replace(plan, orders=tuple(rows))
