"""Cell parsers: each returns a value or raises ValueError naming what was expected."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from logistics.io.bounds import check_date, check_moment, date_range_text
from logistics.model.calendar import OpeningHours, parse_clock_times, parse_weekdays
from logistics.model.constants import TEMPERATURES

ID_RE = re.compile(r"[A-Za-z0-9_.-]+")
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


def ident(text: str) -> str:
    """An identifier ``[A-Za-z0-9_.-]+``."""
    if not ID_RE.fullmatch(text):
        raise ValueError("an identifier of letters, digits, '_', '.' or '-'")
    return text


def id_list(text: str) -> frozenset[str]:
    """Identifiers separated by ``;`` (``GB;UK``)."""
    parts = [part.strip() for part in text.split(";")]
    if not all(ID_RE.fullmatch(part) for part in parts):
        raise ValueError("identifiers separated by ';'")
    return frozenset(parts)


def number(text: str, *, minimum: float | None = 0.0, positive: bool = False) -> float:
    """A finite decimal number (hours, euros, degrees)."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError("a number") from None
    if not math.isfinite(value):
        raise ValueError("a finite number")
    if positive and value <= 0:
        raise ValueError("a number > 0")
    if minimum is not None and value < minimum:
        raise ValueError(f"a number >= {minimum:g}")
    return value


def count(text: str) -> int:
    """A whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError("a whole number >= 0") from None
    if value < 0:
        raise ValueError("a whole number >= 0")
    return value


def boolean(text: str) -> bool:
    """true/false (also yes/no, 1/0)."""
    low = text.lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    raise ValueError("true or false")


def iso_date(text: str) -> date:
    """An ISO 8601 calendar date from 2000-01-01 to 2100-12-31."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("an ISO 8601 date (YYYY-MM-DD)") from None
    return check_date(day, "an ISO 8601 date")


def clock(text: str) -> int:
    """A local time of day HH:MM -> minutes after midnight."""
    m = _CLOCK_RE.fullmatch(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("a local time HH:MM")
    return int(m.group(1)) * 60 + int(m.group(2))


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def timezone(text: str) -> str:
    """An IANA time zone name that names a zone (not a folder such as ``Europe``)."""
    if text not in _zones():
        raise ValueError("an IANA time zone name such as 'Europe/Paris'")
    return text


def temperatures(text: str) -> frozenset[str]:
    """Temperature classes separated by ';'."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    bad = [p for p in parts if p not in TEMPERATURES]
    if not parts or bad:
        raise ValueError(f"temperature classes from {', '.join(TEMPERATURES)} separated by ';'")
    return frozenset(parts)


def temperature(text: str) -> str:
    """One temperature class."""
    if text not in TEMPERATURES:
        raise ValueError(f"one of {', '.join(TEMPERATURES)}")
    return text


def choice(*options: str):
    """A parser accepting one of ``options``."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"one of {', '.join(options)}")
        return text

    return parse


def opening_hours(text: str) -> OpeningHours:
    """Opening hours in the OpenStreetMap subset ``Mo-Fr 08:00-18:00; Sa 09:00-12:00``."""
    try:
        return OpeningHours.parse(text)
    except ValueError:
        raise ValueError(
            "opening hours like 'Mo-Fr 08:00-18:00; Sa 09:00-12:00' or '24/7'"
        ) from None


def weekdays(text: str) -> frozenset[int]:
    """Weekdays like ``Mo-Fr`` or ``Mo,We,Fr``."""
    try:
        return parse_weekdays(text)
    except ValueError:
        raise ValueError("weekdays like 'Mo-Fr' or 'Mo,We,Fr'") from None


def departures(text: str) -> tuple[int, ...]:
    """Local departure times ``07:10;18:30``."""
    try:
        return parse_clock_times(text)
    except ValueError:
        raise ValueError("local departure times like '07:10;18:30'") from None


def local_datetime(text: str, tz: str) -> datetime:
    """An ISO 8601 datetime; without offset it is local time in ``tz``. Returns UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("an ISO 8601 datetime such as 2026-12-08T13:00") from None
    if len(text) <= 10:
        raise ValueError("an ISO 8601 datetime such as 2026-12-08T13:00")
    check_moment(value, "an ISO 8601 datetime")
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def day_bound(text: str, tz: str, *, end: bool) -> datetime:
    """A date (the whole local day: its start, or with ``end`` its last instant) or datetime."""
    if len(text) == 10:
        day = iso_date(text)
        local = datetime.combine(day, time.max if end else time.min, ZoneInfo(tz))
        return local.astimezone(UTC)
    try:
        return local_datetime(text, tz)
    except ValueError as exc:
        if date_range_text() in str(exc):
            raise ValueError(f"an ISO 8601 date or datetime {date_range_text()}") from None
        raise ValueError("an ISO 8601 date or datetime") from None
