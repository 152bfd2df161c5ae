"""Courier lanes: timetabled or on-demand services between two sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from logistics.model.constants import MODES, TEMPERATURES, Mode, Temperature
from logistics.model.disruptions import Window


@dataclass(frozen=True, slots=True, kw_only=True)
class Lane:
    """A service from one site to another.

    ``departures`` are local minutes after midnight at ``from_site`` (empty: on demand);
    ``days`` are the weekdays it runs (Monday = 0).
    """

    lane_id: str
    carrier: str
    mode: Mode
    from_site: str
    to_site: str
    duration_h: float
    duration_p90_h: float
    departures: tuple[int, ...] = ()
    days: frozenset[int] = frozenset(range(7))
    lead_time_h: float = 0.5
    temperatures: frozenset[Temperature] = frozenset(TEMPERATURES)
    capacity: int | None = None
    cost_eur: float = 0.0
    valid_from: date | None = None
    valid_to: date | None = None
    generated: bool = False
    windows: tuple[Window, ...] = ()  # scenario disruptions, by departure time
    # a generated leg between two road zones: the (lat, lon) course of the links it
    # drives along, between from_site and to_site (for maps)
    via: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")
        object.__setattr__(self, "mode", Mode(self.mode))
        if self.duration_h <= 0 or self.duration_p90_h < self.duration_h:
            raise ValueError(f"lane {self.lane_id}: need 0 < duration_h <= duration_p90_h")
        if self.lead_time_h < 0 or self.cost_eur < 0:
            raise ValueError(f"lane {self.lane_id}: negative lead time or cost")
        if not self.temperatures <= set(TEMPERATURES):
            raise ValueError(f"lane {self.lane_id}: unknown temperature class")
        object.__setattr__(self, "temperatures", frozenset(map(Temperature, self.temperatures)))

    @property
    def on_demand(self) -> bool:
        """True when the lane leaves whenever dispatched (no timetable)."""
        return not self.departures

    def runs_on(self, day: date) -> bool:
        """True when a departure on this local date exists (weekday and validity)."""
        if day.weekday() not in self.days:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to
