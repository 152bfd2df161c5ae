"""The impact of a scenario: tonight's plan kept as it is, under the disruption.

Orders a scenario adds (a demand surge) are not in tonight's plan and count as
unserved; orders it removes are left out; served orders whose batch, collection or
shipper no longer fits a capacity the scenario cuts are displaced, unserved too. The
rest is simulated on the disrupted network.
"""

from __future__ import annotations

import time
from dataclasses import replace

from logistics.model.disruptions import NO_EFFECT, effect_at
from logistics.model.ledger import Ledger, describe, held_by_order
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlannedOrder, PlanStatus
from logistics.model.scenario import Scenario
from logistics.scenarios.outcomes import Impact
from logistics.scenarios.transforms import apply

__all__ = [
    "ADDED_REASON",
    "NO_PLAN_REASON",
    "displaced",
    "exposed_shipments",
    "impact_task",
    "keep_plan",
]

ADDED_REASON = "not in tonight's plan: added by the scenario"
NO_PLAN_REASON = "no plan tonight (the baseline solve found none)"


def keep_plan(plan: Plan | None, book: OrderBook) -> tuple[Plan, tuple[str, ...], tuple[str, ...]]:
    """Tonight's ``plan`` over ``book``: its rows for the orders of the book (in the
    book's order), an unserved row for each order it does not have; with the ids added
    and the ids of the plan left out. Without a plan every order is unserved."""
    by_id = plan.by_id() if plan is not None else {}
    rows: list[PlannedOrder] = []
    added: list[str] = []
    for o in book.orders:
        p = by_id.get(o.order_id)
        if p is None:
            if plan is not None:
                added.append(o.order_id)
            p = PlannedOrder(
                order_id=o.order_id,
                therapy=o.therapy,
                treatment_centre=o.treatment_centre,
                status=PlanStatus.UNSERVED,
                reason=ADDED_REASON if plan is not None else NO_PLAN_REASON,
            )
        rows.append(p)
    ids = {o.order_id for o in book.orders}
    removed = tuple(p.order_id for p in plan.orders if p.order_id not in ids) if plan else ()
    return Plan(orders=tuple(rows)), tuple(added), removed


def displaced(plan: Plan, network: Network) -> dict[str, str]:
    """Served orders of ``plan`` that do not fit a capacity of ``network``, each with
    the first full capacity in words (see :mod:`logistics.model.ledger`).

    First fit, frozen orders first, then in plan order (as the checker counts): an order
    that does not fit takes no capacity, so it never pushes out another.
    """
    ledger = Ledger(network)
    out: dict[str, str] = {}
    for p in sorted(plan.served, key=lambda p: p.status != "frozen"):
        keys = held_by_order(p, network)
        full = ledger.full(keys)
        if full is not None:
            out[p.order_id] = describe(full)
        else:
            ledger.take(keys)
    return out


def exposed_shipments(plan: Plan, network: Network) -> int:
    """Legs of ``plan``'s served orders that a disruption window of ``network`` covers:
    the leg's lane, or the customs rule it clears under (same ends, its mode or all
    modes), has a window over the leg's departure. Zero explains a scenario that changes
    nothing: no planned shipment meets the disruption."""
    n = 0
    for p in plan.served:
        for it in (p.inbound, p.outbound):
            for leg in it.legs if it is not None else ():
                lane = network.lane_by_id.get(leg.lane_id)
                hit = lane is not None and effect_at(lane.windows, leg.depart) != NO_EFFECT
                if not hit and leg.customs_from:
                    hit = any(
                        (r.from_territory, r.to_territory) == (leg.customs_from, leg.customs_to)
                        and r.mode in (None, leg.mode)
                        and effect_at(r.windows, leg.depart) != NO_EFFECT
                        for r in network.customs
                    )
                n += hit
    return n


def impact_task(
    scenario: Scenario,
    network: Network,
    book: OrderBook,
    plan: Plan | None,
    samples: int,
    seed: int,
) -> Impact:
    """Apply ``scenario`` to ``network`` and ``book`` and simulate tonight's ``plan``
    kept as it is (``samples`` draws, ``seed``); returns the :class:`Impact`."""
    from logistics.risk import simulate

    t0 = time.perf_counter()
    net, disrupted = apply(scenario, network, book)
    kept, added, removed = keep_plan(plan, disrupted)
    # displaced by the scenario: fits tonight's capacities, not the scenario's (frozen
    # orders booked over capacity before tonight are the solver's report, not this one's)
    before = displaced(kept, network)
    lost = {k: v for k, v in displaced(kept, net).items() if k not in before}
    if lost:
        kept = Plan(
            orders=tuple(
                replace(
                    p,
                    status=PlanStatus.UNSERVED,
                    p_breach=None,
                    reason=f"tonight's plan no longer fits: {lost[p.order_id]} cut",
                )
                if p.order_id in lost
                else p
                for p in kept.orders
            )
        )
    risk = None
    if plan is not None:
        risk = simulate(kept, net, disrupted, samples=samples, seed=seed)
        kept = risk.apply(kept)
    return Impact(
        plan=kept,
        risk=risk,
        added=added,
        removed=removed,
        displaced=tuple(lost),
        exposed=exposed_shipments(kept, net),
        wall_s=time.perf_counter() - t0,
    )
