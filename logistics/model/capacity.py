"""Apheresis and manufacturing slots per site and day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True, kw_only=True)
class Capacity:
    """Slots per (site, resource): a weekly pattern with dated overrides.

    A site has only the slots listed: no entry for a resource means no slots.
    """

    weekly: Mapping[tuple[str, str], tuple[int, ...]]  # 7 values, Monday first
    dated: Mapping[tuple[str, str, date], int]

    def slots(self, site_id: str, resource: str, day: date) -> int:
        """Slots of ``resource`` at ``site_id`` on local date ``day``."""
        override = self.dated.get((site_id, resource, day))
        if override is not None:
            return override
        week = self.weekly.get((site_id, resource))
        return week[day.weekday()] if week else 0

    def sites_with(self, resource: str) -> frozenset[str]:
        """Sites that list any slot rows for ``resource``."""
        return frozenset(s for s, r in self.weekly if r == resource) | frozenset(
            s for s, r, _ in self.dated if r == resource
        )
