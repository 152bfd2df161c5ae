"""Local wall-clock times and UTC instants across DST changes.

A wall time that does not exist (spring forward gap) maps to the first instant after
the gap; a repeated one (fall back) to its first occurrence. Transitions are assumed to
be at most one per ~two days, true for every real zone.
"""

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.model.calendar.hours import _DAY, DayIntervals, Interval, _merge

__all__ = ["wall_to_utc"]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


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
