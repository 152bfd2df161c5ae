"""Therapies: viability windows, manufacturing and release durations, licences."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.model.constants import TEMPERATURES, Temperature


@dataclass(frozen=True, slots=True, kw_only=True)
class Therapy:
    """One product: how its material travels, how long it is made, where it may go."""

    therapy_id: str
    description: str
    inbound_temperature: Temperature
    inbound_max_h: float
    manufacturing_days: int
    release_days: int
    outbound_temperature: Temperature
    outbound_max_h: float
    infusion_prep_days: int
    sites: tuple[str, ...]
    markets: tuple[str, ...]
    dropout_per_day: float = 0.005  # hazard of a patient dropping out while waiting
    hold_cv: float = 0.1  # coefficient of variation of the dry-shipper hold time
    # how long before delivery lymphodepletion may start (0: once the product is on site)
    lymphodepletion_before_delivery_h: float = 0.0
    # ISO 3166-1 countries whose centres it may supply, inside ``markets``; empty means
    # every country of the markets (a national licence, e.g. a hospital exemption)
    countries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for t in (self.inbound_temperature, self.outbound_temperature):
            if t not in TEMPERATURES:
                raise ValueError(f"unknown temperature class {t!r}")
        object.__setattr__(self, "inbound_temperature", Temperature(self.inbound_temperature))
        object.__setattr__(self, "outbound_temperature", Temperature(self.outbound_temperature))
        if self.inbound_max_h <= 0 or self.outbound_max_h <= 0:
            raise ValueError("viability windows must be positive")
        if self.manufacturing_days < 1 or self.release_days < 0 or self.infusion_prep_days < 0:
            raise ValueError("durations in days out of range")
        if not 0 <= self.lymphodepletion_before_delivery_h <= 24 * self.infusion_prep_days:
            raise ValueError("need 0 <= lymphodepletion_before_delivery_h <= prep days")
        if not 0 <= self.dropout_per_day < 1 or self.hold_cv < 0:
            raise ValueError("need 0 <= dropout_per_day < 1 and hold_cv >= 0")
        if not self.sites or not self.markets:
            raise ValueError("a therapy needs licensed sites and markets")
        object.__setattr__(self, "countries", tuple(self.countries))

    def allows_country(self, country: str) -> bool:
        """Whether centres in ``country`` may be supplied (``countries`` empty: every
        country of the markets). The markets are checked separately."""
        return not self.countries or country in self.countries
