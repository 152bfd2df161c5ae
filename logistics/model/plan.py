"""A plan: for every order, its schedule and itineraries, or why it is unserved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from logistics.model.itinerary import Itinerary

PLAN_STATUSES = ("scheduled", "unserved", "frozen")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedOrder:
    """One row of the plan's orders.csv, with the legs of legs.csv attached.

    ``status`` is ``scheduled`` (planned tonight), ``frozen`` (booked earlier, kept as
    it is) or ``unserved`` (then only ids, ``reason`` and possibly nothing else).
    ``apheresis_time`` is the end of collection, when the viability clock starts;
    ``delivery_time`` the handover at the treatment centre. All times aware UTC.
    """

    order_id: str
    therapy: str
    treatment_centre: str
    status: str
    apheresis_time: datetime | None = None
    manufacturing_site: str | None = None
    manufacturing_start: datetime | None = None
    manufacturing_end: datetime | None = None
    release_time: datetime | None = None
    delivery_time: datetime | None = None
    cost_eur: float = 0.0
    p_breach: float | None = None
    reason: str = ""
    inbound: Itinerary | None = None
    outbound: Itinerary | None = None

    def __post_init__(self) -> None:
        if self.status not in PLAN_STATUSES:
            raise ValueError(f"unknown plan status {self.status!r}")
        if self.status != "unserved":
            times = (
                self.apheresis_time,
                self.manufacturing_start,
                self.manufacturing_end,
                self.release_time,
                self.delivery_time,
            )
            if any(t is None for t in times) or self.manufacturing_site is None:
                raise ValueError(f"order {self.order_id}: a served order needs its schedule")

    @property
    def served(self) -> bool:
        """True for scheduled and frozen orders."""
        return self.status != "unserved"

    @property
    def v2v_h(self) -> float | None:
        """Vein-to-vein hours: delivery minus apheresis."""
        if self.delivery_time is None or self.apheresis_time is None:
            return None
        return (self.delivery_time - self.apheresis_time).total_seconds() / 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Every order of a book, planned or unserved, in the book's order."""

    orders: tuple[PlannedOrder, ...]

    def by_id(self) -> dict[str, PlannedOrder]:
        """Planned orders indexed by order id."""
        return {p.order_id: p for p in self.orders}

    @property
    def served(self) -> tuple[PlannedOrder, ...]:
        """Scheduled and frozen orders."""
        return tuple(p for p in self.orders if p.served)

    @property
    def unserved(self) -> tuple[PlannedOrder, ...]:
        """Orders left unserved, each with its reason."""
        return tuple(p for p in self.orders if not p.served)
