"""The network compiled to arrays over a time horizon, for fast earliest-arrival queries.

Opening hours, public holidays, customs office hours and timetables (local time, DST)
are expanded once into sorted UTC second arrays; queries then only bisect.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from logistics.model.calendar import OpeningHours, SiteCalendar, wall_to_utc
from logistics.model.constants import TEMPERATURES
from logistics.model.network import Network
from logistics.model.quantiles import quantile_h
from logistics.network.timebase import INF, to_s

TEMP_BIT = {t: 1 << i for i, t in enumerate(TEMPERATURES)}


@dataclass(frozen=True, slots=True)
class OpenTimes:
    """Open intervals [starts[i], ends[i]) in UTC seconds over the horizon."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    always: bool

    def next_open(self, t: float) -> float:
        """The first open instant at or after ``t`` (inf if none in the horizon)."""
        if self.always:
            return t
        i = bisect_right(self.ends, t)
        if i == len(self.ends):
            return INF
        return max(t, self.starts[i])

    def is_open(self, t: float) -> bool:
        """True when ``t`` lies in an open interval."""
        return self.next_open(t) == t


def _open_times(calendar: SiteCalendar, start: datetime, end: datetime) -> OpenTimes:
    starts: list[int] = []
    ends: list[int] = []
    t = start
    while t < end:
        opening = calendar.next_open(t)
        if opening is None or opening >= end:
            break
        closing = calendar.open_until(opening)
        starts.append(to_s(opening))
        if closing is None or closing >= end:
            # the true closing (open_until looks a year ahead): a site open at the end
            # of the horizon is not open for ever after it
            ends.append(to_s(closing) if closing is not None else to_s(end) + 10 * 365 * 86400)
            break
        ends.append(to_s(closing))
        t = closing
    always = len(starts) == 1 and starts[0] <= to_s(start) and ends[0] > to_s(end)
    return OpenTimes(tuple(starts), tuple(ends), always)


def _running_window(lane, site: OpenTimes, tz: str, start: date, end: date) -> OpenTimes:  # noqa: ANN001
    """When an on-demand lane can leave: the from_site's open times on the local dates
    the lane runs (its weekdays, within its validity dates)."""
    days: list[tuple[int, int]] = []
    day = start
    while day <= end:
        if lane.runs_on(day):
            lo = to_s(wall_to_utc(day, 0, tz))
            hi = to_s(wall_to_utc(day + timedelta(days=1), 0, tz))
            if days and days[-1][1] == lo:
                days[-1] = (days[-1][0], hi)
            else:
                days.append((lo, hi))
        day += timedelta(days=1)
    starts: list[int] = []
    ends: list[int] = []
    i = j = 0
    while i < len(site.starts) and j < len(days):
        lo = max(site.starts[i], days[j][0])
        hi = min(site.ends[i], days[j][1])
        if lo < hi:
            starts.append(lo)
            ends.append(hi)
        if site.ends[i] < days[j][1]:
            i += 1
        else:
            j += 1
    return OpenTimes(tuple(starts), tuple(ends), False)


def _departures(lane, tz: str, start: date, end: date) -> tuple[int, ...]:  # noqa: ANN001
    zone = ZoneInfo(tz)
    out = []
    day = start
    while day <= end:
        if lane.runs_on(day):
            for m in lane.departures:
                local = datetime.combine(day, time(m // 60, m % 60), zone)
                out.append(to_s(local))
        day += timedelta(days=1)
    return tuple(sorted(out))


@dataclass(slots=True)
class CompiledLane:
    """One lane's traversal data (seconds)."""

    index: int
    lane_id: str
    u: int
    v: int
    lead: int
    duration: int
    departures: tuple[int, ...] | None  # None: on demand
    temps: int
    customs: int  # index into CompiledNetwork.offices, -1 when no border is crossed
    clearance: int
    release: int
    cost: float
    generated: bool
    window: int = -1  # on demand: index into CompiledNetwork.windows, -1: from_site's hours

    def next_departure(self, t: float) -> float:
        """First timetabled departure at or after ``t``."""
        deps = self.departures
        i = bisect_left(deps, t)  # type: ignore[arg-type]
        return deps[i] if i < len(deps) else INF  # type: ignore[index]


class CompiledNetwork:
    """Arrays for one network, horizon and planning quantile."""

    def __init__(
        self, network: Network, start: datetime, end: datetime, quantile: float | None = None
    ) -> None:
        start = start.astimezone(UTC)
        end = end.astimezone(UTC)
        self.network = network
        self.start, self.end, self.quantile = start, end, quantile
        self.site_ids = sorted(network.sites)
        self.index = {s: i for i, s in enumerate(self.site_ids)}
        self.open = [_open_times(network.sites[s].calendar, start, end) for s in self.site_ids]
        self.offices: list[OpenTimes] = []
        office_index: dict[tuple[str, str], int] = {}
        first_day = (start - timedelta(days=1)).date()
        last_day = (end + timedelta(days=1)).date()
        self.lanes: list[CompiledLane] = []
        # on-demand lanes that do not run every day: open times on their running days
        self.windows: list[OpenTimes] = []
        for k, lane in enumerate(network.lanes):
            origin = network.sites[lane.from_site]
            dest = network.sites[lane.to_site]
            rule = network.customs_rule(lane.from_site, lane.to_site, lane.mode)
            office = -1
            clearance = release = 0
            if rule is not None:
                key = (rule.office_hours.text, dest.timezone)
                if key not in office_index:
                    office_index[key] = len(self.offices)
                    self.offices.append(_office_times(rule.office_hours, dest, start, end))
                office = office_index[key]
                clearance = _ceil_s(quantile_h(rule.clearance_median_h, rule.clearance_p90_h,
                                               quantile))
                release = _ceil_s(rule.import_release_h)
            self.lanes.append(CompiledLane(
                index=k,
                lane_id=lane.lane_id,
                u=self.index[lane.from_site],
                v=self.index[lane.to_site],
                lead=_ceil_s(lane.lead_time_h),
                duration=_ceil_s(quantile_h(lane.duration_h, lane.duration_p90_h, quantile)),
                departures=(_departures(lane, origin.timezone, first_day, last_day)
                            if lane.departures else None),
                temps=sum(TEMP_BIT[t] for t in lane.temperatures),
                customs=office,
                clearance=clearance,
                release=release,
                cost=lane.cost_eur,
                generated=lane.generated,
            ))
            if lane.on_demand and (len(lane.days) < 7 or lane.valid_from or lane.valid_to):
                self.lanes[-1].window = len(self.windows)
                self.windows.append(_running_window(
                    lane, self.open[self.index[lane.from_site]], origin.timezone, first_day,
                    last_day))
        self.out_lanes: list[list[CompiledLane]] = [[] for _ in self.site_ids]
        for cl in self.lanes:
            self.out_lanes[cl.u].append(cl)

    def traverse(self, cl: CompiledLane, t: float) -> tuple[float, float, float, float]:
        """Material handed over at the lane's origin at ``t``: returns (depart, physical
        arrival, cleared, handover at the destination); inf when it cannot go."""
        ready = t + cl.lead
        if cl.departures is None:
            hours = self.open[cl.u] if cl.window < 0 else self.windows[cl.window]
            depart = hours.next_open(ready)
        else:
            depart = cl.next_departure(ready)
        if depart == INF:
            return INF, INF, INF, INF
        arrival = depart + cl.duration
        cleared = arrival
        if cl.customs >= 0:
            cleared = self.offices[cl.customs].next_open(arrival) + cl.clearance + cl.release
        return depart, arrival, cleared, self.open[cl.v].next_open(cleared)

    def horizon_s(self) -> tuple[int, int]:
        """The compiled horizon in UTC seconds."""
        return to_s(self.start), to_s(self.end)


def _office_times(hours: OpeningHours, dest, start: datetime, end: datetime) -> OpenTimes:  # noqa: ANN001
    calendar = SiteCalendar(opening_hours=hours, timezone=dest.timezone, country=dest.country,
                            subdivision=dest.subdivision, ph_open=True)
    return _open_times(calendar, start, end)


def _ceil_s(hours: float) -> int:
    return int(math.ceil(round(hours * 3600, 6)))


def as_array(values: tuple[int, ...]) -> np.ndarray:
    """A timetable or interval tuple as an int64 array (for vectorised queries)."""
    return np.asarray(values, dtype=np.int64)
