"""Site calendars: weekly opening hours, public holidays and time zones.

One module each: the opening-hours grammar (:mod:`.hours`), time zones and DST
(:mod:`.zones`), public holidays (:mod:`.public_holidays`) and the site calendar that
combines them (:mod:`.site`).

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

from logistics.model.calendar.hours import (
    ALWAYS_OPEN,
    WEEKDAYS,
    OpeningHours,
    parse_clock_times,
    parse_weekdays,
)
from logistics.model.calendar.public_holidays import validate_subdivision
from logistics.model.calendar.site import HORIZON_DAYS, SiteCalendar
from logistics.model.calendar.zones import wall_to_utc

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
