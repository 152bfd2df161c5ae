"""The bounds of every number and date an input may hold, in one place.

Each table maps a field to a :class:`Bound` (type, smallest and largest value); the
readers of CSV cells, TOML settings, scenario keys, solver.toml and the CLI's count
options check values here, so no input can make a run unbounded in time or memory.
docs/data-contract.md ("Bounds") states the same tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

__all__ = [
    "CLI",
    "CSV",
    "FIRST_DATE",
    "LAST_DATE",
    "NETWORK_TOML",
    "SCENARIO",
    "SCENARIO_FACTOR",
    "SOLVER",
    "THERAPY",
    "WEIGHTS",
    "Bound",
    "check_date",
    "check_moment",
    "date_range_text",
]

FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


def date_range_text() -> str:
    """The supported dates, as error messages name them."""
    return f"from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


def check_date(day: date, expected: str) -> date:
    """``day`` when it lies in the supported range; else ValueError(``expected`` + range)."""
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"{expected} {date_range_text()}")
    return day


def check_moment(moment: datetime, expected: str) -> datetime:
    """``moment`` when its own calendar date lies in the supported range."""
    check_date(moment.date(), expected)
    return moment


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 or not float(x).is_integer() else f"{int(x):_}"


@dataclass(frozen=True, slots=True)
class Bound:
    """A number of type ``kind`` (int: a whole number; float: any finite number, a
    whole one too) from ``low`` (excluded when ``low_open``) to ``high``; ``what``
    names it in messages (``a number of hours``)."""

    kind: type
    low: float
    high: float
    low_open: bool = False
    what: str = ""

    def _what(self) -> str:
        return self.what or ("a whole number" if self.kind is int else "a number")

    def low_text(self) -> str:
        """``a number of hours > 0``: the lower bound alone."""
        return f"{self._what()} {'>' if self.low_open else '>='} {_num(self.low)}"

    def expected(self) -> str:
        """``a number of hours > 0 and <= 720``: the whole range."""
        if self.low_open:
            return f"{self.low_text()} and <= {_num(self.high)}"
        return f"{self._what()} from {_num(self.low)} to {_num(self.high)}"

    def problem(self, value: Any) -> str | None:
        """None when ``value`` (a parsed TOML or Python value) is in bounds, else what
        was expected (the whole range)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.expected()
        if self.kind is int and not isinstance(value, int):
            return self.expected()
        if not math.isfinite(value):
            return self.expected()
        if self.below(value) or value > self.high:
            return self.expected()
        return None

    def below(self, value: float) -> bool:
        """True when the number ``value`` breaks the lower bound."""
        return value < self.low or (self.low_open and value == self.low)

    def check(self, value: Any) -> Any:
        """``value`` as an int or float; ValueError naming the range otherwise."""
        if (problem := self.problem(value)) is not None:
            raise ValueError(problem)
        return int(value) if self.kind is int else float(value)

    def parse(self, text: str) -> Any:
        """A CSV cell: the number it holds, checked."""
        try:
            value: int | float = int(text) if self.kind is int else float(text)
        except ValueError:
            raise ValueError(self.expected()) from None
        return self.check(value)


def _table(items: dict[str, Bound]) -> Mapping[str, Bound]:
    return MappingProxyType(items)


_H = "a number of hours"
_EUR = "a number of euros"
_HOURS = Bound(float, 0, 720, what=_H)  # 30 days: longer than any leg or delay
_POSITIVE_HOURS = Bound(float, 0, 720, low_open=True, what=_H)

# CSV columns of the bundle (file -> column -> bound).
CSV: Mapping[str, Mapping[str, Bound]] = MappingProxyType(
    {
        "sites.csv": _table(
            {
                "lat": Bound(float, -90, 90, what="a latitude in degrees"),
                "lon": Bound(float, -180, 180, what="a longitude in degrees"),
            }
        ),
        "lanes.csv": _table(
            {
                "duration_h": _POSITIVE_HOURS,
                "duration_p90_h": _POSITIVE_HOURS,
                "lead_time_h": Bound(float, 0, 168, what=_H),
                "capacity": Bound(int, 0, 10_000, what="a whole number of shippers"),
                "cost_eur": Bound(float, 0, 10_000_000, what=_EUR),
            }
        ),
        "customs.csv": _table(
            {
                "clearance_median_h": _HOURS,
                "clearance_p90_h": _HOURS,
                "import_release_h": _HOURS,
            }
        ),
        "capacity.csv": _table({"slots": Bound(int, 0, 1_000, what="a whole number of slots")}),
    }
)

# therapies.toml, per [therapy.<id>] key.
THERAPY: Mapping[str, Bound] = _table(
    {
        "inbound_max_h": _POSITIVE_HOURS,
        "outbound_max_h": Bound(float, 0, 2_160, low_open=True, what=_H),  # 90 days
        "manufacturing_days": Bound(int, 1, 90, what="a whole number of days"),
        "release_days": Bound(int, 0, 90, what="a whole number of days"),
        "infusion_prep_days": Bound(int, 0, 30, what="a whole number of days"),
        "lymphodepletion_before_delivery_h": Bound(float, 0, 720, what=_H),
        "dropout_per_day": Bound(float, 0, 0.5, what="a probability per day"),
        "hold_cv": Bound(float, 0, 5, what="a coefficient of variation"),
    }
)

# network.toml: [roads] numbers and [risk] probabilities.
NETWORK_TOML: Mapping[str, Bound] = _table(
    {
        "roads.max_km": Bound(float, 0, 5_000, what="a number of km"),
        "roads.border_max_km": Bound(float, 0, 5_000, what="a number of km"),
        "roads.feeder_max_km": Bound(float, 0, 5_000, what="a number of km"),
        "roads.circuity": Bound(float, 1, 5, what="a number of road km per geodesic km"),
        "roads.speed_kmh": Bound(float, 0, 200, low_open=True, what="a number of km/h"),
        "roads.handling_h": Bound(float, 0, 48, what=_H),
        "roads.p90_factor": Bound(float, 1, 10),
        "roads.lead_time_h": Bound(float, 0, 168, what=_H),
        "roads.cost_base_eur": Bound(float, 0, 1_000_000, what=_EUR),
        "roads.cost_per_km_eur": Bound(float, 0, 10_000, what=_EUR),
        "roads.max_driving_h": Bound(float, 0, 24, low_open=True, what=_H),
        "roads.second_driver_eur_per_h": Bound(float, 0, 10_000, what=_EUR),
        "roads.rest_h": Bound(float, 0, 48, what=_H),
        "risk.cancel_probability": Bound(float, 0, 0.99, what="a probability"),
    }
)

# Scenario keys; factors per disruption kind in SCENARIO_FACTOR.
SCENARIO: Mapping[str, Bound] = _table(
    {
        "add_h": _HOURS,
        "seed": Bound(int, 0, 2**32 - 1),
    }
)
_DELAY = Bound(float, 0, 10, low_open=True)
_CAPACITY = Bound(float, 0, 10)
SCENARIO_FACTOR: Mapping[str, Bound] = _table(
    {
        "lane_delay": _DELAY,
        "customs_delay": _DELAY,
        "site_capacity": _CAPACITY,
        "carrier_capacity": _CAPACITY,
        "demand": Bound(float, 0, 10, low_open=True),  # at most 9 copies of each order
    }
)

# solver.toml [solver] keys (None allowed where the field's default is None).
_SECONDS = Bound(float, 0, 86_400, low_open=True, what="a number of seconds")
SOLVER: Mapping[str, Bound] = _table(
    {
        "time_limit_s": _SECONDS,
        "deterministic_time_s": _SECONDS,
        "seed": Bound(int, 0, 2**31 - 1),
        "workers": Bound(int, 1, 64),
        "relative_gap": Bound(float, 0, 1),
        "quantile": Bound(float, 0, 0.999, low_open=True, what="a quantile"),
        "max_breach": Bound(float, 0, 1, what="a probability"),
        "risk_samples": Bound(int, 0, 10_000),
        "pricing_rounds": Bound(int, 0, 1_000),
        "pricing_time_s": Bound(float, 0, 86_400, what="a number of seconds"),
    }
)

# solver.toml [weights] and [weights.priority].
WEIGHTS: Mapping[str, Bound] = _table(
    {
        "weight": Bound(float, 0, 1e9, what="a weight"),
        "priority": Bound(float, 0, 1_000, what="a priority weight"),
    }
)

# Count-like command-line options.
CLI: Mapping[str, Bound] = _table(
    {
        "make-orders --n": Bound(int, 1, 100_000),
        "make-orders --days": Bound(int, 1, 366),
        "make-orders --seed": Bound(int, 0, 9_999),  # ids carry it: ORD-<seed>-<n>
        "--samples": Bound(int, 0, 100_000),
        "--alternatives": Bound(int, 0, 20),
        "--fallbacks": Bound(int, 0, 10),
        "--risk-samples": Bound(int, 0, 10_000),
        "--dask-local": Bound(int, 1, 64),
    }
)
