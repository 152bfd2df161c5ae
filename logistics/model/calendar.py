"""Site calendars: weekly opening hours, public holidays and time zones.

Opening hours are local wall-clock times of the site; every instant going in or out of
:class:`SiteCalendar` is an aware datetime (results are UTC).

Decisions worth knowing:

- An overnight range ("Fr 22:00-02:00") belongs to the day that names it: a later rule
  for Saturday does not cut its tail, and the tail (Sat 00:00-02:00) is closed when
  *Friday* is a public holiday, open when only Saturday is.
- Across DST changes the wall clock rules: a wall time that does not exist (spring
  forward gap) opens at the first instant after the gap; a repeated wall time (fall
  back) is open at both occurrences, and "opens at" means the first occurrence.
- Transitions are assumed to be at most one per ~two days, true for every real zone.
- ``open_until`` returns None only when the site is closed; a site that does not close
  within :data:`HORIZON_DAYS` returns the end of that horizon (a far instant).
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "ALWAYS_OPEN",
    "HORIZON_DAYS",
    "WEEKDAYS",
    "OpeningHours",
    "SiteCalendar",
    "parse_clock_times",
    "parse_weekdays",
    "validate_subdivision",
    "wall_to_utc",
]

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
HORIZON_DAYS = 370
"""How far ahead next_open / open_until look, in local days."""

Interval = tuple[int, int]
DayIntervals = tuple[Interval, ...]

_DAY = 1440  # minutes
_ALL_DAYS = frozenset(range(7))
_WEEKDAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAYS)}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TOKEN_RE = re.compile(r"\s*(?:([0-9]{1,2}:[0-9]{2})|([A-Za-z]+)|(24/7)|([-,]))")
_DAY_CACHE_LIMIT = 4096

_WEEKDAYS_EXPECTED = "expected weekdays like 'Mo-Fr' or 'Mo,We,Fr'"
_TIMES_EXPECTED = "expected local times like '07:10;18:30' (H:MM or HH:MM, 00:00-23:59)"
_HOURS_EXPECTED = "expected opening hours like 'Mo-Fr 08:00-18:00; Sa 09:00-12:00' or '24/7'"


# --------------------------------------------------------------------------- parsing


def _clock(text: str, *, allow_24: bool = False) -> int | None:
    """Minutes after midnight of ``H:MM``/``HH:MM``, or None if it is not a clock time."""
    m = _CLOCK_RE.fullmatch(text)
    if m is None:
        return None
    hour, minute = int(m[1]), int(m[2])
    if minute > 59:
        return None
    if hour < 24:
        return hour * 60 + minute
    if allow_24 and hour == 24 and minute == 0:
        return _DAY
    return None


def _day_span(first: int, last: int) -> set[int]:
    """Weekdays from ``first`` to ``last`` inclusive, wrapping past Sunday."""
    return {(first + i) % 7 for i in range((last - first) % 7 + 1)}


def parse_weekdays(text: str) -> frozenset[int]:
    """Weekdays ``"Mo-Fr,Su"`` / ``"Sa;Su"`` / ``"Fr-Mo"`` -> ints (Monday = 0).

    Empty text means every day. Names are case-insensitive.
    """
    if not text.strip():
        return _ALL_DAYS
    days: set[int] = set()
    for item in re.split(r"[,;]", text):
        parts = [p.strip().lower() for p in item.split("-")]
        if len(parts) > 2 or any(p not in _WEEKDAY_INDEX for p in parts):
            raise ValueError(f"{_WEEKDAYS_EXPECTED}, got {text!r}")
        days |= _day_span(_WEEKDAY_INDEX[parts[0]], _WEEKDAY_INDEX[parts[-1]])
    return frozenset(days)


def parse_clock_times(text: str) -> tuple[int, ...]:
    """Local times ``"07:10;18:30"`` -> sorted minutes after midnight ``(430, 1110)``.

    Empty text gives ``()`` (no timetable). Items are separated by ``;`` (or ``,``) and
    must be distinct.
    """
    if not text.strip():
        return ()
    minutes: list[int] = []
    for item in re.split(r"[;,]", text):
        value = _clock(item.strip())
        if value is None:
            raise ValueError(f"{_TIMES_EXPECTED}, got {text!r}")
        minutes.append(value)
    if len(set(minutes)) != len(minutes):
        raise ValueError(f"{_TIMES_EXPECTED} without repeats, got {text!r}")
    return tuple(sorted(minutes))


def _merge(intervals: list[Interval] | DayIntervals) -> DayIntervals:
    """Sorted union of half-open intervals; touching ones are joined."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


def _tokens(rule: str, text: str) -> list[tuple[str, str]]:
    """Tokens of one rule as (kind, value); kind is time, word, 24/7, '-' or ','."""
    out: list[tuple[str, str]] = []
    pos, rule = 0, rule.rstrip()
    while pos < len(rule):
        m = _TOKEN_RE.match(rule, pos)
        if m is None:
            raise _hours_error(text, f"unexpected {rule[pos:].strip()[:12]!r}")
        kind = {1: "time", 2: "word", 3: "24/7", 4: m[4]}[m.lastindex or 0]
        out.append((kind, m[m.lastindex or 0]))
        pos = m.end()
    return out


def _hours_error(text: str, detail: str) -> ValueError:
    return ValueError(f"{_HOURS_EXPECTED}, got {text!r}: {detail}")


def _is_weekday(tokens: list[tuple[str, str]], i: int) -> bool:
    return i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].lower() in _WEEKDAY_INDEX


def _parse_rule(rule: str, text: str) -> tuple[frozenset[int], DayIntervals]:
    """One rule -> (days it names, merged ranges; ends past 1440 run overnight)."""
    tokens = _tokens(rule, text)
    if not tokens:
        raise _hours_error(text, "empty rule")
    if tokens[0][0] == "24/7":
        if len(tokens) > 1:
            raise _hours_error(text, "'24/7' stands alone")
        return _ALL_DAYS, ((0, _DAY),)
    days: set[int] = set()
    i = 0
    while _is_weekday(tokens, i):
        first = last = _WEEKDAY_INDEX[tokens[i][1].lower()]
        i += 1
        if i < len(tokens) and tokens[i][0] == "-":
            if not _is_weekday(tokens, i + 1):
                raise _hours_error(text, "expected a weekday after '-'")
            last = _WEEKDAY_INDEX[tokens[i + 1][1].lower()]
            i += 2
        days |= _day_span(first, last)
        if i < len(tokens) and tokens[i][0] == "," and _is_weekday(tokens, i + 1):
            i += 1
    selected = frozenset(days) if days else _ALL_DAYS
    rest = tokens[i:]
    if not rest:
        raise _hours_error(text, "expected time ranges or 'off' after the weekdays")
    if len(rest) == 1 and rest[0][0] == "word" and rest[0][1].lower() in ("off", "closed"):
        return selected, ()
    ranges: list[Interval] = []
    j = 0
    while True:
        kinds = [kind for kind, _ in rest[j : j + 3]]
        if kinds != ["time", "-", "time"]:
            word = rest[j][1] if j < len(rest) else ""
            if word.upper() in ("PH", "SH"):
                raise _hours_error(text, "public holidays are set by ph_open, not here")
            raise _hours_error(text, f"expected a time range like 08:00-18:00 at {word!r}")
        start = _clock(rest[j][1])
        end = _clock(rest[j + 2][1], allow_24=True)
        if start is None or end is None:
            raise _hours_error(text, f"bad time in {rest[j][1]}-{rest[j + 2][1]}")
        if end == start:
            raise _hours_error(text, f"empty time range {rest[j][1]}-{rest[j + 2][1]}")
        ranges.append((start, end if end > start else end + _DAY))
        j += 3
        if j == len(rest):
            break
        if rest[j][0] != "," or j + 1 == len(rest):
            raise _hours_error(text, "expected ',' between time ranges")
        j += 1
    return selected, _merge(ranges)


def _parse_opening_hours(text: str) -> tuple[DayIntervals, ...]:
    week: list[DayIntervals] = [()] * 7
    if not text.strip():
        raise _hours_error(text, "empty")
    for rule in text.split(";"):
        days, ranges = _parse_rule(rule, text)
        for day in days:  # a later rule replaces what earlier rules said about its days
            week[day] = ranges
    return tuple(week)


# ----------------------------------------------------------------------- opening hours


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Weekly opening hours in the OpenStreetMap subset ``Mo-Fr 08:00-12:00,13:00-18:00;
    Fr 22:00-02:00; Su off`` or ``24/7``; parsed from ``text`` on construction.

    ``ranges[d]``: weekday ``d``'s ranges as its rules state them, minutes after that
    day's midnight (an end past 1440 runs into the next day). ``intervals[d]``: what is
    open on weekday ``d`` itself, clipped to [0, 1440), including the previous day's
    overnight tail. Equality compares the schedule, not the spelling.
    """

    text: str = field(compare=False)
    ranges: tuple[DayIntervals, ...] = field(init=False, repr=False)
    intervals: tuple[DayIntervals, ...] = field(init=False, repr=False, compare=False)
    # _variants[d][own_ok * 2 + tail_ok]: weekday d's intervals when its own ranges
    # (own_ok) and the previous day's overnight tail (tail_ok) count.
    _variants: tuple[tuple[DayIntervals, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"opening hours text must be str, got {type(self.text).__name__}")
        week = _parse_opening_hours(self.text)
        variants = []
        for day in range(7):
            own = tuple((s, min(e, _DAY)) for s, e in week[day])
            tail = tuple((0, e - _DAY) for _, e in week[day - 1] if e > _DAY)
            variants.append((_merge(()), _merge(tail), _merge(own), _merge(own + tail)))
        object.__setattr__(self, "ranges", week)
        object.__setattr__(self, "_variants", tuple(variants))
        object.__setattr__(self, "intervals", tuple(v[3] for v in variants))

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse ``text``; ValueError says what was expected."""
        return cls(text)

    def __str__(self) -> str:
        return self.text

    @property
    def always_open(self) -> bool:
        """Open around the clock every day."""
        return all(day == ((0, _DAY),) for day in self.intervals)

    @property
    def never_open(self) -> bool:
        """No open time at all."""
        return not any(self.ranges)


ALWAYS_OPEN = OpeningHours("24/7")


# --------------------------------------------------------------------------- holidays


@functools.cache
def _supported() -> dict[str, tuple[str, ...]]:
    return {c: tuple(s) for c, s in holidays.list_supported_countries().items()}


@functools.cache
def _holiday_key(country: str, subdivision: str | None) -> tuple[str, str | None] | None:
    """(country, subdiv) as the holidays package names them; None if it has no data.

    A subdivision it does not know falls back to the national holidays.
    """
    known = _supported().get(country)
    if known is None:
        return None
    code = subdivision.partition("-")[2] if subdivision else None
    return (country, code if code in known else None)


@functools.lru_cache(maxsize=4096)
def _holiday_dates(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    """Public holidays of one year (built once per country, subdivision and year)."""
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


def validate_subdivision(country: str, subdivision: str) -> str | None:
    """None if the holidays package knows ``subdivision`` ("DE-BY") of ``country`` (or
    does not know the country at all); otherwise what was expected, as a phrase."""
    known = _supported().get(country)
    if known is None:
        return None
    prefix, _, code = subdivision.partition("-")
    if prefix == country and code in known:
        return None
    listed = ", ".join(f"{country}-{s}" for s in known if re.fullmatch(r"[A-Z0-9]{1,3}", s))
    return f"a subdivision of {country} with public holiday data ({listed})"


# --------------------------------------------------------------------------- time zones


def _offset_at(zone: ZoneInfo, instant: int) -> int:
    """UTC offset in seconds of ``zone`` at POSIX second ``instant``."""
    offset = datetime.fromtimestamp(instant, zone).utcoffset()
    assert offset is not None
    return offset // timedelta(seconds=1)


@functools.lru_cache(maxsize=1 << 16)
def _day_offsets(zone: ZoneInfo, ordinal: int) -> tuple[int, int, int]:
    """(offset before, offset after, transition instant) around local day ``ordinal``.

    Instants before the transition have the first offset, the rest the second. Without
    a transition both offsets are equal and the instant lies past the day.
    """
    base = (ordinal - _EPOCH_ORDINAL) * 86400
    # Instants whose wall date is this day lie within these bounds (offsets -12h..+14h).
    lo, hi = base - 15 * 3600, base + 86400 + 13 * 3600
    before, after = _offset_at(zone, lo), _offset_at(zone, hi)
    if before != after:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _offset_at(zone, mid) == before:
                lo = mid
            else:
                hi = mid
    return before, after, hi


def _wall_to_instant(zone: ZoneInfo, ordinal: int, minute: int) -> int:
    """POSIX second of wall time ``minute`` on local day ``ordinal``: the first
    occurrence if repeated, the first instant after the gap if it does not exist."""
    before, after, switch = _day_offsets(zone, ordinal)
    wall = (ordinal - _EPOCH_ORDINAL) * 86400 + minute * 60
    instant = wall - before
    return instant if instant < switch else max(wall - after, switch)


def wall_to_utc(day: date, minute: int, timezone: str | ZoneInfo) -> datetime:
    """Aware UTC instant of local wall time ``minute`` (0..1440) on ``day`` in
    ``timezone``; DST gaps map to the first instant after the gap, repeats to the first
    occurrence."""
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    if not 0 <= minute <= _DAY:
        raise ValueError(f"expected minutes after midnight in 0..1440, got {minute}")
    return datetime.fromtimestamp(_wall_to_instant(zone, day.toordinal(), minute), UTC)


def _real_intervals(zone: ZoneInfo, ordinal: int, wall: DayIntervals) -> DayIntervals:
    """Wall-clock minute intervals of local day ``ordinal`` -> POSIX second intervals of
    the instants whose wall time falls inside them."""
    before, after, switch = _day_offsets(zone, ordinal)
    base = (ordinal - _EPOCH_ORDINAL) * 86400
    if before == after:
        return tuple((base + a * 60 - before, base + b * 60 - before) for a, b in wall)
    pieces: list[Interval] = []
    for a, b in wall:
        start, end = base + a * 60, base + b * 60
        for lo, hi in (
            (start - before, min(end - before, switch)),
            (max(start - after, switch), end - after),
        ):
            if lo < hi:
                pieces.append((lo, hi))
    return _merge(pieces)


def _timestamp(t: datetime) -> float:
    if t.tzinfo is None:
        raise ValueError(f"expected an aware datetime (with a time zone), got {t.isoformat()}")
    return t.timestamp()


# ---------------------------------------------------------------------- site calendar


@dataclass(frozen=True, slots=True)
class SiteCalendar:
    """When a site receives or hands over material: weekly hours in its time zone,
    closed on the public holidays of ``country`` / ``subdivision`` unless ``ph_open``.

    ``subdivision`` is ISO 3166-2 with its prefix ("GB-NIR", "DE-BY"). Countries the
    holidays package does not know have no holidays; subdivisions it does not know get
    the national ones (see :func:`validate_subdivision`).
    """

    opening_hours: OpeningHours
    timezone: str
    country: str
    subdivision: str | None = None
    ph_open: bool = False
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
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_holidays", _holiday_key(self.country, sub))
        object.__setattr__(self, "_always", self.ph_open and self.opening_hours.always_open)

    def is_holiday(self, d: date) -> bool:
        """Whether local date ``d`` is a public holiday at this site (ignores ph_open)."""
        if isinstance(d, datetime):
            raise TypeError("is_holiday takes the site's local date, not a datetime")
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
