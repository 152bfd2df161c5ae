"""Commitments: what last night's plan booked for an order, kept to the leg tonight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class BookedLeg:
    """One booked leg: the lane and its departure (aware UTC)."""

    lane_id: str
    depart: datetime

    def __post_init__(self) -> None:
        if self.depart.utcoffset() is None:
            raise ValueError(f"booked leg {self.lane_id}: an aware departure is needed")
        object.__setattr__(self, "depart", self.depart.astimezone(UTC))


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """An order's booking: site, apheresis, manufacturing start (and release when it
    is known), and the exact legs of each direction. The solver keeps them when they
    are still feasible under tonight's network; empty legs mean "not booked yet"
    (then the earliest itineraries from the booking are used)."""

    order_id: str
    site: str
    apheresis: datetime
    manufacturing_start: datetime | None = None
    release: datetime | None = None
    inbound: tuple[BookedLeg, ...] = ()
    outbound: tuple[BookedLeg, ...] = ()

    @property
    def has_legs(self) -> bool:
        """True when both directions' legs are booked."""
        return bool(self.inbound) and bool(self.outbound)
