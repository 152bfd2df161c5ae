"""Legs as the contract's legs.csv rows (UTC times with a Z)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from logistics.model.itinerary import Itinerary

LEG_COLUMNS = (
    "seq",
    "lane_id",
    "carrier",
    "mode",
    "from_site",
    "to_site",
    "depart",
    "arrive",
    "temperature",
    "customs_from",
    "customs_to",
    "customs_h",
)


def utc_text(t: datetime) -> str:
    """An aware time as ISO 8601 UTC with a Z, to the second."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def leg_rows(it: Itinerary) -> list[dict[str, str]]:
    """One dict per leg with the legs.csv columns (``order_id``/``direction`` aside)."""
    rows = []
    for seq, leg in enumerate(it.legs, start=1):
        rows.append(
            {
                "seq": str(seq),
                "lane_id": leg.lane_id,
                "carrier": leg.carrier,
                "mode": leg.mode,
                "from_site": leg.from_site,
                "to_site": leg.to_site,
                "depart": utc_text(leg.depart),
                "arrive": utc_text(leg.arrive),
                "temperature": leg.temperature,
                "customs_from": leg.customs_from or "",
                "customs_to": leg.customs_to or "",
                "customs_h": f"{leg.customs_h:.2f}" if leg.customs_from else "0",
            }
        )
    return rows


FALLBACK_COLUMNS = ("order_id", "direction", "fallback", "hours", *LEG_COLUMNS)


def write_fallbacks(
    fallbacks: Mapping[tuple[str, str], Sequence[Itinerary]], path: str | Path
) -> None:
    """fallbacks.csv: Plan B (and C, ...) legs per order and direction; ``fallback``
    numbers them from 1, ``hours`` is the itinerary's ready-to-handover time."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FALLBACK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for (order_id, direction), found in fallbacks.items():
            for k, it in enumerate(found, start=1):
                for row in leg_rows(it):
                    writer.writerow(
                        {
                            "order_id": order_id,
                            "direction": direction,
                            "fallback": str(k),
                            "hours": f"{it.hours:.2f}",
                            **row,
                        }
                    )
