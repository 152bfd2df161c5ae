"""Customs territories and the clearance rules between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from logistics.model.calendar import OpeningHours
from logistics.model.constants import Material
from logistics.model.disruptions import Window


@dataclass(frozen=True, slots=True, kw_only=True)
class TerritoryMap:
    """(country, subdivision) -> customs territory and licensing markets; a country
    alone is the fallback. A place's markets (where a therapy's ``markets`` may name
    it) default to its territory alone."""

    by_subdivision: Mapping[tuple[str, str], str]
    by_country: Mapping[str, str]
    markets_by_subdivision: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    markets_by_country: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def markets(self, country: str, subdivision: str | None = None) -> frozenset[str]:
        """The licensing markets a place belongs to."""
        if subdivision and (country, subdivision) in self.by_subdivision:
            found = self.markets_by_subdivision.get((country, subdivision))
        else:
            found = self.markets_by_country.get(country)
        return found if found else frozenset({self.territory(country, subdivision)})

    def territory(self, country: str, subdivision: str | None = None) -> str:
        """The customs territory of a place; an unlisted country is its own."""
        if subdivision and (country, subdivision) in self.by_subdivision:
            return self.by_subdivision[(country, subdivision)]
        return self.by_country.get(country, country)

    @property
    def territories(self) -> frozenset[str]:
        """Every territory named in the map."""
        return frozenset(self.by_country.values()) | frozenset(self.by_subdivision.values())

    @property
    def market_names(self) -> frozenset[str]:
        """Every market a place of the map belongs to (territories included)."""
        named = [*self.markets_by_country.values(), *self.markets_by_subdivision.values()]
        return self.territories.union(*named)


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
