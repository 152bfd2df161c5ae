"""Time helpers of the plan check (tolerances, local dates, wall times, holidays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.check.legs import TOLERANCE, _utc
from logistics.model.calendar import wall_to_utc
from logistics.model.sites import Site

TOL_H = TOLERANCE.total_seconds() / 3600


def span_h(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def same(a: datetime | None, b: datetime | None) -> bool:
    """Equal instants (within the tolerance); a naive or missing time never matches."""
    if a is None or b is None or a.tzinfo is None or b.tzinfo is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


def stamp(t: datetime | None) -> str:
    """A time for a message, whatever it is (missing, naive or aware)."""
    if t is None:
        return "none"
    if t.tzinfo is None:
        return f"{t.isoformat()} (no time zone)"
    return _utc(t)


def local_date(t: datetime, timezone: str) -> date:
    return t.astimezone(ZoneInfo(timezone)).date()


def weekday(day: date) -> str:
    return ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")[day.weekday()]


def is_wall_time(t: datetime, minute: int, timezone: str) -> bool:
    """Whether instant ``t`` is local wall time ``minute`` on some date in ``timezone``.

    Both occurrences of a repeated wall time (fall back) count; a wall time in the
    spring-forward gap may be the instant the calendar gives (the first after the gap)
    or the one ``datetime.combine`` gives (the same wall time before the change), the
    timetable convention of the contract.
    """
    zone = ZoneInfo(timezone)
    local_day = t.astimezone(zone).date()
    clock = time(minute // 60, minute % 60)
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        wall = datetime.combine(day, clock, zone)
        candidates = [wall_to_utc(day, minute, zone), wall.astimezone(UTC)]
        second = wall.replace(fold=1)
        if second.astimezone(UTC) != candidates[1] and second.astimezone(zone).replace(
            tzinfo=None
        ) == wall.replace(tzinfo=None):
            candidates.append(second.astimezone(UTC))
        if any(abs(c - t) <= TOLERANCE for c in candidates):
            return True
    return False


def holiday_note(site: Site, t: datetime) -> str:
    day = local_date(t, site.timezone)
    if site.calendar.is_holiday(day) and not site.calendar.ph_open:
        return f"; {day.isoformat()} is a public holiday"
    return ""
