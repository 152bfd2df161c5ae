"""Legs as the contract's legs.csv rows (UTC times with a Z)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.plan import Plan

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
    return t.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


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


FALLBACK_COLUMNS = (
    "order_id",
    "direction",
    "fallback",
    "hours",
    "fits_window",
    "slack_h",
    "note",
    *LEG_COLUMNS,
)


def write_fallbacks(
    fallbacks: Mapping[tuple[str, str], Sequence[Itinerary]],
    plan: Plan | None,
    network: Network,
    path: str | Path,
) -> None:
    """fallbacks.csv: Plan B (and C, ...) legs per shipment of ``plan``'s served orders.

    ``fallback`` numbers them from 1, ``hours`` is the itinerary's ready-to-handover
    time, ``fits_window`` whether it hands over inside the shipment's viability window
    (inbound: ``inbound_max_h`` from apheresis; outbound: ``outbound_max_h`` from
    release), ``slack_h`` the hours left against that window (negative: missed by). A
    shipment without a Plan B has one row with an empty ``fallback`` and a ``note``
    saying why."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FALLBACK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for p in plan.served if plan is not None else ():
            therapy = network.therapies[p.therapy]
            for direction, planned in (("inbound", p.inbound), ("outbound", p.outbound)):
                if planned is None or not planned.legs:
                    continue
                if direction == "inbound":
                    start, window_h = p.apheresis_time, therapy.inbound_max_h
                else:
                    start, window_h = p.release_time, therapy.outbound_max_h
                assert start is not None  # a served order has both times
                end = start + timedelta(hours=window_h)
                found = fallbacks.get((p.order_id, direction), ())
                if not found:
                    writer.writerow(_no_fallback_row(p.order_id, direction, planned))
                for k, it in enumerate(found, start=1):
                    slack = (end - it.arrival).total_seconds() / 3600
                    note = "" if slack >= 0 else f"misses the {window_h:g} h window"
                    for row in leg_rows(it):
                        writer.writerow(
                            {
                                "order_id": p.order_id,
                                "direction": direction,
                                "fallback": str(k),
                                "hours": f"{it.hours:.2f}",
                                "fits_window": "true" if slack >= 0 else "false",
                                "slack_h": f"{slack:.2f}",
                                "note": note,
                                **row,
                            }
                        )


def _no_fallback_row(order_id: str, direction: str, planned: Itinerary) -> dict[str, str]:
    why = (
        f"no other route from {planned.origin} to {planned.destination} carries "
        f"{planned.temperature} from this ready time (every itinerary found takes the "
        "planned flights, ferries, tunnel or crossing)"
    )
    return {"order_id": order_id, "direction": direction, "fits_window": "false", "note": why}
