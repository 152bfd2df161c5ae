"""Opening hours, public holidays and time zones of site calendars.

Clock changes used below (EU rules, change at 01:00 UTC on the last Sunday):
- 2026-03-29 01:00Z: London GMT (UTC+0) -> BST (UTC+1); Zurich/Berlin CET (UTC+1) ->
  CEST (UTC+2). Zurich wall clocks jump 02:00 -> 03:00, so 02:00-02:59 does not exist.
- 2026-10-25 01:00Z: London BST -> GMT (01:00-01:59 local happens twice); Zurich CEST ->
  CET (02:00-02:59 local happens twice).
Weekdays: 2026-01-05 Mon, 2026-01-06 Tue, 2026-01-09 Fri, 2026-03-17 Tue,
2026-03-28 Sat, 2026-03-29 Sun, 2026-10-24 Sat, 2026-10-25 Sun, 2026-12-24 Thu,
2026-12-25 Fri, 2026-12-26 Sat, 2026-12-27 Sun, 2026-12-28 Mon.
"""

import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.model.calendar import (
    HORIZON_DAYS,
    WEEKDAYS,
    OpeningHours,
    SiteCalendar,
    parse_clock_times,
    parse_weekdays,
    validate_subdivision,
    wall_to_utc,
)

ALL = frozenset(range(7))


def utc(text: str) -> datetime:
    """'2026-03-29T07:00' read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def site(
    hours: str,
    tz: str = "Europe/London",
    country: str = "GB",
    subdivision: str | None = None,
    ph_open: bool = False,
) -> SiteCalendar:
    return SiteCalendar(
        opening_hours=OpeningHours.parse(hours),
        timezone=tz,
        country=country,
        subdivision=subdivision,
        ph_open=ph_open,
    )


# ------------------------------------------------------------------- weekdays, times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mo-Fr", {0, 1, 2, 3, 4}),
        ("Mo-Fr,Su", {0, 1, 2, 3, 4, 6}),
        ("Sa;Su", {5, 6}),
        ("Mo,We,Fr", {0, 2, 4}),
        ("Fr-Mo", {4, 5, 6, 0}),  # wraps past Sunday: Fr Sa Su Mo
        ("Tu-Mo", ALL),  # wraps all the way round
        ("Su-Su", {6}),
        ("", ALL),  # empty = every day
        ("   ", ALL),
        (" mo - we ; SU ", {0, 1, 2, 6}),  # whitespace and case tolerant
    ],
)
def test_parse_weekdays(text: str, expected: set[int]) -> None:
    """Weekday lists, ranges (also wrapping ones) and the empty default parse to ints."""
    assert parse_weekdays(text) == frozenset(expected)


@pytest.mark.parametrize(
    "text", ["Mon", "Mo-", "-Fr", "Mo--Fr", "Mo-Tu-We", "Mo,,Tu", "Mo Fr", "1-5"]
)
def test_parse_weekdays_rejects(text: str) -> None:
    """Anything but two-letter weekday names, ranges and lists is a ValueError."""
    with pytest.raises(ValueError, match="expected weekdays like 'Mo-Fr'"):
        parse_weekdays(text)


def test_weekday_names_match_python() -> None:
    """WEEKDAYS[i] is the name of date.weekday() == i (2026-01-05 is a Monday)."""
    assert WEEKDAYS[date(2026, 1, 5).weekday()] == "Mo"
    assert len(WEEKDAYS) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:10;18:30", (430, 1110)),  # 7*60+10 = 430, 18*60+30 = 1110
        ("18:30;07:10", (430, 1110)),  # sorted
        ("7:05", (425,)),  # H:MM: 7*60+5
        ("00:00;23:59", (0, 1439)),  # the extremes: 23*60+59 = 1439
        (" 07:10 ; 18:30 ", (430, 1110)),
        ("07:10,18:30", (430, 1110)),
        ("", ()),  # no timetable (on demand)
    ],
)
def test_parse_clock_times(text: str, expected: tuple[int, ...]) -> None:
    """Clock times become sorted minutes after local midnight."""
    assert parse_clock_times(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "7:5", "07:60", "0710", "07:10;;18:30", "07:10;07:10", "07:10;", "x", "-1:00"]
)
def test_parse_clock_times_rejects(text: str) -> None:
    """Out-of-range, malformed, empty-item and repeated times are ValueErrors."""
    with pytest.raises(ValueError, match="expected local times like '07:10;18:30'"):
        parse_clock_times(text)


# --------------------------------------------------------------- opening hours syntax


def test_split_hours_and_overnight_intervals() -> None:
    """Split hours give two intervals; an overnight range gives [start, 1440) on its day
    and [0, end) on the next."""
    oh = OpeningHours.parse("Mo-Fr 08:00-12:00,13:00-17:00; Fr 22:00-02:00")
    # Mo-Th keep the split hours: 08:00 = 480, 12:00 = 720, 13:00 = 780, 17:00 = 1020.
    assert oh.intervals[0] == ((480, 720), (780, 1020))
    assert oh.intervals[3] == ((480, 720), (780, 1020))
    # The later Fr rule replaces Friday's hours (OSM): only 22:00 = 1320 .. midnight.
    assert oh.intervals[4] == ((1320, 1440),)
    # Its tail runs Saturday 00:00-02:00 = [0, 120); Sunday is closed.
    assert oh.intervals[5] == ((0, 120),)
    assert oh.intervals[6] == ()
    assert oh.ranges[4] == ((1320, 120 + 1440),)  # as stated: ends 02:00 the next day


def test_off_overrides_and_all_day_rules() -> None:
    """ "Su off" closes Sunday after an every-day rule; a rule without weekdays applies
    every day; "24/7" is open around the clock; "24:00" ends at midnight."""
    oh = OpeningHours.parse("08:00-18:00; Su off")
    assert oh.intervals[:6] == (((480, 1080),),) * 6
    assert oh.intervals[6] == ()
    assert OpeningHours.parse("24/7").always_open
    assert OpeningHours.parse("Mo-Su 00:00-24:00").always_open
    assert OpeningHours.parse("Mo 20:00-24:00").intervals[0] == ((1200, 1440),)
    assert OpeningHours.parse("24/7; Su off").intervals[6] == ()
    assert OpeningHours.parse("off").never_open
    # Overlapping ranges merge: 08:00-12:00 and 11:00-14:00 -> 08:00-14:00 = [480, 840).
    assert OpeningHours.parse("Mo 08:00-12:00,11:00-14:00").intervals[0] == ((480, 840),)


def test_whitespace_text_and_equality() -> None:
    """Spacing does not matter; the text is kept as written; equality is by schedule."""
    loose = OpeningHours.parse("  Mo - Fr  08:00 - 12:00 , 13:00-18:00 ;Sa 9:00-12:00 ")
    tight = OpeningHours.parse("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00")
    assert loose == tight and hash(loose) == hash(tight)
    assert str(tight) == tight.text == "Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00"
    assert OpeningHours("Mo-Fr 08:00-18:00") == OpeningHours.parse("Mo-Fr 08:00-18:00")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Mo-Fr",  # weekdays without hours
        "Mo-Fr 08:00",  # not a range
        "Mo-Fr 8-18",
        "Xx 08:00-10:00",
        "Mo-Fr 25:00-26:00",
        "Mo 08:60-09:00",
        "Mo 08:00-08:00",  # empty range
        "Mo 24:00-02:00",  # 24:00 only as an end
        "Mo-Fr 08:00-18:00;;Sa 09:00-12:00",  # empty rule
        "Mo-Fr 08:00-18:00;",
        "PH off",
        "Mo- 08:00-09:00",
        "Mo, 08:00-09:00",
        "Mo 08:00-12:00,",
        "Mo 08:00-12:00 13:00-14:00",  # missing comma
        "24/7 08:00-09:00",
        "Mo 24/7",
        "Mo-Fr 08:00-18:00 off",
        "Mo-Fr 08:00–18:00",  # en dash
        "sunrise-sunset",
    ],
)
def test_invalid_opening_hours(text: str) -> None:
    """Anything outside the supported subset is a ValueError saying what was expected."""
    with pytest.raises(ValueError, match="expected opening hours like"):
        OpeningHours.parse(text)


# ---------------------------------------------------------------------- site behaviour


def test_split_hours_site() -> None:
    """A lunch break closes the site; next_open and open_until follow the split hours."""
    cal = site("Mo-Fr 08:00-12:00,13:00-17:00", "Europe/Berlin", "DE", "DE-NW")
    # Berlin is UTC+1 in January. Wed 2026-01-07 11:30Z = 12:30 CET: lunch, closed.
    t = utc("2026-01-07T11:30")
    assert not cal.is_open(t)
    # Opens again 13:00 CET = 12:00Z and closes 17:00 CET = 16:00Z.
    assert cal.next_open(t) == utc("2026-01-07T12:00")
    assert cal.open_until(utc("2026-01-07T12:00")) == utc("2026-01-07T16:00")
    # 10:59Z = 11:59 CET is open until 12:00 CET = 11:00Z.
    assert cal.open_until(utc("2026-01-07T10:59")) == utc("2026-01-07T11:00")
    assert cal.open_until(t) is None  # closed -> None


def test_overnight_range() -> None:
    """'Fr 22:00-02:00' is open Friday 22:00 to Saturday 02:00 local."""
    cal = site("Fr 22:00-02:00", "Europe/Berlin", "DE", "DE-NW")
    # Fri 2026-01-09 22:00 CET = 21:00Z opens; Sat 02:00 CET = 01:00Z closes.
    assert not cal.is_open(utc("2026-01-09T20:59"))
    assert cal.is_open(utc("2026-01-09T21:00"))
    assert cal.is_open(utc("2026-01-10T00:59"))  # Sat 01:59 CET
    assert not cal.is_open(utc("2026-01-10T01:00"))  # Sat 02:00 CET
    # The two parts are one opening: from Fri 23:00 CET it stays open until Sat 01:00Z.
    assert cal.open_until(utc("2026-01-09T22:00")) == utc("2026-01-10T01:00")
    # After it closes, the next opening is a week later: Fri 2026-01-16 21:00Z.
    assert cal.next_open(utc("2026-01-10T01:00")) == utc("2026-01-16T21:00")


def test_su_off_override_and_input_zone() -> None:
    """'Su off' after an every-day rule keeps Sunday closed; inputs in any zone work and
    results are UTC."""
    cal = site("Mo-Su 08:00-18:00; Su off")
    # Sun 2026-01-11 10:00 GMT: closed; next is Mon 08:00 GMT = 08:00Z.
    sunday = datetime(2026, 1, 11, 15, 0, tzinfo=timezone(timedelta(hours=5)))  # = 10:00Z
    assert not cal.is_open(sunday)
    result = cal.next_open(sunday)
    assert result == utc("2026-01-12T08:00") and result is not None
    assert result.utcoffset() == timedelta(0)


def test_open_until_merges_across_midnight() -> None:
    """Intervals that touch at midnight are one opening for open_until."""
    cal = site("Mo 20:00-24:00; Tu 00:00-04:00")
    # London winter = UTC+0: Mon 2026-01-12 21:00Z is inside Mo 20:00-24:00, which runs
    # on into Tu 00:00-04:00, so the site closes Tue 04:00Z.
    assert cal.open_until(utc("2026-01-12T21:00")) == utc("2026-01-13T04:00")


def test_always_open() -> None:
    """24/7 with ph_open: next_open is t itself, open_until is a far instant, not None."""
    cal = site("24/7", ph_open=True)
    t = datetime(2026, 12, 25, 12, 0, 30, 123456, tzinfo=UTC)
    assert cal.is_open(t) and cal.next_open(t) == t
    until = cal.open_until(t)
    assert until is not None and until - t >= timedelta(days=HORIZON_DAYS)


def test_never_open() -> None:
    """Opening hours without any open time give None from next_open (no infinite loop)."""
    cal = site("Mo-Su off")
    assert cal.next_open(utc("2026-01-01T00:00")) is None
    assert not cal.is_open(utc("2026-01-01T00:00"))
    assert cal.open_until(utc("2026-01-01T00:00")) is None


def test_naive_datetimes_and_bad_fields_rejected() -> None:
    """Naive instants and malformed time zone, country or subdivision are ValueErrors."""
    cal = site("24/7")
    with pytest.raises(ValueError, match="aware"):
        cal.next_open(datetime(2026, 1, 1, 12))
    oh = OpeningHours.parse("24/7")
    for bad in (
        {"timezone": "Europe/Atlantis", "country": "GB"},
        {"timezone": "Europe/London", "country": "gb"},
        {"timezone": "Europe/London", "country": "GB", "subdivision": "NIR"},
        {"timezone": "Europe/London", "country": "GB", "subdivision": "IE-D"},
    ):
        with pytest.raises(ValueError, match="expected"):
            SiteCalendar(opening_hours=oh, **bad)


def test_calendar_is_a_value() -> None:
    """Calendars compare by their fields, hash, and survive pickling (worker processes)."""
    a = site("Mo-Fr 08:00-18:00", "Europe/Berlin", "DE", "DE-BY")
    b = site("Mo-Fr 08:00-18:00", "Europe/Berlin", "DE", "DE-BY")
    a.next_open(utc("2026-01-06T12:00"))  # fills a's private day cache
    assert a == b and hash(a) == hash(b)
    c = pickle.loads(pickle.dumps(a))
    assert c == a and c.next_open(utc("2026-01-06T12:00")) == utc("2026-01-07T07:00")


# ---------------------------------------------------------------------------- DST


def test_london_spring_forward() -> None:
    """next_open across BST start (2026-03-29 01:00Z)."""
    cal = site("Mo-Su 08:00-18:00")
    # Sat 2026-03-28 18:30Z = 18:30 GMT: closed. Sunday 08:00 BST = 08:00 - 1 h = 07:00Z.
    assert cal.next_open(utc("2026-03-28T18:30")) == utc("2026-03-29T07:00")
    # Closes Sunday 18:00 BST = 17:00Z.
    assert cal.open_until(utc("2026-03-29T07:00")) == utc("2026-03-29T17:00")
    # The day before still used GMT: Saturday 08:00 GMT = 08:00Z.
    assert cal.next_open(utc("2026-03-28T02:00")) == utc("2026-03-28T08:00")


def test_london_fall_back() -> None:
    """next_open across BST end (2026-10-25 01:00Z)."""
    cal = site("Mo-Su 08:00-18:00")
    # Sat 2026-10-24 18:00Z = 19:00 BST: closed. Sunday 08:00 GMT = 08:00Z.
    assert cal.next_open(utc("2026-10-24T18:00")) == utc("2026-10-25T08:00")
    # Saturday was still BST: 08:00 BST = 07:00Z.
    assert cal.next_open(utc("2026-10-24T02:00")) == utc("2026-10-24T07:00")


def test_zurich_spring_forward() -> None:
    """next_open across CEST start in Zurich (2026-03-29 01:00Z)."""
    cal = site("Mo-Su 08:00-18:00", "Europe/Zurich", "CH", "CH-ZH")
    # Sat 2026-03-28 17:30Z = 18:30 CET: closed. Sunday 08:00 CEST = 08:00 - 2 h = 06:00Z.
    assert cal.next_open(utc("2026-03-28T17:30")) == utc("2026-03-29T06:00")
    # Open 08:00-18:00 CEST = 06:00Z-16:00Z.
    assert cal.open_until(utc("2026-03-29T06:00")) == utc("2026-03-29T16:00")


def test_zurich_fall_back() -> None:
    """next_open across CEST end in Zurich (2026-10-25 01:00Z)."""
    cal = site("Mo-Su 08:00-18:00", "Europe/Zurich", "CH", "CH-ZH")
    # Sat 2026-10-24 16:30Z = 18:30 CEST: closed. Sunday 08:00 CET = 08:00 - 1 h = 07:00Z.
    assert cal.next_open(utc("2026-10-24T16:30")) == utc("2026-10-25T07:00")


def test_zurich_opening_in_the_spring_gap() -> None:
    """A site opening at 02:30 on the spring-forward night (a wall time that does not
    exist) opens at the first instant after the gap."""
    cal = site("Su 02:30-04:00", "Europe/Zurich", "CH", "CH-ZH")
    # Sat 2026-03-28 23:00Z = Sun 00:00 CET. Clocks jump 02:00 CET -> 03:00 CEST at
    # 01:00Z, so 02:30 never shows; the first instant after the gap is 01:00Z.
    assert cal.next_open(utc("2026-03-28T23:00")) == utc("2026-03-29T01:00")
    assert not cal.is_open(utc("2026-03-29T00:59"))  # 01:59 CET
    # It closes 04:00 CEST = 02:00Z: one real hour instead of one and a half.
    assert cal.open_until(utc("2026-03-29T01:00")) == utc("2026-03-29T02:00")
    # A week later there is no gap: 02:30 CEST = 00:30Z.
    assert cal.next_open(utc("2026-03-29T02:00")) == utc("2026-04-05T00:30")


def test_opening_entirely_inside_the_gap_is_skipped() -> None:
    """An opening whose wall times all fall in the spring gap never happens that day."""
    cal = site("Su 02:10-02:50", "Europe/Zurich", "CH", "CH-ZH")
    # 2026-03-29 02:10-02:50 does not exist; next Sunday 2026-04-05 02:10 CEST = 00:10Z.
    assert cal.next_open(utc("2026-03-28T23:00")) == utc("2026-04-05T00:10")


def test_repeated_hour_uses_the_first_occurrence() -> None:
    """In the fall-back hour, 'opens at' is the first occurrence; the wall clock decides
    whether the repeated hour is open."""
    cal = site("Su 01:30-03:00")
    # 2026-10-25 London: 01:30 BST = 00:30Z first, 01:30 GMT = 01:30Z second.
    assert cal.next_open(utc("2026-10-25T00:00")) == utc("2026-10-25T00:30")
    # 01:00Z-01:29Z reads 01:00-01:29 GMT (before 01:30): closed, then open again.
    assert not cal.is_open(utc("2026-10-25T01:10"))
    assert cal.next_open(utc("2026-10-25T01:10")) == utc("2026-10-25T01:30")
    # The first piece ends when the clocks go back at 01:00Z; the second at 03:00 GMT.
    assert cal.open_until(utc("2026-10-25T00:30")) == utc("2026-10-25T01:00")
    assert cal.open_until(utc("2026-10-25T01:30")) == utc("2026-10-25T03:00")


def test_overnight_range_across_dst_changes() -> None:
    """An overnight range spanning a clock change is longer or shorter in real time."""
    london = site("Sa 22:00-06:00")
    # Sat 2026-10-24 22:00 BST = 21:00Z to Sun 06:00 GMT = 06:00Z: 9 h real for 8 h wall.
    assert london.next_open(utc("2026-10-24T12:00")) == utc("2026-10-24T21:00")
    assert london.open_until(utc("2026-10-24T21:00")) == utc("2026-10-25T06:00")
    assert london.is_open(utc("2026-10-25T01:30"))  # 01:30 GMT, the repeated hour
    zurich = site("Sa 22:00-06:00", "Europe/Zurich", "CH", "CH-ZH")
    # Sat 2026-03-28 22:00 CET = 21:00Z to Sun 06:00 CEST = 04:00Z: 7 h real.
    assert zurich.next_open(utc("2026-03-28T12:00")) == utc("2026-03-28T21:00")
    assert zurich.open_until(utc("2026-03-28T21:00")) == utc("2026-03-29T04:00")


def test_wall_to_utc() -> None:
    """Local wall times map to UTC: gap -> first instant after it, repeat -> first."""
    # Zurich 2026-03-29 02:30 does not exist -> 03:00 CEST = 01:00Z.
    assert wall_to_utc(date(2026, 3, 29), 150, "Europe/Zurich") == utc("2026-03-29T01:00")
    # London 2026-10-25 01:30 happens twice -> first: 01:30 BST = 00:30Z.
    assert wall_to_utc(date(2026, 10, 25), 90, "Europe/London") == utc("2026-10-25T00:30")
    # Summer London 12:00 BST = 11:00Z; 24:00 is the next midnight.
    assert wall_to_utc(date(2026, 6, 1), 720, "Europe/London") == utc("2026-06-01T11:00")
    assert wall_to_utc(date(2026, 6, 1), 1440, "Europe/London") == utc("2026-06-01T23:00")


# ------------------------------------------------------------------------- holidays


def test_epiphany_in_bavaria_only() -> None:
    """2026-01-06 (Epiphany) closes a DE-BY site but not a DE-NW one."""
    hours = "Mo-Fr 08:00-18:00"
    bavaria = site(hours, "Europe/Berlin", "DE", "DE-BY")
    nrw = site(hours, "Europe/Berlin", "DE", "DE-NW")
    t = utc("2026-01-06T09:00")  # Tue 10:00 CET
    assert bavaria.is_holiday(date(2026, 1, 6)) and not nrw.is_holiday(date(2026, 1, 6))
    assert nrw.is_open(t) and not bavaria.is_open(t)
    # Bavaria opens Wed 08:00 CET = 07:00Z.
    assert bavaria.next_open(t) == utc("2026-01-07T07:00")


def test_st_patricks_day_in_northern_ireland_only() -> None:
    """2026-03-17 closes a GB-NIR site but not a GB-ENG one."""
    hours = "Mo-Fr 09:00-17:00"
    belfast = site(hours, subdivision="GB-NIR")
    london = site(hours, subdivision="GB-ENG")
    t = utc("2026-03-17T10:00")  # Tue, GMT = UTC
    assert london.is_open(t) and not belfast.is_open(t)
    assert belfast.next_open(t) == utc("2026-03-18T09:00")


def test_christmas_closures() -> None:
    """25/26 December close sites; England also closes the substitute Monday 28th."""
    berlin = site("Mo-Sa 08:00-18:00", "Europe/Berlin", "DE", "DE-BY")
    # Thu 24th 17:30Z = 18:30 CET closed; Fri 25th and Sat 26th are holidays, Sunday is
    # not in the hours, so Mon 28th 08:00 CET = 07:00Z.
    assert berlin.next_open(utc("2026-12-24T17:30")) == utc("2026-12-28T07:00")
    london = site("Mo-Fr 09:00-17:00", subdivision="GB-ENG")
    # Boxing Day falls on Saturday, so Mon 28th is the bank holiday: Tue 29th 09:00Z.
    assert london.next_open(utc("2026-12-24T17:00")) == utc("2026-12-29T09:00")
    # A 24/7 site without ph_open is shut on the 25th and 26th and reopens Sunday 00:00.
    nonstop = site("24/7", subdivision="GB-ENG")
    assert nonstop.open_until(utc("2026-12-24T12:00")) == utc("2026-12-25T00:00")
    assert nonstop.next_open(utc("2026-12-25T12:00")) == utc("2026-12-27T00:00")


def test_ph_open_ignores_holidays() -> None:
    """With ph_open the weekly hours hold on public holidays too."""
    cal = site("Mo-Sa 08:00-18:00", "Europe/Berlin", "DE", "DE-BY", ph_open=True)
    # Fri 2026-12-25 08:00 CET = 07:00Z.
    assert cal.next_open(utc("2026-12-24T17:30")) == utc("2026-12-25T07:00")
    assert cal.is_holiday(date(2026, 12, 25))  # still a holiday, just not closing


def test_overnight_tail_follows_the_starting_day() -> None:
    """The tail of an overnight range counts under the holiday status of the day it
    started: Mon 22:00-02:00 runs into Epiphany; Tue 22:00-02:00 is cancelled by it."""
    monday = site("Mo 22:00-02:00", "Europe/Berlin", "DE", "DE-BY")
    # Tue 2026-01-06 00:30 CET = 2026-01-05 23:30Z: open although the 6th is a holiday.
    assert monday.is_open(utc("2026-01-05T23:30"))
    tuesday = site("Tu 22:00-02:00", "Europe/Berlin", "DE", "DE-BY")
    # Tue 6th 22:00 CET = 21:00Z closed and so is its tail Wed 00:30 CET = 6th 23:30Z;
    # next is Tue 2026-01-13 22:00 CET = 21:00Z.
    assert not tuesday.is_open(utc("2026-01-06T23:30"))
    assert tuesday.next_open(utc("2026-01-06T20:00")) == utc("2026-01-13T21:00")


def test_unknown_country_and_subdivision() -> None:
    """A country unknown to holidays has none; an unknown subdivision falls back to the
    national holidays; later years load lazily."""
    nowhere = site("Mo-Su 08:00-18:00", "UTC", "ZZ")
    assert not nowhere.is_holiday(date(2026, 12, 25))
    assert nowhere.is_open(utc("2026-12-25T12:00"))
    odd = site("24/7", "Europe/Berlin", "DE", "DE-ZZ")
    assert odd.is_holiday(date(2026, 12, 25)) and not odd.is_holiday(date(2026, 1, 6))
    assert odd.is_holiday(date(2031, 12, 25))


def test_validate_subdivision() -> None:
    """Known subdivisions pass; unknown ones get a phrase of what was expected."""
    assert validate_subdivision("DE", "DE-BY") is None
    assert validate_subdivision("GB", "GB-NIR") is None
    assert validate_subdivision("ZZ", "ZZ-01") is None  # no holiday data: nothing to check
    problem = validate_subdivision("DE", "DE-XX")
    assert problem is not None and "DE-BY" in problem
    assert validate_subdivision("DE", "AT-9") is not None


# --------------------------------------------------------------------------- property

ZONES = [
    ("Europe/London", "GB", "GB-ENG"),
    ("Europe/Zurich", "CH", "CH-ZH"),
    ("Europe/Berlin", "DE", "DE-BY"),
    ("Europe/Helsinki", "FI", None),
    ("UTC", "ZZ", None),
]
# DST changes and holidays, where mistakes would hide.
BASES = [
    utc("2026-03-29T01:00"),
    utc("2026-10-25T01:00"),
    utc("2026-12-25T00:00"),
    utc("2026-01-06T00:00"),
    utc("2026-06-15T12:00"),
]
SELECTORS = ["", "Mo-Fr ", "Sa ", "Su ", "Mo,We,Fr ", "Fr-Mo ", "Tu-Th,Sa "]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def rules(draw: st.DrawFn) -> str:
    selector = draw(st.sampled_from(SELECTORS))
    if selector and draw(st.integers(0, 5)) == 0:
        return selector + "off"
    ranges = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, 287)) * 5
        end = start + draw(st.integers(1, 287)) * 5  # < start + 1440: never empty
        ranges.append(f"{_clock(start)}-{'24:00' if end == 1440 else _clock(end % 1440)}")
    return selector + ",".join(ranges)


specs = st.one_of(st.just("24/7"), st.lists(rules(), min_size=1, max_size=3).map("; ".join))


def wall_open(cal: SiteCalendar, t: datetime) -> bool:
    """Reference: read the wall clock and the weekly ranges directly."""
    local = t.astimezone(ZoneInfo(cal.timezone))
    day = local.date()
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    ranges = cal.opening_hours.ranges
    own_ok = cal.ph_open or not cal.is_holiday(day)
    if own_ok and any(s <= minute < min(e, 1440) for s, e in ranges[day.weekday()]):
        return True
    previous = day - timedelta(days=1)
    if cal.ph_open or not cal.is_holiday(previous):
        return any(minute < e - 1440 for _, e in ranges[previous.weekday()] if e > 1440)
    return False


@settings(max_examples=40, deadline=None)
@given(
    spec=specs,
    zone=st.sampled_from(ZONES),
    ph_open=st.booleans(),
    base=st.sampled_from(BASES),
    shift=st.integers(-3 * 86400, 3 * 86400),
)
def test_next_open_matches_brute_force(
    spec: str, zone: tuple[str, str, str | None], ph_open: bool, base: datetime, shift: int
) -> None:
    """next_open(t) >= t is open, and scanning minute by minute (8 days) finds nothing
    open before it; is_open and open_until agree with a wall-clock reference."""
    cal = site(spec, *zone, ph_open=ph_open)
    t = base + timedelta(seconds=shift, microseconds=shift % 7 * 1000)
    assert cal.is_open(t) == wall_open(cal, t)
    found = cal.next_open(t)
    limit = t + timedelta(days=8)
    if found is not None:
        assert found >= t and found.utcoffset() == timedelta(0)
        assert cal.is_open(found) and wall_open(cal, found)
        limit = min(limit, found)
    # All instants where the state can change are whole UTC minutes (whole-hour offsets),
    # so checking t and every whole minute after it covers the interval [t, limit).
    if wall_open(cal, t):
        assert found == t
    probe = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while probe < limit:
        assert not wall_open(cal, probe), probe
        probe += timedelta(minutes=1)
    if found is not None:
        until = cal.open_until(found)
        assert until is not None and until > found
        if until - found < timedelta(days=HORIZON_DAYS - 2):  # else: does not close
            assert not wall_open(cal, until)
            # Spot-check that it stays open in between (every 17 minutes).
            step = max(timedelta(minutes=17), (until - found) / 200)
            probe = found
            while probe < until:
                assert wall_open(cal, probe), probe
                probe += step
