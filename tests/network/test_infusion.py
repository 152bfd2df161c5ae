"""The infusion a delivery allows: lymphodepletion after delivery (or the therapy's
allowance before it), ``infusion_prep_days`` before the infusion, both while the centre
is open. Answers derived by hand for a London centre open Mo-Fr 08:00-18:00 (GMT in
winter, BST from Sun 2027-03-28), England's holidays (2026-12-25 Fri, 12-28 Mon
Boxing Day observed, 2027-01-01 Fri, Good Friday 2027-03-26, Easter Monday 03-29)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.model.calendar import OpeningHours, SiteCalendar
from logistics.network.compiled import _open_times
from logistics.network.infusion import infusion, infusion_at, infusion_time
from logistics.network.timebase import INF, from_s, to_s
from logistics.network.traversal import TimeTable

START = datetime(2026, 12, 1, tzinfo=UTC)
END = datetime(2027, 5, 1, tzinfo=UTC)
HOURS = _open_times(
    SiteCalendar(OpeningHours("Mo-Fr 08:00-18:00"), "Europe/London", "GB", "GB-ENG"), START, END
)
DAY = 86400
TABLE = TimeTable.of_hours([HOURS])  # the centre as owner 0


def utc(text: str) -> int:
    return to_s(datetime.fromisoformat(text).replace(tzinfo=UTC))


def times(delivery: str, prep_days: int = 5, early_h: float = 0) -> tuple[str, str]:
    treat, infuse = infusion(HOURS, utc(delivery), prep_days * DAY, round(early_h * 3600))
    return from_s(treat).isoformat()[:16], from_s(infuse).isoformat()[:16]


def test_open_weekday_delivery_infuses_prep_days_later_on_a_working_day() -> None:
    # Wed 12-02 10:00: lymphodepletion at once, 5 days later is Mon 12-07 10:00 (open)
    assert times("2026-12-02T10:00") == ("2026-12-02T10:00", "2026-12-07T10:00")


def test_infusion_moves_past_the_weekend_and_lymphodepletion_follows_it() -> None:
    # Fri 12-04 10:00 + 5 d = Wed 12-09 10:00, open
    assert times("2026-12-04T10:00") == ("2026-12-04T10:00", "2026-12-09T10:00")
    # Thu 12-03 10:00 + 5 d = Tue 12-08: open; Sat delivery 12-05: nothing before Mon
    # 12-07 08:00, + 5 d = Sat 12-12 -> Mon 12-14 08:00; lymphodepletion 5 d before,
    # Wed 12-09 08:00 (open, after the delivery)
    assert times("2026-12-05T11:00") == ("2026-12-09T08:00", "2026-12-14T08:00")


def test_evening_delivery_waits_for_the_morning() -> None:
    # Tue 12-01 19:00 (closed): lymphodepletion Wed 12-02 08:00, infusion Mon 12-07 08:00
    assert times("2026-12-01T19:00") == ("2026-12-02T08:00", "2026-12-07T08:00")


def test_holidays_close_the_centre() -> None:
    # Wed 12-23 12:00 + 5 d = Mon 12-28, Boxing Day observed; Tue 12-29 08:00 is the
    # first opening after it; 5 d before that is Thu 12-24 08:00 (open)
    assert times("2026-12-23T12:00") == ("2026-12-24T08:00", "2026-12-29T08:00")


def test_allowance_before_delivery() -> None:
    # 24 h allowed before a Wed 12-02 10:00 delivery: Tue 12-01 10:00, + 2 d = Thu
    assert times("2026-12-02T10:00", prep_days=2, early_h=24) == (
        "2026-12-01T10:00",
        "2026-12-03T10:00",
    )


def test_prep_days_are_elapsed_days_across_the_clock_change() -> None:
    # BST from Sun 2027-03-28: Thu 03-25 10:00Z + 5 d = Tue 03-30 10:00Z = 11:00 BST
    assert times("2027-03-25T10:00") == ("2027-03-25T10:00", "2027-03-30T10:00")
    # Wed 03-24 17:30Z (17:30 GMT, open) + 5 d = Mon 03-29 17:30Z = 18:30 BST, closed
    # (and Easter Monday): Tue 03-30 08:00 BST = 07:00Z; lymphodepletion 5 d before it,
    # Thu 03-25 07:00Z, is before the delivery, so at the delivery
    assert times("2027-03-24T17:30") == ("2027-03-24T17:30", "2027-03-30T07:00")
    # Good Friday 03-26 to Easter Monday 03-29 closed: a Fri 10:00Z delivery waits for
    # Tue 03-30 07:00Z; + 5 d = Sun 04-04 -> Mon 04-05 07:00Z; lymphodepletion Wed 03-31
    assert times("2027-03-26T10:00") == ("2027-03-31T07:00", "2027-04-05T07:00")


def test_no_opening_in_the_horizon_is_inf() -> None:
    assert infusion(HOURS, to_s(END) + 40 * DAY, 5 * DAY, 0) == (INF, INF)
    assert infusion(HOURS, INF, 5 * DAY, 0) == (INF, INF)


@settings(max_examples=200, deadline=None)
@given(
    a=st.integers(0, 120 * DAY),
    b=st.integers(0, 120 * DAY),
    prep=st.integers(0, 7),
    early_h=st.integers(0, 24),
)
def test_properties(a: int, b: int, prep: int, early_h: int) -> None:
    """Non-decreasing in the delivery; every answer is open, prep days apart at least,
    after the allowed start; the vectorised form and infusion_time agree with it."""
    early_h = min(early_h, 24 * prep)
    lo, hi = sorted((to_s(START) + a, to_s(START) + b))
    prep_s, early = prep * DAY, early_h * 3600
    t_lo, i_lo = infusion(HOURS, lo, prep_s, early)
    t_hi, i_hi = infusion(HOURS, hi, prep_s, early)
    assert i_lo <= i_hi
    for delivery, treat, infuse in ((lo, t_lo, i_lo), (hi, t_hi, i_hi)):
        assert treat >= delivery - early
        assert infuse - treat >= prep_s
        assert HOURS.next_open(treat) == treat and HOURS.next_open(infuse) == infuse
        # no earlier infusion: none is open in [earliest start + prep, infusion)
        first = HOURS.next_open(delivery - early)
        assert HOURS.next_open(first + prep_s) == infuse
    many = infusion_at(TABLE, 0, np.array([lo, hi], dtype=float), prep_s, early)
    assert list(many) == [i_lo, i_hi]
    assert [infusion_time(HOURS, d, prep_s, early) for d in (lo, hi, INF)] == [i_lo, i_hi, INF]


def test_vectorised_inf_stays_inf() -> None:
    out = infusion_at(
        TABLE, 0, np.array([INF, to_s(START + timedelta(days=1))], dtype=float), 5 * DAY, 0
    )
    assert out[0] == INF and np.isfinite(out[1])
