"""timeline.csv: one row per order and step, in each site's local time and in UTC.

A planner sorts and filters it in a spreadsheet: every step of the vein-to-vein chain
(apheresis, each leg's departure, customs and handover, manufacturing, release,
delivery, lymphodepletion, infusion) with the site's name, the local time with its
zone, the UTC time and the hours left against the viability window the step counts
towards. Hours are rounded to 0.01.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from logistics.io.legs import utc_text
from logistics.io.rows import write_csv
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.plan import Plan, PlannedOrder

__all__ = [
    "TIMELINE_COLUMNS",
    "TIMELINE_FILE",
    "Step",
    "local_text",
    "order_steps",
    "timeline_rows",
    "write_timeline",
]

TIMELINE_FILE = "timeline.csv"
TIMELINE_COLUMNS = (
    "order_id",
    "therapy",
    "step_no",
    "step",
    "direction",
    "site_id",
    "site_name",
    "country",
    "local_time",
    "zone",
    "timezone",
    "utc_time",
    "duration_h",
    "hours_since_apheresis",
    "window",
    "window_end_utc",
    "slack_h",
    "lane_id",
    "mode",
    "carrier",
    "note",
)

INBOUND_WINDOW = "inbound"  # apheresis to manufacturing start, inbound_max_h
OUTBOUND_WINDOW = "outbound"  # release to delivery, outbound_max_h


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step of an order's chain: what happens, where, when (UTC), for how long,
    and the viability window it counts towards (``window_end`` None: none)."""

    order_id: str
    step: str
    site_id: str
    at: datetime
    duration_h: float | None = None
    direction: str = ""
    window: str = ""
    window_end: datetime | None = None
    lane_id: str = ""
    mode: str = ""
    carrier: str = ""
    note: str = ""


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_text(t: datetime, timezone: str) -> tuple[str, str]:
    """``t`` as local wall time ``YYYY-MM-DD HH:MM`` in ``timezone`` and the zone's
    abbreviation at that instant (``CET``, ``GMT``, ``EEST``)."""
    local = t.astimezone(_zone(timezone))  # (isoformat: a third of strftime's time)
    return local.isoformat(sep=" ", timespec="minutes")[:16], local.tzname() or ""


def _leg_steps(
    order_id: str, direction: str, it: Itinerary | None, window: str, end: datetime | None
) -> Iterator[Step]:
    if it is None:
        return
    for leg in it.legs:
        common: dict[str, Any] = {
            "order_id": order_id,
            "direction": direction,
            "window": window,
            "window_end": end,
            "lane_id": leg.lane_id,
            "mode": leg.mode,
            "carrier": leg.carrier,
        }
        hours = (leg.arrive - leg.depart).total_seconds() / 3600
        yield Step(step="depart", site_id=leg.from_site, at=leg.depart, duration_h=hours, **common)
        if leg.customs_from or leg.customs_h > 0:
            cleared = leg.arrive - timedelta(hours=leg.wait_open_h)
            yield Step(
                step="customs",
                site_id=leg.to_site,
                at=cleared - timedelta(hours=leg.customs_h),
                duration_h=leg.customs_h,
                note=f"customs {leg.customs_from or ''}->{leg.customs_to or ''}",
                **common,
            )
        note = f"waited {leg.wait_open_h:.2f} h for the site to open" if leg.wait_open_h else ""
        yield Step(step="handover", site_id=leg.to_site, at=leg.arrive, note=note, **common)


def order_steps(p: PlannedOrder, network: Network) -> list[Step]:
    """The steps of one planned order in chain order (an unserved order: one step
    ``unserved`` at its centre, with the reason as note)."""
    oid = p.order_id
    if not p.served:
        return [Step(order_id=oid, step="unserved", site_id=p.treatment_centre, at=_NO_TIME,
                     note=p.reason)]  # fmt: skip
    assert p.apheresis_time and p.manufacturing_start and p.manufacturing_end
    assert p.release_time and p.delivery_time and p.lymphodepletion_start and p.infusion_time
    assert p.manufacturing_site is not None
    therapy = network.therapies.get(p.therapy)
    inbound_end = outbound_end = None
    if therapy is not None:
        inbound_end = p.apheresis_time + timedelta(hours=therapy.inbound_max_h)
        outbound_end = p.release_time + timedelta(hours=therapy.outbound_max_h)
    centre, plant = p.treatment_centre, p.manufacturing_site
    inbound: dict[str, Any] = {"window": INBOUND_WINDOW, "window_end": inbound_end}
    outbound: dict[str, Any] = {"window": OUTBOUND_WINDOW, "window_end": outbound_end}
    making = (p.manufacturing_end - p.manufacturing_start).total_seconds() / 3600
    steps = [Step(order_id=oid, step="apheresis", site_id=centre, at=p.apheresis_time, **inbound)]
    steps += _leg_steps(oid, "inbound", p.inbound, INBOUND_WINDOW, inbound_end)
    steps += [
        Step(order_id=oid, step="manufacturing_start", site_id=plant, at=p.manufacturing_start,
             duration_h=making, **inbound),
        Step(order_id=oid, step="manufacturing_end", site_id=plant, at=p.manufacturing_end),
        Step(order_id=oid, step="release", site_id=plant, at=p.release_time, **outbound),
    ]  # fmt: skip
    steps += _leg_steps(oid, "outbound", p.outbound, OUTBOUND_WINDOW, outbound_end)
    steps += [
        Step(order_id=oid, step="delivery", site_id=centre, at=p.delivery_time, **outbound),
        Step(order_id=oid, step="lymphodepletion", site_id=centre, at=p.lymphodepletion_start),
        Step(order_id=oid, step="infusion", site_id=centre, at=p.infusion_time),
    ]
    return steps


_NO_TIME = datetime.min  # an unserved order's only step has no time


def _h(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def timeline_rows(plan: Plan, network: Network) -> list[dict[str, Any]]:
    """The rows of timeline.csv (columns :data:`TIMELINE_COLUMNS`), order by order in
    plan order, steps in chain order. ``slack_h`` is the window's end minus the step's
    time: the hours the step may still slip before the window breaks."""
    rows: list[dict[str, Any]] = []
    for p in plan.orders:
        for n, s in enumerate(order_steps(p, network), start=1):
            site = network.sites.get(s.site_id)
            row: dict[str, Any] = {
                "order_id": p.order_id,
                "therapy": p.therapy,
                "step_no": n,
                "step": s.step,
                "direction": s.direction,
                "site_id": s.site_id,
                "site_name": site.name if site else "",
                "country": site.country if site else "",
                "timezone": site.timezone if site else "",
                "duration_h": _h(s.duration_h),
                "window": s.window,
                "lane_id": s.lane_id,
                "mode": s.mode,
                "carrier": s.carrier,
                "note": s.note,
            }
            if s.at is not _NO_TIME:
                local, zone = local_text(s.at, site.timezone) if site else ("", "")
                row |= {
                    "local_time": local,
                    "zone": zone,
                    "utc_time": utc_text(s.at),
                    "hours_since_apheresis": _h(_hours(s.at, p.apheresis_time)),
                }
            if s.window_end is not None:
                row["window_end_utc"] = utc_text(s.window_end)
                row["slack_h"] = _h(_hours(s.window_end, s.at))
            rows.append(row)
    return rows


def _hours(later: datetime, earlier: datetime | None) -> float | None:
    return None if earlier is None else (later - earlier).total_seconds() / 3600


def write_timeline(plan: Plan, network: Network, path: str | Path) -> Path:
    """Write ``plan``'s timeline.csv to ``path`` (replaced when there) and return it."""
    return write_csv(path, TIMELINE_COLUMNS, timeline_rows(plan, network))
