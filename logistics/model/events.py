"""What actually happened to an order (events.csv), taken in by the nightly run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class EventKind(StrEnum):
    """An event of the vein-to-vein chain, in the order they normally happen."""

    COLLECTED = "collected"  # apheresis done: the material exists
    SHIPPED = "shipped"  # starting material left the centre
    RECEIVED = "received"  # starting material handed over at the plant
    MANUFACTURING_STARTED = "manufacturing_started"
    RELEASED = "released"  # QC / QP release of the product
    DISPATCHED = "dispatched"  # the product left the plant
    DELIVERED = "delivered"  # the product handed over at the centre
    INFUSED = "infused"
    CANCELLED = "cancelled"  # the patient will not be treated: capacity is freed
    OUT_OF_SPECIFICATION = "out_of_specification"  # the batch failed: re-plan


EVENT_KINDS = tuple(EventKind)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One row of events.csv: ``time`` aware UTC; ``site_id``, ``lane_id`` and
    ``note`` optional."""

    order_id: str
    event: EventKind
    time: datetime
    site_id: str | None = None
    lane_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "event", EventKind(self.event))
        if self.time.utcoffset() is None:
            raise ValueError(f"event {self.event} of {self.order_id}: an aware time is needed")
        object.__setattr__(self, "time", self.time.astimezone(UTC))
