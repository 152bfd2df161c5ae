"""Customs territories and the clearance rules between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from logistics.model.calendar import OpeningHours
from logistics.model.constants import Material
from logistics.model.disruptions import Window


@dataclass(frozen=True, slots=True, kw_only=True)
class TerritoryMap:
    """(country, subdivision) -> customs territory; a country alone is the fallback."""

    by_subdivision: Mapping[tuple[str, str], str]
    by_country: Mapping[str, str]

    def territory(self, country: str, subdivision: str | None = None) -> str:
        """The customs territory of a place; an unlisted country is its own."""
        if subdivision and (country, subdivision) in self.by_subdivision:
            return self.by_subdivision[(country, subdivision)]
        return self.by_country.get(country, country)

    @property
    def territories(self) -> frozenset[str]:
        """Every territory named in the map."""
        return frozenset(self.by_country.values()) | frozenset(self.by_subdivision.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsRule:
    """Clearance for goods moving from one territory to another, optionally only by
    one mode or for one material. ``from_territory`` and ``to_territory`` name a
    customs territory or, for a finer rule, an ISO 3166-2 subdivision (``GB-NIR``).
    ``import_release_h`` is the importation testing / QP release of the material the
    rule applies to."""

    from_territory: str
    to_territory: str
    mode: str | None
    material: Material | None = None
    clearance_median_h: float
    clearance_p90_h: float
    office_hours: OpeningHours
    import_release_h: float = 0.0
    windows: tuple[Window, ...] = ()  # scenario disruptions, by departure of the leg

    def __post_init__(self) -> None:
        if self.material is not None:
            object.__setattr__(self, "material", Material(self.material))
        if self.from_territory == self.to_territory:
            raise ValueError("a customs rule joins two different territories")
        if not 0 <= self.clearance_median_h <= self.clearance_p90_h:
            raise ValueError("need 0 <= clearance_median_h <= clearance_p90_h")
        if self.import_release_h < 0:
            raise ValueError("import_release_h must be >= 0")
