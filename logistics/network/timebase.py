"""Whole seconds since the Unix epoch: the engine's internal clock (UTC)."""

from __future__ import annotations

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
