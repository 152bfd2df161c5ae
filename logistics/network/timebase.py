"""Whole seconds since the Unix epoch: the engine's internal clock (UTC)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

INF = float("inf")


def to_s(t: datetime) -> int:
    """Aware datetime -> UTC seconds."""
    if t.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return int(t.timestamp())


def from_s(s: float) -> datetime:
    """UTC seconds -> aware UTC datetime."""
    return datetime.fromtimestamp(int(s), UTC)


def seconds(hours: float) -> int:
    """``hours`` as whole seconds, rounded up (sub-microsecond noise ignored)."""
    return math.ceil(round(hours * 3600, 6))
