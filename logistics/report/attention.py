"""The patients who need a planner's attention, exceptions first.

Four kinds, in this order: unserved (with the reason), a high breach probability, a
long wait for a site to open on the way, and a shipment that takes a flight, ferry,
tunnel or train without a Plan B that fits its viability window (a shipment by road
only is a van all the way: another van is its Plan B, so it is not listed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from logistics.model.plan import PlannedOrder
from logistics.report.folder import PlanFolder

__all__ = [
    "HIGH_BREACH",
    "LONG_WAIT_H",
    "Attention",
    "attention",
    "unserved_causes",
]

HIGH_BREACH = 0.2  # a breach probability from this on needs a look
LONG_WAIT_H = 24.0  # a single wait for a site to open this long (a weekend, a holiday)

UNSERVED = "unserved"
BREACH = "high breach probability"
WAIT = "long wait"
NO_PLAN_B = "no Plan B within the window"
KINDS = (UNSERVED, BREACH, WAIT, NO_PLAN_B)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attention:
    """One reason to look at one order: its kind (one of :data:`KINDS`) and the detail
    in a planner's words."""

    order_id: str
    centre: str
    kind: str
    detail: str


def unserved_causes(orders: tuple[PlannedOrder, ...]) -> Counter[str]:
    """Unserved orders counted by the kind of constraint their reason names."""
    from logistics.solve.unserved import kind_of

    return Counter(str(kind_of(p.reason)) for p in orders if not p.served)


def _waits(p: PlannedOrder, names: dict[str, str]) -> list[str]:
    out = []
    for direction, it in (("inbound", p.inbound), ("outbound", p.outbound)):
        for leg in it.legs if it is not None else ():
            if leg.wait_open_h >= LONG_WAIT_H:
                where = names.get(leg.to_site, leg.to_site)
                out.append(f"{leg.wait_open_h:.1f} h at {where} ({direction}) until it opens")
    return out


def _missing_plan_b(p: PlannedOrder, folder: PlanFolder) -> list[str]:
    if folder.fallback_hours is None:
        return []
    therapy = folder.network.therapies.get(p.therapy)
    if therapy is None:
        return []
    out = []
    for direction, it, window in (
        ("inbound", p.inbound, therapy.inbound_max_h),
        ("outbound", p.outbound, therapy.outbound_max_h),
    ):
        if it is None or all(leg.mode == "road" for leg in it.legs):
            continue  # a van all the way: its Plan B is another van, not another route
        found = folder.fallback_hours.get((p.order_id, direction), ())
        if not any(h <= window for h in found):
            best = f"best {min(found):.1f} h" if found else "none found"
            out.append(f"{direction}: no Plan B within {window:g} h ({best})")
    return out


def attention(folder: PlanFolder) -> list[Attention]:
    """Every reason to look at an order of the plan, by kind (:data:`KINDS` order),
    then by order within a kind (highest breach probability first)."""
    net = folder.network
    names = {k: s.name for k, s in net.sites.items()}
    items: dict[str, list[Attention]] = {k: [] for k in KINDS}
    for p in folder.plan.orders:
        centre = names.get(p.treatment_centre, p.treatment_centre)

        def add(kind: str, detail: str, p: PlannedOrder = p, centre: str = centre) -> None:
            items[kind].append(
                Attention(order_id=p.order_id, centre=centre, kind=kind, detail=detail)
            )

        if not p.served:
            add(UNSERVED, p.reason or "no reason recorded")
            continue
        if p.p_breach is not None and p.p_breach >= HIGH_BREACH:
            add(BREACH, f"{p.p_breach:.0%} chance a viability window breaks")
        for text in _waits(p, names):
            add(WAIT, text)
        for text in _missing_plan_b(p, folder):
            add(NO_PLAN_B, text)
    breach = folder.plan.by_id()
    items[BREACH].sort(key=lambda a: -(breach[a.order_id].p_breach or 0.0))
    return [a for kind in KINDS for a in items[kind]]
