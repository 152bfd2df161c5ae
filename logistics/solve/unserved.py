"""Unserved orders, each with the kind of constraint that left it unserved.

The reasons are written where they arise (candidate building, the breach cap,
assembling the plan); :func:`kind_of` names the constraint each reason speaks of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from logistics.model.plan import Plan


class UnservedKind(StrEnum):
    """The constraint that leaves an order unserved."""

    CANCELLED = "cancelled"  # the order is cancelled
    NO_LICENSED_SITE = "no licensed site"  # the therapy is not marketed at the centre
    NO_APHERESIS_DAY = "no apheresis day"  # the centre collects on no day of the window
    NO_ITINERARY = "no itinerary"  # no lane of the right temperature links the sites
    WINDOW = "window"  # itineraries exist, none within the viability window / hold time
    BREACH_CAP = "breach cap"  # every option breaks a window more often than allowed
    MANUFACTURING_SLOTS = "manufacturing slots"  # capacity: batches full
    APHERESIS_SLOTS = "apheresis slots"  # capacity: collections full
    LANE_CAPACITY = "lane capacity"  # capacity: the lanes' departures full
    BOOKING = "booking"  # a booked order that can no longer be routed as booked
    TRADE_OFF = "trade-off"  # serving it would cost more than the unserved penalty
    OTHER = "other"  # no schedule, or a reason not written by the solver


@dataclass(frozen=True, slots=True, kw_only=True)
class UnservedOrder:
    """An order left unserved: its id, the ``kind`` of constraint, and the ``reason``
    in a planner's words."""

    order_id: str
    kind: UnservedKind
    reason: str


# First match wins; the patterns follow the reasons' templates.
_KINDS = (
    (r"^order cancelled", UnservedKind.CANCELLED),
    (r"^no licensed site", UnservedKind.NO_LICENSED_SITE),
    (r"^no apheresis day", UnservedKind.NO_APHERESIS_DAY),
    (r"^no \S+ itinerary (links|.*\(no itinerary\)$)", UnservedKind.NO_ITINERARY),
    (r"^no \S+ itinerary (reaches|returns)", UnservedKind.WINDOW),
    (r"^every option breaks a viability window", UnservedKind.BREACH_CAP),
    (r"^booked at ", UnservedKind.BOOKING),
    (r"^capacity: manufacturing slots", UnservedKind.MANUFACTURING_SLOTS),
    (r"^capacity: apheresis slots", UnservedKind.APHERESIS_SLOTS),
    (r"^capacity: lane ", UnservedKind.LANE_CAPACITY),
    (r"^not served: serving it would cost more", UnservedKind.TRADE_OFF),
)


def kind_of(reason: str) -> UnservedKind:
    """The kind of constraint ``reason`` names (for a capacity reason, the resource it
    names first: the one that blocks most options); OTHER when none matches."""
    for pattern, kind in _KINDS:
        if re.search(pattern, reason):
            return kind
    return UnservedKind.OTHER


def unserved_orders(plan: Plan | None) -> tuple[UnservedOrder, ...]:
    """The unserved orders of ``plan`` in book order (none without a plan)."""
    if plan is None:
        return ()
    return tuple(
        UnservedOrder(order_id=p.order_id, kind=kind_of(p.reason), reason=p.reason)
        for p in plan.unserved
    )
