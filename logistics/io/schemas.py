"""Column schemas of the contract's CSV files (see docs/data-contract.md)."""

from __future__ import annotations

from logistics.io import parsers as p
from logistics.io import places
from logistics.io.bounds import CSV
from logistics.io.personal import order_id
from logistics.io.table import Col
from logistics.model.constants import MATERIALS, MODES, ORDER_STATUSES, RESOURCES, SITE_KINDS


def _default_hours(raw: dict[str, str]) -> str:
    return "24/7" if raw.get("kind") == "airport" else "Mo-Fr 08:00-18:00"


def _priority(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5"):
        raise ValueError("a priority from 1 (routine) to 5 (most urgent)")
    return int(text)


SITES = {
    "site_id": Col(p.ident, required=True),
    "name": Col(required=True),
    "kind": Col(p.choice(*SITE_KINDS), required=True),
    "country": Col(places.country, required=True),
    "subdivision": Col(places.subdivision),
    "lat": Col(CSV["sites.csv"]["lat"].parse, required=True),
    "lon": Col(CSV["sites.csv"]["lon"].parse, required=True),
    "timezone": Col(
        p.timezone, default=lambda raw: places.default_timezone(raw.get("country", ""))
    ),
    "opening_hours": Col(p.opening_hours, default=lambda raw: p.opening_hours(_default_hours(raw))),
    "ph_open": Col(p.boolean, default=lambda raw: raw.get("kind") == "airport"),
    "iata": Col(),
    "apheresis_ready": Col(p.clock, default=13 * 60),
}

_LANE = CSV["lanes.csv"]
_CUSTOMS = CSV["customs.csv"]

LANES = {
    "lane_id": Col(p.ident, required=True),
    "carrier": Col(required=True),
    "mode": Col(p.choice(*MODES), required=True),
    "from_site": Col(p.ident, required=True),
    "to_site": Col(p.ident, required=True),
    "duration_h": Col(_LANE["duration_h"].parse, required=True),
    "duration_p90_h": Col(_LANE["duration_p90_h"].parse),
    "departures": Col(p.departures, default=()),
    "days": Col(p.weekdays, default=frozenset(range(7))),
    "lead_time_h": Col(_LANE["lead_time_h"].parse),
    "temperatures": Col(p.temperatures, required=True),
    "capacity": Col(_LANE["capacity"].parse),
    "cost_eur": Col(_LANE["cost_eur"].parse, required=True),
    "valid_from": Col(p.iso_date),
    "valid_to": Col(p.iso_date),
}

TERRITORIES = {
    "country": Col(places.country, required=True),
    "subdivision": Col(places.subdivision),
    "territory": Col(p.ident, required=True),
    "markets": Col(p.id_list),
}

CUSTOMS = {
    "from_territory": Col(p.ident, required=True),
    "to_territory": Col(p.ident, required=True),
    "mode": Col(p.choice(*MODES)),
    "material": Col(p.choice(*MATERIALS)),
    "clearance_median_h": Col(_CUSTOMS["clearance_median_h"].parse, required=True),
    "clearance_p90_h": Col(_CUSTOMS["clearance_p90_h"].parse, required=True),
    "office_hours": Col(p.opening_hours, default=lambda raw: p.opening_hours("24/7")),
    "import_release_h": Col(_CUSTOMS["import_release_h"].parse, default=0.0),
}

CAPACITY = {
    "site_id": Col(p.ident, required=True),
    "resource": Col(p.choice(*RESOURCES), required=True),
    "weekday": Col(p.weekdays),
    "date": Col(p.iso_date),
    "slots": Col(CSV["capacity.csv"]["slots"].parse, required=True),
}

ORDERS = {
    "order_id": Col(order_id, required=True),
    "therapy": Col(p.ident, required=True),
    "treatment_centre": Col(p.ident, required=True),
    "apheresis_earliest": Col(required=True),  # parsed with the centre's time zone
    "apheresis_latest": Col(),
    "priority": Col(_priority, default=3),
    "status": Col(p.choice(*ORDER_STATUSES), default="new"),
    "committed_site": Col(p.ident),
    "committed_apheresis": Col(),
}
