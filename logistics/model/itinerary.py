"""Itineraries: the legs a shipment takes, with customs and waits, in UTC."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Leg:
    """One leg as in the contract's legs.csv.

    ``depart`` leaves ``from_site``; ``arrive`` is the handover at ``to_site``, after
    customs clearance and any wait for the site to open. ``customs_h`` is the part of
    the leg spent in clearance (waiting for the office, clearing, import release).
    """

    lane_id: str
    carrier: str
    mode: str
    from_site: str
    to_site: str
    depart: datetime
    arrive: datetime
    temperature: str
    customs_from: str | None = None
    customs_to: str | None = None
    customs_h: float = 0.0
    cost_eur: float = 0.0
    wait_open_h: float = 0.0  # waiting at to_site for it to open (inside ``arrive``)

    def __post_init__(self) -> None:
        if self.arrive < self.depart:
            raise ValueError(f"leg {self.lane_id} arrives before it departs")


@dataclass(frozen=True, slots=True, kw_only=True)
class Itinerary:
    """A chain of legs from an origin, ready at ``ready``, to a destination."""

    origin: str
    destination: str
    ready: datetime
    temperature: str
    legs: tuple[Leg, ...]

    @property
    def arrival(self) -> datetime:
        """Handover at the destination (the ready time for an empty itinerary)."""
        return self.legs[-1].arrive if self.legs else self.ready

    @property
    def hours(self) -> float:
        """Hours from ready to handover at the destination."""
        return (self.arrival - self.ready).total_seconds() / 3600

    @property
    def cost_eur(self) -> float:
        """Sum of the legs' costs."""
        return sum(leg.cost_eur for leg in self.legs)

    @property
    def customs_h(self) -> float:
        """Hours spent in customs clearance."""
        return sum(leg.customs_h for leg in self.legs)

    @property
    def via(self) -> tuple[str, ...]:
        """The intermediate sites, in travel order."""
        return tuple(leg.to_site for leg in self.legs[:-1])

    def signature(self, gates: Collection[str] = ()) -> tuple[str, ...]:
        """What makes two itineraries different routes for a planner: the listed
        lanes taken (flights, ferries, tunnels, scheduled trunks: carrier and
        service) and the ``gates`` (border crossings) where it crosses a customs
        border. Generated road legs, hubs and airports merely driven through are
        interchangeable, so a road detour does not make a fallback."""
        parts = [leg.lane_id for leg in self.legs if not leg.lane_id.startswith("road:")]
        passed = [
            leg.to_site
            for leg, after in zip(self.legs, self.legs[1:], strict=False)
            if leg.to_site in gates and (leg.customs_from or after.customs_from)
        ]
        return (*parts, "|", *passed)
