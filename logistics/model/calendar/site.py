"""The site calendar: weekly hours in a time zone, closed on public holidays."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.model.calendar.hours import DayIntervals, OpeningHours
from logistics.model.calendar.public_holidays import _holiday_dates, _holiday_key
from logistics.model.calendar.zones import _day_offsets, _real_intervals, _wall_to_instant

__all__ = ["HORIZON_DAYS", "SiteCalendar"]

HORIZON_DAYS = 370
"""How far ahead next_open / open_until look, in local days."""
_DAY_CACHE_LIMIT = 4096


def _timestamp(t: datetime) -> float:
    if t.tzinfo is None:
        raise ValueError(f"expected an aware datetime (with a time zone), got {t.isoformat()}")
    return t.timestamp()


@dataclass(frozen=True, slots=True)
class SiteCalendar:
    """When a site receives or hands over material: weekly hours in its time zone,
    closed on the public holidays of ``country`` / ``subdivision`` unless ``ph_open``.
    ``extra_dates`` and ``extra_yearly`` ((month, day) pairs) add holidays the
    holidays package does not know, such as municipal ones.

    ``subdivision`` is ISO 3166-2 with its prefix ("GB-NIR", "DE-BY"). Countries the
    holidays package does not know have no holidays; subdivisions it does not know get
    the national ones (see :func:`validate_subdivision`).
    """

    opening_hours: OpeningHours
    timezone: str
    country: str
    subdivision: str | None = None
    ph_open: bool = False
    # holidays beyond the holidays package's: dates, and (month, day) every year
    extra_dates: frozenset[date] = frozenset()
    extra_yearly: frozenset[tuple[int, int]] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _holidays: tuple[str, str | None] | None = field(init=False, repr=False, compare=False)
    _always: bool = field(init=False, repr=False, compare=False)
    # local day ordinal -> sorted disjoint open intervals in POSIX seconds
    _days: dict[int, DayIntervals] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if not isinstance(self.opening_hours, OpeningHours):
            raise TypeError("opening_hours must be an OpeningHours (use OpeningHours.parse)")
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(
                f"expected an IANA time zone like 'Europe/Berlin', got {self.timezone!r}"
            ) from None
        if not isinstance(self.country, str) or not re.fullmatch(r"[A-Z]{2}", self.country):
            raise ValueError(f"expected an ISO 3166-1 alpha-2 country, got {self.country!r}")
        sub = self.subdivision
        if sub is not None and not (
            isinstance(sub, str) and re.fullmatch(rf"{self.country}-[A-Z0-9]{{1,3}}", sub)
        ):
            raise ValueError(
                f"expected an ISO 3166-2 subdivision like '{self.country}-XX', got {sub!r}"
            )
        object.__setattr__(self, "extra_dates", frozenset(self.extra_dates))
        object.__setattr__(self, "extra_yearly", frozenset(self.extra_yearly))
        if self.opening_hours.ph_off:  # 'PH off' closes public holidays whatever ph_open says
            object.__setattr__(self, "ph_open", False)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_holidays", _holiday_key(self.country, sub))
        object.__setattr__(self, "_always", self.ph_open and self.opening_hours.always_open)

    def is_holiday(self, d: date) -> bool:
        """Whether local date ``d`` is a public holiday at this site (ignores ph_open)."""
        if isinstance(d, datetime):
            raise TypeError("is_holiday takes the site's local date, not a datetime")
        if d in self.extra_dates or (d.month, d.day) in self.extra_yearly:
            return True
        key = self._holidays
        return key is not None and d in _holiday_dates(key[0], key[1], d.year)

    def _day(self, ordinal: int) -> DayIntervals:
        """Open intervals (POSIX seconds) of the instants whose wall date is ``ordinal``."""
        found = self._days.get(ordinal)
        if found is not None:
            return found
        variants = self.opening_hours._variants[(ordinal + 6) % 7]  # ordinal 1 is a Monday
        if self.ph_open:
            own_ok = tail_ok = True
        else:
            day = date.fromordinal(ordinal)
            own_ok = not variants[2] or not self.is_holiday(day)
            tail_ok = not variants[1] or not self.is_holiday(day - timedelta(days=1))
        found = _real_intervals(self._zone, ordinal, variants[own_ok * 2 + tail_ok])
        if len(self._days) >= _DAY_CACHE_LIMIT:
            self._days.clear()
        self._days[ordinal] = found
        return found

    def is_open(self, t: datetime) -> bool:
        """Whether the site is open at instant ``t`` (aware datetime, any zone)."""
        ts = _timestamp(t)
        if self._always:
            return True
        for start, end in self._day(t.astimezone(self._zone).toordinal()):
            if ts < end:
                return start <= ts
        return False

    def next_open(self, t: datetime) -> datetime | None:
        """Earliest instant >= ``t`` when the site is open, in UTC (``t`` itself if open);
        None if it does not open within HORIZON_DAYS."""
        ts = _timestamp(t)
        if self._always:
            return t.astimezone(UTC)
        ordinal = t.astimezone(self._zone).toordinal()
        for start, end in self._day(ordinal):  # open now: t's own wall date decides
            if end > ts:
                if start <= ts:
                    return t.astimezone(UTC)
                before, after, _ = _day_offsets(self._zone, ordinal)
                if before == after:  # no clock change near this day: nothing opens sooner
                    return datetime.fromtimestamp(start, UTC)
                break
        best: int | None = None
        stop = HORIZON_DAYS
        # The day before is looked at too, and the day after a hit, in case a clock
        # change near midnight interleaves two wall dates.
        for k in range(-1, HORIZON_DAYS + 1):
            if k > stop:
                break
            for start, end in self._day(ordinal + k):
                if end > ts:
                    if best is None or start < best:
                        best = start
                    stop = min(stop, k + 1)
                    break
        return None if best is None else datetime.fromtimestamp(max(best, ts), UTC)

    def open_until(self, t: datetime) -> datetime | None:
        """If open at ``t``: the UTC instant the site closes (intervals that touch, e.g.
        across midnight, are one opening). None if closed at ``t``. A site still open at
        the end of HORIZON_DAYS returns that end, a far instant, never None."""
        ts = _timestamp(t)
        ordinal = t.astimezone(self._zone).toordinal()
        if self._always:
            return datetime.fromtimestamp(self._day(ordinal + HORIZON_DAYS)[-1][1], UTC)
        until: float | None = None
        for start, end in self._day(ordinal):
            if ts < end:
                if start <= ts:
                    until = end
                break
        if until is None:
            return None
        for k in range(1, HORIZON_DAYS + 1):
            grew = False
            for start, end in self._day(ordinal + k):
                if start > until:
                    break
                if end > until:
                    until, grew = end, True
            # Stop unless the next day could still continue the opening (it starts no
            # later than ``until``; true only where a whole local day was skipped).
            if not grew and _wall_to_instant(self._zone, ordinal + k + 1, 0) > until:
                break
        return datetime.fromtimestamp(until, UTC)
