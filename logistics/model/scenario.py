"""Scenarios: named sets of disruptions of the network and the order book.

A :class:`Scenario` is read from a TOML file by :func:`logistics.io.scenarios.
read_scenario` and applied by :func:`logistics.scenarios.transforms.apply`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from logistics.model.constants import RESOURCES

__all__ = [
    "AIR_MODES",
    "BASELINE",
    "LANE_FILTERS",
    "ZERO_FACTOR_KINDS",
    "Disruption",
    "DisruptionKind",
    "Scenario",
]


class DisruptionKind(StrEnum):
    """What a ``[[disruption]]`` does (see the data contract's scenario section)."""

    CLOSE_LANES = "close_lanes"
    LANE_DELAY = "lane_delay"
    CUSTOMS_DELAY = "customs_delay"
    SITE_CAPACITY = "site_capacity"
    DEMAND = "demand"
    AIRSPACE_CLOSURE = "airspace_closure"
    CARRIER_CAPACITY = "carrier_capacity"


# The lane filters of close_lanes, lane_delay and carrier_capacity: all given must match.
LANE_FILTERS = (
    "modes",
    "carriers",
    "lanes",
    "from_territory",
    "to_territory",
    "from_sites",
    "to_sites",
    "countries",
    "touching_sites",
    "road_zones",
)
# Modes an airspace closure stops.
AIR_MODES = ("air", "onboard_courier")
# Kinds whose factor may be 0 (an outage, no capacity); the others need factor > 0.
ZERO_FACTOR_KINDS = (DisruptionKind.SITE_CAPACITY, DisruptionKind.CARRIER_CAPACITY)
# The name of the undisrupted run of a sweep.
BASELINE = "baseline"


@dataclass(frozen=True, slots=True, kw_only=True)
class Disruption:
    """One ``[[disruption]]`` table.

    ``kind`` is a :class:`DisruptionKind` (its text is accepted and converted).
    Filters left as ``None`` match everything. ``start``/``end`` (aware UTC) override
    the scenario's window for this disruption only. ``lines`` maps each key to its line
    in the file (for error reports; not part of equality). Raises ValueError for an
    unknown kind or a value out of range.
    """

    kind: DisruptionKind
    start: datetime | None = None
    end: datetime | None = None
    description: str = ""
    modes: tuple[str, ...] | None = None
    carriers: tuple[str, ...] | None = None
    lanes: tuple[str, ...] | None = None
    from_territory: str | None = None
    to_territory: str | None = None
    from_sites: tuple[str, ...] | None = None
    to_sites: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    touching_sites: tuple[str, ...] | None = None  # from or to site among them
    road_zones: tuple[str, ...] | None = None  # generated legs between these road zones
    sites: tuple[str, ...] = ()
    resource: str | None = None
    factor: float = 1.0
    add_h: float = 0.0
    seed: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", DisruptionKind(self.kind))
        except ValueError:
            raise ValueError(f"unknown disruption kind {self.kind!r}") from None
        for t in (self.start, self.end):
            if t is not None and t.tzinfo is None:
                raise ValueError("disruption times must be timezone-aware")
        if not math.isfinite(self.factor) or self.factor < 0:
            raise ValueError("factor must be a finite number >= 0")
        if self.factor == 0 and self.kind not in ZERO_FACTOR_KINDS:
            raise ValueError(f"{self.kind}: factor must be > 0")
        if not math.isfinite(self.add_h) or self.add_h < 0:
            raise ValueError("add_h must be a finite number >= 0")
        if self.kind == DisruptionKind.SITE_CAPACITY and self.resource not in RESOURCES:
            raise ValueError(f"site_capacity: resource must be one of {', '.join(RESOURCES)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A named set of disruptions applying to departures in ``[start, end)``.

    ``start``/``end`` are aware UTC; ``None`` leaves that side open (neither: always).
    ``path`` and ``sha256`` say which file it came from (``None``/empty when built in
    code); ``lines`` maps its top-level keys to their lines. Raises ValueError for
    naive times or an empty window.
    """

    name: str
    description: str = ""
    start: datetime | None = None
    end: datetime | None = None
    disruptions: tuple[Disruption, ...] = ()
    path: Path | None = None
    sha256: str = field(default="", compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for t in (self.start, self.end):
            if t is not None and t.tzinfo is None:
                raise ValueError("scenario times must be timezone-aware")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("a scenario ends after it starts")

    @classmethod
    def baseline(cls) -> Scenario:
        """The scenario without disruptions: the inputs as they are."""
        return cls(name=BASELINE, description="The network and order book as they are")

    @property
    def file(self) -> str:
        """The file name used in error reports."""
        return self.path.name if self.path is not None else f"<scenario {self.name}>"

    def bounds(self, disruption: Disruption) -> tuple[datetime | None, datetime | None]:
        """The window of ``disruption``: its own start/end, else the scenario's."""
        start = disruption.start if disruption.start is not None else self.start
        end = disruption.end if disruption.end is not None else self.end
        return start, end
