"""The network bundle as one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from logistics.model.capacity import Capacity
from logistics.model.constants import Material
from logistics.model.customs import CustomsRule, TerritoryMap
from logistics.model.lanes import Lane
from logistics.model.sites import Site
from logistics.model.therapies import Therapy


@dataclass(frozen=True, slots=True, kw_only=True)
class RoadLink:
    """A fixed link (bridge, tunnel, land corridor) that joins two road zones.

    ``via`` is the link's course as (lat, lon) points, from the ``zones[0]`` side to
    the ``zones[1]`` side; a generated leg between the two zones drives to the first
    point, along the link and on from the last point, in one leg.
    """

    name: str
    zones: tuple[str, str]
    via: tuple[tuple[float, float], ...]


OVER_LIMIT = ("two_drivers", "rest")


@dataclass(frozen=True, slots=True, kw_only=True)
class RoadSettings:
    """How road legs are generated from coordinates (the bundle's network.toml)."""

    generate: bool = False
    carrier: str = "Road courier"
    max_km: float = 900.0
    border_max_km: float = 80.0
    feeder_max_km: float | None = None  # longest leg to or from an airport (None: max_km)
    circuity: float = 1.3
    speed_kmh: float = 70.0
    handling_h: float = 0.5
    p90_factor: float = 1.25
    lead_time_h: float = 1.0
    cost_base_eur: float = 150.0
    cost_per_km_eur: float = 1.6
    temperatures: frozenset[str] = frozenset({"CRT", "2-8C", "-80C", "LN2"})
    zones: Mapping[str, str] = field(default_factory=dict)  # "CC" or "CC-SUB" -> zone
    site_zones: Mapping[str, str] = field(default_factory=dict)  # site id -> zone
    links: tuple[RoadLink, ...] = ()
    # daily driving limit of one driver (None: no limit); a longer leg takes a second
    # driver (``two_drivers``: cost) or a daily rest (``rest``: time)
    max_driving_h: float | None = None
    over_limit: str = "two_drivers"
    second_driver_eur_per_h: float = 0.0
    rest_h: float = 11.0

    def zone(self, country: str, subdivision: str | None) -> str:
        """The road zone of a place; an unlisted country is a zone of its own."""
        if subdivision and subdivision in self.zones:
            return self.zones[subdivision]
        return self.zones.get(country, f"country:{country}")

    def site_zone(self, site_id: str, country: str, subdivision: str | None) -> str:
        """The road zone of a site: its own entry in ``site_zones`` (an island site,
        say), else the zone of its country or subdivision."""
        return self.site_zones.get(site_id) or self.zone(country, subdivision)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskSettings:
    """Uncertainty settings of a bundle (network.toml ``[risk]``)."""

    cancel_probability: Mapping[str, float] = field(default_factory=dict)  # by mode

    def cancel(self, mode: str) -> float:
        """Probability that one timetabled departure of this mode is cancelled."""
        return self.cancel_probability.get(mode, 0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """Sites, lanes (listed and generated), customs, therapies and capacity."""

    sites: Mapping[str, Site]
    lanes: tuple[Lane, ...]
    territories: TerritoryMap
    customs: tuple[CustomsRule, ...]
    therapies: Mapping[str, Therapy]
    capacity: Capacity
    roads: RoadSettings = field(default_factory=RoadSettings)
    risk: RiskSettings = field(default_factory=RiskSettings)
    source: str = ""
    input_hashes: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    _lane_index: Mapping[str, Lane] = field(init=False, repr=False, compare=False)
    _subdivision_rules: bool = field(init=False, repr=False, compare=False)
    # customs_rule's answers by (from territory, subdivision, to territory,
    # subdivision, mode, material): every lane between two places asks the same
    _rules: dict[tuple, CustomsRule | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lane_index", {lane.lane_id: lane for lane in self.lanes})
        object.__setattr__(self, "_rules", {})
        territories = {s.territory for s in self.sites.values()}
        object.__setattr__(
            self,
            "_subdivision_rules",
            any(
                name not in territories
                for rule in self.customs
                for name in (rule.from_territory, rule.to_territory)
            ),
        )

    def customs_rule(
        self, from_site: str, to_site: str, mode: str, material: Material
    ) -> CustomsRule | None:
        """The clearance rule for a leg carrying ``material``, or None when it crosses
        no customs border.

        A rule matches when each end is its territory or its subdivision, its mode is
        the leg's or empty and its material the shipment's or empty. The most specific
        match wins: subdivisions over territories, then a mode over all modes, then a
        material over both. Between two places of one territory only a rule naming a
        subdivision of one end applies (goods leaving Northern Ireland for the rest
        of the EU, say), and none within one subdivision.
        """
        a, b = self.sites[from_site], self.sites[to_site]
        key = (a.territory, a.subdivision, b.territory, b.subdivision, mode, material)
        if key not in self._rules:
            self._rules[key] = self._customs_rule(a, b, mode, material)
        return self._rules[key]

    def _customs_rule(self, a: Site, b: Site, mode: str, material: Material) -> CustomsRule | None:
        inside = a.territory == b.territory
        if inside and (not self._subdivision_rules or a.subdivision == b.subdivision):
            return None
        best, score = None, (-1, False, False)
        for rule in self.customs:
            ends = _end_match(rule.from_territory, a) * _end_match(rule.to_territory, b)
            if not ends or (inside and ends < 2):
                continue
            if rule.mode not in (None, mode) or rule.material not in (None, material):
                continue
            mine = (ends, rule.mode is not None, rule.material is not None)
            if mine > score:
                best, score = rule, mine
        return best

    @property
    def lane_by_id(self) -> Mapping[str, Lane]:
        """Lanes indexed by id (built once per network)."""
        return self._lane_index


def _end_match(name: str, site: Site) -> int:
    """2 when a rule's end names the site's subdivision, 1 its territory, else 0."""
    if site.subdivision and name == site.subdivision:
        return 2
    return 1 if name == site.territory else 0
