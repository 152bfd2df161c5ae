"""The network compiled to arrays over a time horizon, for fast earliest-arrival queries.

Opening hours, public holidays, customs office hours and timetables (local time, DST)
are expanded once into sorted UTC second arrays; queries then only bisect.

A lane with scenario disruption windows (its own, or its customs rule's) becomes one
compiled lane per stretch of departure times with a constant effect: closed stretches
vanish, delayed ones carry their longer duration or clearance. The earliest arrival
over a lane is the best over its stretches.

One dispatch per itinerary: an on-demand ``road`` lane (a courier's van) leaves the
material in the van, a ``ferry`` or ``tunnel`` lane carries a van on board (it drives
off on the far side) and any other lane takes it out; an on-demand road lane taken
by material still in a van leaves without its lead time (the van drives on, it is
not dispatched again). Opening hours, running days and customs still apply to the
van. The engines therefore search over nodes ``site + n x in_van`` (``n`` sites): see
:meth:`CompiledNetwork.adjacency`.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.model.calendar import OpeningHours, SiteCalendar, wall_to_utc
from logistics.model.constants import MATERIALS, TEMPERATURES, Material, Mode, SiteKind
from logistics.model.customs import CustomsRule
from logistics.model.disruptions import NO_EFFECT, Effect, effect_at
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.quantiles import quantile_h
from logistics.network.timebase import INF, from_s, seconds, to_s

END_POINTS = (SiteKind.TREATMENT_CENTRE, SiteKind.MANUFACTURING_SITE)
VAN_ON_BOARD = (Mode.FERRY, Mode.TUNNEL)
"""Modes that carry a courier's van: a van that drove onto one drives off with it."""
TEMP_BIT: dict[str, int] = {t: 1 << i for i, t in enumerate(TEMPERATURES)}


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


def _running_window(lane, site: OpenTimes, tz: str, start: date, end: date) -> OpenTimes:
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


def _departures(lane, tz: str, start: date, end: date) -> tuple[int, ...]:
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


def _clip(hours: OpenTimes, lo: float, hi: float) -> OpenTimes:
    """Open times restricted to [lo, hi)."""
    if lo == -INF and hi == INF:
        return hours
    if hours.always:
        return OpenTimes((int(max(lo, -(2**62))),), (int(min(hi, 2**62)),), False)
    starts, ends = [], []
    for s, e in zip(hours.starts, hours.ends, strict=True):
        a, b = max(s, lo), min(e, hi)
        if a < b:
            starts.append(int(a))
            ends.append(int(b))
    return OpenTimes(tuple(starts), tuple(ends), False)


def _stretches(
    lane: Lane, rules: list[CustomsRule]
) -> list[tuple[float, float, Effect, datetime | None]]:
    """Departure-time stretches [lo, hi) with constant lane and customs effects (the
    windows of every rule the lane may clear under, so that each material's compiled
    lanes are the same stretches), each with an instant inside it to read the
    effects at (None: no window at all)."""
    windows = [*lane.windows, *(w for rule in rules for w in rule.windows)]
    if not windows:
        return [(-INF, INF, NO_EFFECT, None)]
    cuts = sorted({to_s(t) for w in windows for t in (w.start, w.end)})
    bounds = [-INF, *cuts, INF]
    out: list[tuple[float, float, Effect, datetime | None]] = []
    for lo, hi in itertools.pairwise(bounds):
        probe = from_s(lo if lo != -INF else cuts[0] - 1)
        lane_fx = effect_at(lane.windows, probe)
        if not lane_fx.closed:
            out.append((lo, hi, lane_fx, probe))
    return out


@dataclass(slots=True)
class CompiledLane:
    """One lane (or one stretch of its departures) with its traversal data (seconds).

    ``cid`` is its position in ``CompiledNetwork.lanes``; ``index`` the lane's position
    in ``Network.lanes``. ``drive``: an on-demand road lane (a van; no lead time when
    the material arrives at its from_site in a van); ``carry``: a ferry or tunnel (a
    van on board stays a van).
    """

    cid: int
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
    drive: bool = False
    carry: bool = False

    def lead_from(self, van: bool) -> int:
        """Lead time (s) of material handed over in a van (``van``) or not."""
        return 0 if van and self.drive else self.lead

    def van_after(self, van: bool) -> bool:
        """Whether the material is in a van at the lane's end (``van``: before it)."""
        return self.drive or (self.carry and van)

    def next_departure(self, t: float) -> float:
        """First timetabled departure at or after ``t``."""
        deps = self.departures or ()
        i = bisect_left(deps, t)
        return deps[i] if i < len(deps) else INF


class CompiledNetwork:
    """Arrays for one network, horizon and planning quantile, for shipments of one
    ``material`` (customs rules may differ by material); :meth:`for_material` gives
    the same network for the other material, with the same compiled lane ids."""

    def __init__(
        self,
        network: Network,
        start: datetime,
        end: datetime,
        quantile: float | None = None,
        material: Material = Material.FINISHED,
    ) -> None:
        start = start.astimezone(UTC)
        end = end.astimezone(UTC)
        self.network = network
        self.start, self.end, self.quantile = start, end, quantile
        self.material = Material(material)
        self._views: dict[Material, CompiledNetwork] = {self.material: self}
        # per compiled lane id crossing a border: (customs office, clearance, release)
        # for each material
        self._customs: dict[int, dict[Material, tuple[int, int, int]]] = {}
        self.site_ids = sorted(network.sites)
        self.index = {s: i for i, s in enumerate(self.site_ids)}
        # treatment centres and plants: an itinerary starts or ends there, never passes
        self.end_point = [network.sites[s].kind in END_POINTS for s in self.site_ids]
        self.open = [_open_times(network.sites[s].calendar, start, end) for s in self.site_ids]
        self.offices: list[OpenTimes] = []
        office_index: dict[tuple[str, str], int] = {}
        first_day = (start - timedelta(days=1)).date()
        last_day = (end + timedelta(days=1)).date()
        self.lanes: list[CompiledLane] = []
        self.by_lane: list[list[CompiledLane]] = []  # network lane index -> its stretches
        # on-demand lanes that do not run every day or have disruption stretches:
        # the open times at which they can leave
        self.windows: list[OpenTimes] = []
        for k, lane in enumerate(network.lanes):
            origin = network.sites[lane.from_site]
            dest = network.sites[lane.to_site]
            rules = {
                m: network.customs_rule(lane.from_site, lane.to_site, lane.mode, m)
                for m in MATERIALS
            }
            distinct = list({id(r): r for r in rules.values() if r is not None}.values())
            all_deps = (
                _departures(lane, origin.timezone, first_day, last_day) if lane.departures else None
            )
            running = self.open[self.index[lane.from_site]]
            if lane.on_demand and (len(lane.days) < 7 or lane.valid_from or lane.valid_to):
                running = _running_window(lane, running, origin.timezone, first_day, last_day)
            self.by_lane.append([])
            for lo, hi, lane_fx, probe in _stretches(lane, distinct):
                cid = len(self.lanes)
                fields = {
                    m: self._customs_fields(rule, dest, probe, start, end, office_index)
                    for m, rule in rules.items()
                }
                if distinct:
                    self._customs[cid] = fields
                office, clearance, release = fields[self.material]
                cl = CompiledLane(
                    cid=cid,
                    index=k,
                    lane_id=lane.lane_id,
                    u=self.index[lane.from_site],
                    v=self.index[lane.to_site],
                    lead=seconds(lane.lead_time_h),
                    duration=seconds(
                        quantile_h(
                            lane_fx.hours(lane.duration_h),
                            lane_fx.hours(lane.duration_p90_h),
                            quantile,
                        )
                    ),
                    departures=(
                        None if all_deps is None else tuple(d for d in all_deps if lo <= d < hi)
                    ),
                    temps=sum(TEMP_BIT[t] for t in lane.temperatures),
                    customs=office,
                    clearance=clearance,
                    release=release,
                    cost=lane.cost_eur,
                    generated=lane.generated,
                    drive=lane.on_demand and lane.mode == Mode.ROAD,
                    carry=lane.mode in VAN_ON_BOARD,
                )
                if lane.on_demand and (running is not self.open[cl.u] or lo != -INF or hi != INF):
                    cl.window = len(self.windows)
                    self.windows.append(_clip(running, lo, hi))
                self.lanes.append(cl)
                self.by_lane[k].append(cl)
        self._adjacency: list[list[tuple]] | None = None
        self._own: list[list[tuple]] | None = None
        self._carry: list[list[tuple]] | None = None
        self._dispatch: list[int] = []
        self.out_lanes: list[list[CompiledLane]] = [[] for _ in self.site_ids]
        for cl in self.lanes:
            self.out_lanes[cl.u].append(cl)

    def _customs_fields(
        self,
        rule: CustomsRule | None,
        dest,
        probe: datetime | None,
        start: datetime,
        end: datetime,
        office_index: dict[tuple, int],
    ) -> tuple[int, int, int]:
        """(customs office index, clearance s, release s) of the stretch holding
        ``probe`` under ``rule`` (-1, 0, 0 without a rule)."""
        if rule is None:
            return -1, 0, 0
        key = _office_key(rule.office_hours, dest)
        if key not in office_index:
            office_index[key] = len(self.offices)
            self.offices.append(_office_times(rule.office_hours, dest, start, end))
        rule_fx = effect_at(rule.windows, probe) if probe is not None else NO_EFFECT
        clearance = seconds(
            quantile_h(
                rule_fx.hours(rule.clearance_median_h),
                rule_fx.hours(rule.clearance_p90_h),
                self.quantile,
            )
        )
        return office_index[key], clearance, seconds(rule.import_release_h)

    def for_material(self, material: Material) -> CompiledNetwork:
        """This network for shipments of ``material``: the same sites, open times and
        compiled lane ids, the customs of that material (built once, then cached)."""
        material = Material(material)
        view = self._views.get(material)
        if view is None:
            view = copy.copy(self)
            view.material = material
            view.lanes = [
                dataclasses.replace(cl, customs=f[0], clearance=f[1], release=f[2])
                if (f := self._customs.get(cl.cid, {}).get(material)) is not None
                else cl
                for cl in self.lanes
            ]
            view.by_lane = [[view.lanes[cl.cid] for cl in lanes] for lanes in self.by_lane]
            view.out_lanes = [[view.lanes[cl.cid] for cl in lanes] for lanes in self.out_lanes]
            view._adjacency = view._own = view._carry = None
            view._views = self._views
            self._views[material] = view
        return view

    def traverse(
        self, cl: CompiledLane, t: float, van: bool = False
    ) -> tuple[float, float, float, float]:
        """Material handed over at the lane's origin at ``t`` (in a van when ``van``):
        returns (depart, physical arrival, cleared, handover at the destination); inf
        when it cannot go.

        The one scalar lane traversal, the documented exception to the vectorised one of
        :mod:`logistics.network.traversal` (numpy per call would dominate the scalar
        routing paths); it reads the same open times and departures, the compiled search
        loop of :mod:`logistics.network.jit` inlines it, and tests/network/test_traversal.py
        checks that the two agree."""
        ready = t + (0 if van and cl.drive else cl.lead)
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

    def adjacency(self) -> list[list[tuple]]:
        """Per node (``site + n x in_van``, ``n`` sites), its outgoing lanes as flat
        tuples for the scalar search loops: (temperature bits, lane index, to-node,
        lead s from this node, departures or None, departure window, customs office
        or None, clearance + release s, to-site hours, lane)."""
        if self._adjacency is None:
            n = len(self.site_ids)
            self._adjacency = [
                [
                    (
                        cl.temps,
                        cl.index,
                        cl.v + n * cl.van_after(van),
                        cl.lead_from(van),
                        cl.departures,
                        self.open[cl.u] if cl.window < 0 else self.windows[cl.window],
                        self.offices[cl.customs] if cl.customs >= 0 else None,
                        cl.clearance + cl.release,
                        self.open[cl.v],
                        cl,
                    )
                    for cl in lanes
                ]
                for van in (False, True)
                for lanes in self.out_lanes
            ]
        return self._adjacency

    def own_adjacency(self) -> list[list[tuple]]:
        """Per node, the entries of :meth:`adjacency` that the site's other node does
        not do as well from a label at least as early and as cheap: from a node out
        of a van the ferries and tunnels (the van node would arrive in a van), from a
        van node the on-demand road lanes (no lead) and the ferries and tunnels."""
        if self._own is None:
            adjacency = self.adjacency()
            n = len(self.site_ids)
            self._own = [
                [e for e in lanes if e[9].carry or (node >= n and e[9].drive and e[9].lead > 0)]
                for node, lanes in enumerate(adjacency)
            ]
        return self._own

    def carry_adjacency(self) -> tuple[list[list[tuple]], list[int]]:
        """Per node, the ferries and tunnels of :meth:`adjacency` (all a van node must
        take when the site's label out of a van pays the longest dispatch and still
        leaves no later, for no more), and per site that longest dispatch (s)."""
        if self._carry is None:
            n = len(self.site_ids)
            self._carry = [[e for e in lanes if e[9].carry] for lanes in self.adjacency()]
            self._dispatch = [0] * n
            for cl in self.lanes:
                if cl.drive:
                    self._dispatch[cl.u] = max(self._dispatch[cl.u], cl.lead)
        return self._carry, self._dispatch

    def take(
        self, k: int, t: float, van: bool = False
    ) -> tuple[float, float, float, float, CompiledLane | None]:
        """Network lane ``k`` taken from handover ``t`` (in a van when ``van``): the
        best of its stretches, as (depart, arrival, cleared, handover, stretch used)."""
        best: tuple[float, float, float, float, CompiledLane | None] = (INF, INF, INF, INF, None)
        for cl in self.by_lane[k]:
            times = self.traverse(cl, t, van)
            if times[3] < best[3]:
                best = (*times, cl)
        return best

    def horizon_s(self) -> tuple[int, int]:
        """The compiled horizon in UTC seconds."""
        return to_s(self.start), to_s(self.end)


def _office_key(hours: OpeningHours, dest) -> tuple:
    """Crossings whose office calendars are the same: hours and time zone, and where
    the office closes on public holidays, the arrival site's holidays too."""
    if not hours.ph_off:
        return (hours.text, dest.timezone)
    cal = dest.calendar
    return (
        hours.text,
        dest.timezone,
        cal.country,
        cal.subdivision,
        cal.extra_dates,
        cal.extra_yearly,
    )


def _office_times(hours: OpeningHours, dest, start: datetime, end: datetime) -> OpenTimes:
    """A customs office's open times: its hours in the arrival site's time zone, on
    public holidays too unless the hours say ``PH off`` (then the arrival site's
    holidays close it, the bundle's holidays.csv included)."""
    calendar = SiteCalendar(
        opening_hours=hours,
        timezone=dest.timezone,
        country=dest.country,
        subdivision=dest.subdivision,
        ph_open=not hours.ph_off,
        extra_dates=dest.calendar.extra_dates,
        extra_yearly=dest.calendar.extra_yearly,
    )
    return _open_times(calendar, start, end)
