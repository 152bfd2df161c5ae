"""Orders: one pseudonymous patient journey each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from logistics.model.constants import BOOKED_STATUSES, ORDER_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A request to collect, manufacture and deliver one patient's therapy.

    ``apheresis_earliest`` and ``apheresis_latest`` bound the instant the collected
    material is ready (aware UTC); a date in the input spans that whole local day.
    """

    order_id: str
    therapy: str
    treatment_centre: str
    apheresis_earliest: datetime
    apheresis_latest: datetime
    priority: int = 3
    status: str = "new"
    committed_site: str | None = None
    committed_apheresis: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in ORDER_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if not 1 <= self.priority <= 5:
            raise ValueError("priority must be 1..5")
        if self.apheresis_latest < self.apheresis_earliest:
            raise ValueError("apheresis_latest before apheresis_earliest")
        if self.booked and (self.committed_site is None or self.committed_apheresis is None):
            raise ValueError(f"order {self.order_id}: a booked order needs site and apheresis")

    @property
    def booked(self) -> bool:
        """True when site and apheresis are booked and must not be re-planned."""
        return self.status in BOOKED_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderBook:
    """The orders to plan, with the hash of the file they came from."""

    orders: tuple[Order, ...]
    source: str = ""
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self):
        return iter(self.orders)
