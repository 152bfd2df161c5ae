"""Sites: treatment centres, manufacturing sites, airports, hubs and crossings."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.model.calendar import SiteCalendar
from logistics.model.constants import SITE_KINDS, SiteKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A node of the network with its receiving calendar and customs territory."""

    site_id: str
    name: str
    kind: SiteKind
    country: str
    subdivision: str | None
    lat: float
    lon: float
    timezone: str
    calendar: SiteCalendar
    territory: str
    markets: frozenset[str] = frozenset()  # licensing markets (default: the territory)
    iata: str | None = None
    apheresis_ready_min: int = 13 * 60  # local minutes after midnight

    def __post_init__(self) -> None:
        if self.kind not in SITE_KINDS:
            raise ValueError(f"unknown site kind {self.kind!r}")
        object.__setattr__(self, "kind", SiteKind(self.kind))
        if not self.markets:
            object.__setattr__(self, "markets", frozenset({self.territory}))
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"coordinates out of range for {self.site_id}")
