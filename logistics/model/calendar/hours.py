"""Weekly opening hours: the OpenStreetMap subset grammar and its parsed week.

An overnight range ("Fr 22:00-02:00") belongs to the day that names it: a later rule
for Saturday does not cut its tail (see :class:`OpeningHours`).
"""

import re
from dataclasses import dataclass, field
from typing import Self

__all__ = ["ALWAYS_OPEN", "WEEKDAYS", "OpeningHours", "parse_clock_times", "parse_weekdays"]

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

Interval = tuple[int, int]
DayIntervals = tuple[Interval, ...]

_DAY = 1440  # minutes
_ALL_DAYS = frozenset(range(7))
_WEEKDAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAYS)}
_CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TOKEN_RE = re.compile(r"\s*(?:([0-9]{1,2}:[0-9]{2})|([A-Za-z]+)|(24/7)|([-,]))")

_WEEKDAYS_EXPECTED = "expected weekdays like 'Mo-Fr' or 'Mo,We,Fr'"
_TIMES_EXPECTED = "expected local times like '07:10;18:30' (H:MM or HH:MM, 00:00-23:59)"
_HOURS_EXPECTED = "expected opening hours like 'Mo-Fr 08:00-18:00; Sa 09:00-12:00' or '24/7'"


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
                raise _hours_error(text, "public holidays only as a last rule 'PH off'")
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


_PH_OFF = re.compile(r"\s*PH\s+(off|closed)\s*", re.IGNORECASE)


def _parse_opening_hours(text: str) -> tuple[tuple[DayIntervals, ...], bool]:
    """The week's ranges, and whether a last rule ``PH off`` closes public holidays."""
    week: list[DayIntervals] = [()] * 7
    if not text.strip():
        raise _hours_error(text, "empty")
    rules = text.split(";")
    ph_off = len(rules) > 1 and _PH_OFF.fullmatch(rules[-1]) is not None
    for rule in rules[:-1] if ph_off else rules:
        days, ranges = _parse_rule(rule, text)
        for day in days:  # a later rule replaces what earlier rules said about its days
            week[day] = ranges
    return tuple(week), ph_off


# ----------------------------------------------------------------------- opening hours


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Weekly opening hours in the OpenStreetMap subset ``Mo-Fr 08:00-12:00,13:00-18:00;
    Fr 22:00-02:00; Su off`` or ``24/7``; parsed from ``text`` on construction. A last
    rule ``PH off`` sets ``ph_off``: closed on public holidays (site calendars close on
    holidays anyway unless ``ph_open``; customs offices only with it).

    ``ranges[d]``: weekday ``d``'s ranges as its rules state them, minutes after that
    day's midnight (an end past 1440 runs into the next day). ``intervals[d]``: what is
    open on weekday ``d`` itself, clipped to [0, 1440), including the previous day's
    overnight tail. Equality compares the schedule, not the spelling.
    """

    text: str = field(compare=False)
    ranges: tuple[DayIntervals, ...] = field(init=False, repr=False)
    ph_off: bool = field(init=False, repr=False)
    intervals: tuple[DayIntervals, ...] = field(init=False, repr=False, compare=False)
    # _variants[d][own_ok * 2 + tail_ok]: weekday d's intervals when its own ranges
    # (own_ok) and the previous day's overnight tail (tail_ok) count.
    _variants: tuple[tuple[DayIntervals, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"opening hours text must be str, got {type(self.text).__name__}")
        week, ph_off = _parse_opening_hours(self.text)
        object.__setattr__(self, "ph_off", ph_off)
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
