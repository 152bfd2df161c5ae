"""A plan: for every order, its schedule and itineraries, or why it is unserved."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from logistics.model.itinerary import Itinerary

if TYPE_CHECKING:  # pandas only at the boundary, imported when a frame is asked for
    import pandas as pd


class PlanStatus(StrEnum):
    """What tonight's plan does with an order (orders.csv ``status`` of a plan)."""

    SCHEDULED = "scheduled"  # planned tonight
    UNSERVED = "unserved"  # not served; ``reason`` says why
    FROZEN = "frozen"  # booked earlier, kept as it is


PLAN_STATUSES = tuple(PlanStatus)

# The columns of a plan's orders.csv (the data contract), in order.
ORDER_COLUMNS = (
    "order_id",
    "therapy",
    "treatment_centre",
    "status",
    "apheresis_time",
    "manufacturing_site",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
    "lymphodepletion_start",
    "infusion_time",
    "v2v_h",
    "apheresis_to_delivery_h",
    "cost_eur",
    "p_breach",
    "reason",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedOrder:
    """One row of the plan's orders.csv, with the legs of legs.csv attached.

    ``status`` is ``scheduled`` (planned tonight), ``frozen`` (booked earlier, kept as
    it is) or ``unserved`` (then only ids, ``reason`` and possibly nothing else).
    ``apheresis_time`` is the end of collection, when the viability clock starts;
    ``delivery_time`` the handover at the treatment centre, ``lymphodepletion_start``
    and ``infusion_time`` when the patient is treated there. All times aware UTC.
    """

    order_id: str
    therapy: str
    treatment_centre: str
    status: PlanStatus
    apheresis_time: datetime | None = None
    manufacturing_site: str | None = None
    manufacturing_start: datetime | None = None
    manufacturing_end: datetime | None = None
    release_time: datetime | None = None
    delivery_time: datetime | None = None
    lymphodepletion_start: datetime | None = None
    infusion_time: datetime | None = None
    cost_eur: float = 0.0
    p_breach: float | None = None
    reason: str = ""
    inbound: Itinerary | None = None
    outbound: Itinerary | None = None

    def __post_init__(self) -> None:
        if self.status not in PLAN_STATUSES:
            raise ValueError(f"unknown plan status {self.status!r}")
        object.__setattr__(self, "status", PlanStatus(self.status))
        if self.status != PlanStatus.UNSERVED:
            times = (
                self.apheresis_time,
                self.manufacturing_start,
                self.manufacturing_end,
                self.release_time,
                self.delivery_time,
                self.lymphodepletion_start,
                self.infusion_time,
            )
            if any(t is None for t in times) or self.manufacturing_site is None:
                raise ValueError(f"order {self.order_id}: a served order needs its schedule")

    @property
    def served(self) -> bool:
        """True for scheduled and frozen orders."""
        return self.status != "unserved"

    @property
    def v2v_h(self) -> float | None:
        """Vein-to-vein hours as published: infusion minus apheresis."""
        if self.infusion_time is None or self.apheresis_time is None:
            return None
        return (self.infusion_time - self.apheresis_time).total_seconds() / 3600

    @property
    def apheresis_to_delivery_h(self) -> float | None:
        """Hours from apheresis to the product's delivery at the centre."""
        if self.delivery_time is None or self.apheresis_time is None:
            return None
        return (self.delivery_time - self.apheresis_time).total_seconds() / 3600

    def record(self) -> dict[str, Any]:
        """The order's row of orders.csv as typed values, keyed by ``ORDER_COLUMNS``
        (times aware UTC datetimes, None for what an unserved order lacks)."""
        return {
            "order_id": self.order_id,
            "therapy": self.therapy,
            "treatment_centre": self.treatment_centre,
            "status": self.status,
            "apheresis_time": self.apheresis_time,
            "manufacturing_site": self.manufacturing_site,
            "manufacturing_start": self.manufacturing_start,
            "manufacturing_end": self.manufacturing_end,
            "release_time": self.release_time,
            "delivery_time": self.delivery_time,
            "lymphodepletion_start": self.lymphodepletion_start,
            "infusion_time": self.infusion_time,
            "v2v_h": self.v2v_h,
            "apheresis_to_delivery_h": self.apheresis_to_delivery_h,
            "cost_eur": self.cost_eur,
            "p_breach": self.p_breach,
            "reason": self.reason,
        }


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

    def to_frame(self) -> pd.DataFrame:
        """One row per order with the columns of orders.csv (``ORDER_COLUMNS``), times
        as UTC timestamps."""
        import pandas as pd

        return pd.DataFrame([p.record() for p in self.orders], columns=list(ORDER_COLUMNS))

    def kpis(self) -> PlanKpis:
        """Counts and vein-to-vein, cost and risk figures of the plan."""
        return PlanKpis.of(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanKpis:
    """Counts and figures of a plan, over its served orders: vein-to-vein hours
    (apheresis to infusion: median, p90, mean; None when nothing is served), the
    median hours from apheresis to delivery, transport cost (EUR) and the expected
    number of breaches (sum of ``p_breach``; None before a Monte Carlo)."""

    orders: int
    served: int
    scheduled: int
    frozen: int
    unserved: int
    v2v_median_h: float | None
    v2v_p90_h: float | None
    v2v_mean_h: float | None
    to_delivery_median_h: float | None
    cost_eur: float
    expected_breaches: float | None

    @classmethod
    def of(cls, plan: Plan) -> PlanKpis:
        """The KPIs of ``plan`` (figures rounded as summary.json records them)."""
        served = plan.served
        v2v = sorted(p.v2v_h for p in served if p.v2v_h is not None)
        to_delivery = [p.apheresis_to_delivery_h for p in served]
        delivered = [h for h in to_delivery if h is not None]
        breach = [p.p_breach for p in served if p.p_breach is not None]
        return cls(
            orders=len(plan.orders),
            served=len(served),
            scheduled=sum(p.status == "scheduled" for p in served),
            frozen=sum(p.status == "frozen" for p in served),
            unserved=len(plan.orders) - len(served),
            v2v_median_h=round(statistics.median(v2v), 3) if v2v else None,
            v2v_p90_h=round(_p90(v2v), 3) if v2v else None,
            v2v_mean_h=round(statistics.fmean(v2v), 3) if v2v else None,
            to_delivery_median_h=round(statistics.median(delivered), 3) if delivered else None,
            cost_eur=round(sum(p.cost_eur for p in served), 2),
            expected_breaches=round(sum(breach), 4) if breach else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``kpis`` object of summary.json."""
        return asdict(self)


def _p90(sorted_values: list[float]) -> float:
    """90th percentile by linear interpolation."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=10, method="inclusive")[-1]
