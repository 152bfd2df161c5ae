"""Time windows in which a lane or a customs rule behaves differently (scenarios)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """A disruption applying to departures in [start, end) (aware datetimes).

    On a lane: ``closed`` departures do not run; durations (median and p90) become
    ``duration x factor + add_h``; capacity per departure is scaled by
    ``capacity_factor`` (rounded down). On a customs rule: clearance times become
    ``clearance x factor + add_h`` for legs departing in the window.
    """

    start: datetime
    end: datetime
    closed: bool = False
    factor: float = 1.0
    add_h: float = 0.0
    capacity_factor: float = 1.0

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("a window ends after it starts")
        if self.factor <= 0 or self.add_h < 0 or self.capacity_factor < 0:
            raise ValueError("need factor > 0, add_h >= 0, capacity_factor >= 0")

    def covers(self, t: datetime) -> bool:
        """True when a departure at ``t`` falls in the window."""
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class Effect:
    """The combined effect of every window covering one departure."""

    closed: bool = False
    factor: float = 1.0
    add_h: float = 0.0
    capacity_factor: float = 1.0

    def hours(self, h: float) -> float:
        """A duration under this effect."""
        return h * self.factor + self.add_h


NO_EFFECT = Effect()


def effect_at(windows: Iterable[Window], t: datetime) -> Effect:
    """Windows covering ``t`` combined: closed if any is, factors multiplied, added
    hours summed."""
    closed, factor, add_h, cap = False, 1.0, 0.0, 1.0
    hit = False
    for w in windows:
        if w.covers(t):
            hit = True
            closed |= w.closed
            factor *= w.factor
            add_h += w.add_h
            cap *= w.capacity_factor
    return Effect(closed, factor, add_h, cap) if hit else NO_EFFECT
