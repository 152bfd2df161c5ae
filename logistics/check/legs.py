"""Independent feasibility check of itinerary legs against the data contract.

Written from the contract alone, to catch mistakes of the routing engine and the solver:
this module never imports ``logistics.network`` or ``logistics.solve``. Every rule is
checked on every leg and all violations are collected.

Rules (the violation kind in brackets):

1. The lane exists [unknown_lane] (generated road legs are in ``network.lanes`` too)
   and the leg's sites [lane_endpoints] and carrier / mode [lane_fields] match it; the
   sites exist [unknown_site].
2. The lane carries the itinerary's temperature class and the leg's class is the
   itinerary's [temperature].
3. The legs form a chain from origin to destination [starts_elsewhere, chain_broken,
   ends_elsewhere]; no legs is fine only when origin == destination.
4. Each departure leaves the lane's lead time after the material was handed over: the
   ready time for the first leg, the previous leg's arrival after that [lead_time].
   One dispatch per itinerary: an on-demand road leg (a courier's van) whose material
   arrives at its from_site in a van leaves with no lead time (the van drives on).
   The material is in a van after an on-demand road leg, still after a ferry or
   tunnel leg if it was in one before it (the van rides on board), and not after any
   other leg (air, rail, on-board courier, timetabled road) or a leg on an unknown
   lane; it is never in a van at the origin.
5. A timetabled lane leaves at one of its local departure times at from_site
   [not_a_departure] on a running weekday [not_running] within its validity dates
   [outside_validity]. The local date is the date of the timetabled departure; a local
   time in the spring-forward gap is the instant ``datetime.combine`` gives (fold=0), a
   repeated local time (fall back) may be either occurrence.
6. An on-demand lane leaves while from_site is open (opening hours, public holidays)
   [origin_closed], on a running weekday [not_running] within validity
   [outside_validity], all on the local date of the departure.
7. The leg cannot arrive before its duration at the planning quantile plus customs
   clearance [too_fast]. Crossing a customs border needs a rule [customs_missing];
   clearance starts when the rule's office hours (local time of to_site; open on public
   holidays unless they end with 'PH off', then closed on to_site's holidays) are open
   at or after the physical arrival and lasts the clearance quantile
   plus the import release time [customs_closed when the office never opens within a
   year]. The leg's customs fields name the territories exactly when a border is
   crossed and ``customs_h`` covers the clearance [customs_fields].
8. The material is handed over while to_site is open [destination_closed].
9. Treatment centres and manufacturing sites are end points, never transit points: no
   leg but the last hands the material over at one [transit_end_point].

Times are compared with one second of tolerance; aware datetimes are required
[naive_time for a leg without a time zone].
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.check.violations import Violation
from logistics.model.calendar import WEEKDAYS, OpeningHours, SiteCalendar
from logistics.model.constants import Material
from logistics.model.disruptions import effect_at
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.quantiles import quantile_h
from logistics.model.sites import Site

__all__ = ["TOLERANCE", "check_itinerary", "check_legs"]

TOLERANCE = timedelta(seconds=1)
"""Slack on every time comparison (plan times are whole seconds)."""
TOL_H = TOLERANCE.total_seconds() / 3600
END_POINTS = ("treatment_centre", "manufacturing_site")
"""Site kinds an itinerary may start or end at but never pass through."""

Report = Callable[[str, str], None]
"""Records one violation of the current leg: report(kind, message)."""


def check_itinerary(
    network: Network,
    itinerary: Itinerary,
    quantile: float | None = None,
    *,
    order_id: str | None = None,
    direction: str | None = None,
    material: str | None = None,
) -> list[Violation]:
    """Violations of one itinerary (its origin, destination, ready time and class)."""
    return check_legs(
        network,
        itinerary.legs,
        origin=itinerary.origin,
        destination=itinerary.destination,
        ready=itinerary.ready,
        temperature=itinerary.temperature,
        quantile=quantile,
        order_id=order_id,
        direction=direction,
        material=material,
    )


def check_legs(
    network: Network,
    legs: Sequence[Leg],
    *,
    origin: str,
    destination: str,
    ready: datetime,
    temperature: str,
    quantile: float | None = None,
    order_id: str | None = None,
    direction: str | None = None,
    material: str | None = None,
) -> list[Violation]:
    """Every violated rule of ``legs`` carrying ``temperature`` material handed over at
    ``origin`` at ``ready`` (aware) to ``destination``; an empty list when feasible.

    ``quantile`` is the planning quantile of durations and clearance (None: nominal).
    ``order_id`` and ``direction`` ("inbound" / "outbound") label the violations;
    ``material`` (``starting`` / ``finished``) chooses the customs rules, by default
    starting material inbound and the finished product otherwise.
    """
    goods = material or ("starting" if direction == "inbound" else "finished")
    if ready.tzinfo is None:
        raise ValueError(f"ready must be an aware datetime, got {ready.isoformat()}")
    if quantile is not None and not 0 < quantile < 1:
        raise ValueError(f"a planning quantile lies strictly between 0 and 1, got {quantile}")
    found: list[Violation] = []
    lanes = network.lane_by_id
    label = f"{direction} " if direction else ""

    def add(kind: str, message: str, where: str) -> None:
        found.append(Violation(kind, message, order_id, where))

    legs = tuple(legs)
    if not legs:
        if origin != destination:
            add(
                "ends_elsewhere",
                f"no legs, but the material must go from {origin} to {destination}",
                f"{label}itinerary",
            )
        return found

    handed_over: datetime | None = ready  # when the material is at the leg's from_site
    van = False  # whether it is in a courier's van there (rule 4)
    for seq, leg in enumerate(legs, start=1):
        where = f"{label}leg {seq} ({leg.lane_id})"

        def here(kind: str, message: str, where: str = where) -> None:
            add(kind, message, where)

        # Rule 3: the chain.
        if seq == 1 and leg.from_site != origin:
            here(
                "starts_elsewhere",
                f"starts at {leg.from_site}, but the material is handed over at {origin}",
            )
        elif seq > 1 and leg.from_site != legs[seq - 2].to_site:
            here(
                "chain_broken",
                f"starts at {leg.from_site}, but the previous leg ended at {legs[seq - 2].to_site}",
            )

        sites = _sites(network, leg, here)
        lane = _lane(lanes, leg, here)
        in_van, van = van, _van_after(lane, van)

        # Rule 2: temperature.
        if leg.temperature != temperature:
            here(
                "temperature", f"travels at {leg.temperature}, but the material needs {temperature}"
            )
        if lane is not None and temperature not in lane.temperatures:
            here("temperature", f"lane {lane.lane_id} carries {_classes(lane)}, not {temperature}")

        if leg.depart.tzinfo is None or leg.arrive.tzinfo is None:
            here("naive_time", "depart and arrive need a time zone (UTC)")
            handed_over = None
            continue
        fits = lane is not None and (lane.from_site, lane.to_site) == (leg.from_site, leg.to_site)
        # Rule 4: lead time.
        if lane is not None and handed_over is not None:
            _check_lead_time(lane, leg, handed_over, seq == 1, in_van, here)
        # Rules 5 and 6: the departure.
        if fits and sites is not None:
            assert lane is not None
            if effect_at(lane.windows, leg.depart).closed:
                here("lane_closed", f"departs {_utc(leg.depart)}, when a disruption closes it")
            if lane.on_demand:
                _check_on_demand(lane, sites[0], leg.depart, here)
            else:
                _check_timetable(lane, sites[0], leg.depart, here)
        # Rule 7: duration and customs.
        if sites is not None:
            _check_transit(network, lane if fits else None, leg, sites, quantile, goods, here)
        # Rule 8: handover.
        if sites is not None and not sites[1].calendar.is_open(leg.arrive):
            here(
                "destination_closed",
                f"handed over at {_when(leg.arrive, sites[1])}, when "
                f"{sites[1].site_id} is closed ({_hours_note(sites[1], leg.arrive)})",
            )
        # Rule 9: end points are never transit points.
        if seq < len(legs) and sites is not None and sites[1].kind in END_POINTS:
            here(
                "transit_end_point",
                f"hands the material over at {sites[1].site_id}, a "
                f"{sites[1].kind.replace('_', ' ')}, on the way to {destination}: "
                "treatment centres and manufacturing sites are never transit points",
            )
        handed_over = leg.arrive

    if legs[-1].to_site != destination:
        add(
            "ends_elsewhere",
            f"ends at {legs[-1].to_site}, but the material must reach {destination}",
            f"{label}itinerary",
        )
    return found


# ----------------------------------------------------------------------------- rules


def _sites(network: Network, leg: Leg, here: Report) -> tuple[Site, Site] | None:
    """The leg's sites, or None (after reporting) when one is not in the network."""
    missing = [s for s in (leg.from_site, leg.to_site) if s not in network.sites]
    for site_id in missing:
        here("unknown_site", f"site {site_id} is not in the network")
    if missing:
        return None
    return network.sites[leg.from_site], network.sites[leg.to_site]


def _lane(lanes: Mapping[str, Lane], leg: Leg, here: Report) -> Lane | None:
    """The leg's lane, or None when unknown; reports fields that do not match it."""
    lane = lanes.get(leg.lane_id)
    if lane is None:
        here("unknown_lane", f"lane {leg.lane_id} is not in the network")
        return None
    if (leg.from_site, leg.to_site) != (lane.from_site, lane.to_site):
        here(
            "lane_endpoints",
            f"goes {leg.from_site} -> {leg.to_site}, but lane "
            f"{lane.lane_id} runs {lane.from_site} -> {lane.to_site}",
        )
    if leg.carrier != lane.carrier:
        here(
            "lane_fields",
            f"carrier {leg.carrier!r}, but lane {lane.lane_id} is run by {lane.carrier!r}",
        )
    if leg.mode != lane.mode:
        here("lane_fields", f"mode {leg.mode}, but lane {lane.lane_id} is {lane.mode}")
    return lane


def _van_lane(lane: Lane | None) -> bool:
    """An on-demand road lane: a courier's van that drives on."""
    return lane is not None and lane.mode == "road" and not lane.departures


def _van_after(lane: Lane | None, van: bool) -> bool:
    """Whether the material is in a courier's van after a leg on ``lane`` (``van``:
    whether it was before the leg): rule 4."""
    if lane is None:
        return False
    return _van_lane(lane) or (van and lane.mode in ("ferry", "tunnel"))


def _check_lead_time(
    lane: Lane, leg: Leg, handed_over: datetime, first: bool, van: bool, here: Report
) -> None:
    # no lead when the van that brought the material drives on
    lead_h = 0.0 if van and _van_lane(lane) else lane.lead_time_h
    earliest = handed_over + timedelta(hours=lead_h)
    if leg.depart < earliest - TOLERANCE:
        what = "the material is ready" if first else "the previous leg hands it over"
        gap = (leg.depart - handed_over).total_seconds() / 3600
        note = ""
        if _van_lane(lane) and not van:
            note = "; a courier is dispatched: the material does not arrive in a van"
        here(
            "lead_time",
            f"departs {_utc(leg.depart)}, {gap:.2f} h after {what} at "
            f"{_utc(handed_over)}; lane {lane.lane_id} needs {lead_h:g} h lead "
            f"time (earliest {_utc(earliest)}{note})",
        )


def _check_on_demand(lane: Lane, origin: Site, depart: datetime, here: Report) -> None:
    if not origin.calendar.is_open(depart):
        here(
            "origin_closed",
            f"on-demand pickup at {_when(depart, origin)}, when "
            f"{origin.site_id} is closed ({_hours_note(origin, depart)})",
        )
    _check_running(lane, depart.astimezone(ZoneInfo(origin.timezone)).date(), here)


def _check_timetable(lane: Lane, origin: Site, depart: datetime, here: Report) -> None:
    matches = _timetable_dates(lane, origin.timezone, depart)
    if not matches:
        times = ", ".join(f"{m // 60:02d}:{m % 60:02d}" for m in lane.departures)
        here(
            "not_a_departure",
            f"departs {_when(depart, origin)}, but lane {lane.lane_id} "
            f"leaves {origin.site_id} only at {times} local time",
        )
        return
    if not any(lane.runs_on(day) for day in matches):
        _check_running(lane, matches[0], here)


def _check_running(lane: Lane, day: date, here: Report) -> None:
    """Weekday and validity of a departure on local date ``day``."""
    if day.weekday() not in lane.days:
        here(
            "not_running",
            f"departs on {WEEKDAYS[day.weekday()]} {day.isoformat()} (local), "
            f"but lane {lane.lane_id} runs {_days(lane.days)}",
        )
    too_early = lane.valid_from is not None and day < lane.valid_from
    too_late = lane.valid_to is not None and day > lane.valid_to
    if too_early or too_late:
        span = f"{lane.valid_from or '...'} to {lane.valid_to or '...'}"
        here(
            "outside_validity",
            f"departs on {day.isoformat()} (local), but lane "
            f"{lane.lane_id} exists only from {span}",
        )


def _timetable_dates(lane: Lane, timezone: str, depart: datetime) -> list[date]:
    """Local dates whose timetabled departure of ``lane`` is the instant ``depart``."""
    zone = ZoneInfo(timezone)
    local_day = depart.astimezone(zone).date()
    found = []
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        for minute in lane.departures:
            wall = datetime.combine(day, time(minute // 60, minute % 60), zone)
            first = wall.astimezone(UTC)  # fold=0: also the instant taken in a DST gap
            second = wall.replace(fold=1).astimezone(UTC)
            # The second occurrence counts only for a repeated wall time (fall back).
            repeated = second != first and second.astimezone(zone).replace(
                tzinfo=None
            ) == wall.replace(tzinfo=None)
            for candidate in (first, second) if repeated else (first,):
                if abs(candidate - depart) <= TOLERANCE:
                    found.append(day)
    return found


def _check_transit(
    network: Network,
    lane: Lane | None,
    leg: Leg,
    sites: tuple[Site, Site],
    quantile: float | None,
    material: str,
    here: Report,
) -> None:
    """Customs fields and rule (any leg between known sites); the earliest possible
    arrival when the lane is known and fits the leg."""
    start, end = sites
    rule = network.customs_rule(
        start.site_id, end.site_id, lane.mode if lane else leg.mode, Material(material)
    )
    crossing = start.territory != end.territory or rule is not None
    customs = (leg.customs_from or None, leg.customs_to or None)
    if crossing:
        expected = (
            (rule.from_territory, rule.to_territory)
            if rule is not None
            else (start.territory, end.territory)
        )
        if customs != expected:
            here(
                "customs_fields", f"customs {_pair(customs)}, but the leg crosses {_pair(expected)}"
            )
        if rule is None:
            here(
                "customs_missing",
                f"crosses {_pair(expected)} by {leg.mode}, but no customs "
                "rule covers that crossing",
            )
    else:
        if customs != (None, None):
            here(
                "customs_fields",
                f"customs {_pair(customs)}, but {start.site_id} and "
                f"{end.site_id} are both in {start.territory}",
            )
        if abs(leg.customs_h) > TOL_H:
            here(
                "customs_fields",
                f"customs_h {leg.customs_h:g}, but the leg crosses no customs border",
            )
    if lane is None:
        return
    fx = effect_at(lane.windows, leg.depart)
    hours = quantile_h(fx.hours(lane.duration_h), fx.hours(lane.duration_p90_h), quantile)
    landed = leg.depart + timedelta(hours=hours)
    earliest = landed
    note = f"{hours:g} h {lane.mode}"
    if rule is not None:
        office = _office_calendar(rule.office_hours, end.calendar)
        opens = office.next_open(landed)
        if opens is None:
            here(
                "customs_closed",
                f"the {_pair((rule.from_territory, rule.to_territory))} customs "
                f"office ({rule.office_hours}) never opens after {_utc(landed)}",
            )
            return
        cx = effect_at(rule.windows, leg.depart)
        clearance = quantile_h(
            cx.hours(rule.clearance_median_h), cx.hours(rule.clearance_p90_h), quantile
        )
        earliest = opens + timedelta(hours=clearance + rule.import_release_h)
        needed_h = (earliest - landed).total_seconds() / 3600
        note += (
            f", then customs from {_when(opens, end)} ({rule.office_hours}): "
            f"{clearance:g} h clearance + {rule.import_release_h:g} h import release"
        )
        if leg.customs_h < needed_h - TOL_H:
            here(
                "customs_fields",
                f"customs_h {leg.customs_h:g}, but clearance takes "
                f"{needed_h:.3f} h from arrival at {_utc(landed)} ({note})",
            )
    if leg.arrive < earliest - TOLERANCE:
        here(
            "too_fast",
            f"arrives {_utc(leg.arrive)}, but leaving {_utc(leg.depart)} it "
            f"cannot be handed over before {_utc(earliest)} ({note})",
        )


@functools.lru_cache(maxsize=256)
def _office_calendar(hours: OpeningHours, arrival: SiteCalendar) -> SiteCalendar:
    """A customs office's hours in the arrival site's time zone: open on public holidays
    unless the hours end with 'PH off', then closed on the arrival site's holidays (its
    country and subdivision, and the bundle's holidays.csv)."""
    return SiteCalendar(
        hours,
        arrival.timezone,
        arrival.country,
        arrival.subdivision,
        ph_open=not hours.ph_off,
        extra_dates=arrival.extra_dates,
        extra_yearly=arrival.extra_yearly,
    )


# ------------------------------------------------------------------------- wording


def _utc(t: datetime) -> str:
    """'2026-12-07 18:30Z' (seconds shown only when not zero)."""
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%d %H:%M:%SZ" if t.second or t.microsecond else "%Y-%m-%d %H:%MZ")


def _when(t: datetime, site: Site) -> str:
    """UTC with the site's local time: '2026-12-12 18:30Z = Sa 18:30 Europe/London'."""
    local = t.astimezone(ZoneInfo(site.timezone))
    return f"{_utc(t)} = {WEEKDAYS[local.weekday()]} {local:%H:%M} {site.timezone}"


def _hours_note(site: Site, t: datetime) -> str:
    local_day = t.astimezone(ZoneInfo(site.timezone)).date()
    note = f"opening hours {site.calendar.opening_hours}"
    if site.calendar.is_holiday(local_day) and not site.calendar.ph_open:
        note += f"; {local_day.isoformat()} is a public holiday"
    return note


def _days(days: frozenset[int]) -> str:
    """Weekdays as runs: {0,1,2,3,4} -> 'Mo-Fr', {0,2} -> 'Mo,We'."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return (
        ",".join(
            WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
        )
        or "on no day"
    )


def _classes(lane: Lane) -> str:
    return ";".join(sorted(lane.temperatures)) or "no temperature class"


def _pair(pair: tuple[str | None, str | None]) -> str:
    if pair == (None, None):
        return "none"
    return f"{pair[0] or '?'}->{pair[1] or '?'}"
