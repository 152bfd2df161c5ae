"""A tiny network bundle and order book read straight from the data contract's files.

Independent of the package on purpose: nothing here imports ``logistics``. It reads
the subset of the contract (docs/data-contract.md) that the brute-force bundles use
and refuses anything outside it, so the enumerator in schedule_enumerator.py never
silently drops a rule:

- sites open ``24/7`` on public holidays too (no opening hours or holidays to apply),
  all in one customs territory (no customs rules);
- lanes with nominal durations only (p90 equal to the median, so no planning quantile
  or stress test changes anything), no validity dates, and on-demand lanes without a
  shipper capacity (their earliest departure is then never worse than a later one);
- capacity rows by weekday range or date; orders with date windows and status ``new``.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
TERRITORY = {"NL": "EU", "DE": "EU", "BE": "EU", "FR": "EU"}


@dataclass(frozen=True)
class CSite:
    site_id: str
    kind: str
    zone: ZoneInfo
    territory: str
    ready: time  # apheresis_ready


@dataclass(frozen=True)
class CLane:
    lane_id: str
    origin: str
    target: str
    duration_h: float
    departures: tuple[time, ...]  # empty: on demand
    days: frozenset[int]
    lead_h: float
    temperatures: frozenset[str]
    capacity: int | None
    cost: float


@dataclass(frozen=True)
class CTherapy:
    therapy_id: str
    inbound_temperature: str
    inbound_max_h: float
    manufacturing_days: int
    release_days: int
    outbound_temperature: str
    outbound_max_h: float
    sites: tuple[str, ...]
    markets: tuple[str, ...]
    infusion_prep_days: int
    lymphodepletion_before_delivery_h: float


@dataclass(frozen=True)
class COrder:
    order_id: str
    therapy: str
    centre: str
    earliest: datetime  # start of the first local day, UTC
    latest: datetime  # last instant of the last local day, UTC
    priority: int


@dataclass(frozen=True)
class Bundle:
    sites: dict[str, CSite]
    lanes: tuple[CLane, ...]
    therapies: dict[str, CTherapy]
    weekly: dict[tuple[str, str], dict[int, int]]  # (site, resource) -> weekday -> slots
    dated: dict[tuple[str, str, date], int]
    orders: tuple[COrder, ...]

    def slots(self, site: str, resource: str, day: date) -> int:
        """Slots of a resource on a local date (a dated row overrides the weekday)."""
        if (site, resource, day) in self.dated:
            return self.dated[(site, resource, day)]
        return self.weekly.get((site, resource), {}).get(day.weekday(), 0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _weekdays(text: str) -> frozenset[int]:
    out: set[int] = set()
    for part in text.split(","):
        if "-" in part:
            a, b = (WEEKDAYS.index(x) for x in part.split("-"))
            out.update(range(a, b + 1))
        else:
            out.add(WEEKDAYS.index(part))
    return frozenset(out)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def read_bundle(folder: Path, orders: Path | None = None) -> Bundle:
    """The bundle in ``folder`` and the order book ``orders`` (default its orders.csv)."""
    sites = {}
    for r in _rows(folder / "sites.csv"):
        if r["opening_hours"] != "24/7" or r["ph_open"] != "true":
            raise NotImplementedError(f"{r['site_id']}: only 24/7 sites open on holidays")
        sites[r["site_id"]] = CSite(
            r["site_id"],
            r["kind"],
            ZoneInfo(r["timezone"]),
            TERRITORY[r["country"]],
            _clock(r.get("apheresis_ready") or "13:00"),
        )
    if len({s.territory for s in sites.values()}) != 1:
        raise NotImplementedError("one customs territory only")
    lanes = []
    for r in _rows(folder / "lanes.csv"):
        if (r["duration_p90_h"] not in ("", r["duration_h"])) or r["valid_from"] or r["valid_to"]:
            raise NotImplementedError(f"{r['lane_id']}: nominal, always-valid lanes only")
        departures = tuple(_clock(t) for t in r["departures"].split(";") if t)
        capacity = int(r["capacity"]) if r["capacity"] else None
        if not departures and capacity is not None:
            raise NotImplementedError(f"{r['lane_id']}: on-demand lanes without capacity only")
        default_lead = 2.0 if r["mode"] == "air" else 0.5
        lanes.append(
            CLane(
                r["lane_id"],
                r["from_site"],
                r["to_site"],
                float(r["duration_h"]),
                departures,
                _weekdays(r["days"]) if r["days"] else frozenset(range(7)),
                float(r["lead_time_h"]) if r["lead_time_h"] else default_lead,
                frozenset(r["temperatures"].split(";")),
                capacity,
                float(r["cost_eur"]),
            )
        )
    doc = tomllib.loads((folder / "therapies.toml").read_text(encoding="utf-8"))
    therapies = {
        key: CTherapy(
            key,
            t["inbound_temperature"],
            float(t["inbound_max_h"]),
            int(t["manufacturing_days"]),
            int(t["release_days"]),
            t["outbound_temperature"],
            float(t["outbound_max_h"]),
            tuple(t["sites"]),
            tuple(t["markets"]),
            int(t.get("infusion_prep_days", 0)),
            float(t.get("lymphodepletion_before_delivery_h", 0)),
        )
        for key, t in doc["therapy"].items()
    }
    weekly: dict[tuple[str, str], dict[int, int]] = {}
    dated: dict[tuple[str, str, date], int] = {}
    for r in _rows(folder / "capacity.csv"):
        if r["date"]:
            dated[(r["site_id"], r["resource"], date.fromisoformat(r["date"]))] = int(r["slots"])
        else:
            week = weekly.setdefault((r["site_id"], r["resource"]), {})
            for day in _weekdays(r["weekday"]):
                week[day] = int(r["slots"])
    book = []
    for r in _rows(orders or folder / "orders.csv"):
        if r.get("status", "") not in ("", "new"):
            raise NotImplementedError("new orders only")
        zone = sites[r["treatment_centre"]].zone
        first = date.fromisoformat(r["apheresis_earliest"])
        last = (
            date.fromisoformat(r["apheresis_latest"])
            if r.get("apheresis_latest")
            else first + timedelta(days=7)
        )
        book.append(
            COrder(
                r["order_id"],
                r["therapy"],
                r["treatment_centre"],
                datetime.combine(first, time.min, zone).astimezone(UTC),
                datetime.combine(last, time.max, zone).astimezone(UTC),
                int(r.get("priority") or 3),
            )
        )
    return Bundle(sites, tuple(lanes), therapies, weekly, dated, tuple(book))
