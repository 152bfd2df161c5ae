"""Orders built in code check their own rules at construction (no network needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.model.orders import CODE, Order, order_problems

T0 = datetime(2026, 12, 7, 13, tzinfo=UTC)


def _fields(**changes):
    return {
        "order_id": "P-1",
        "therapy": "cart-auto",
        "treatment_centre": "TC-LON",
        "apheresis_earliest": T0,
        "apheresis_latest": T0 + timedelta(days=4),
        **changes,
    }


def test_every_broken_rule_is_reported_at_once():
    """One Order breaking three rules raises one InputError with three issues, each
    naming <code> as the file and the column."""
    with pytest.raises(InputError) as info:
        Order(**_fields(order_id="P 1", priority=0, apheresis_latest=T0 - timedelta(hours=1)))
    issues = info.value.issues
    assert {i.file for i in issues} == {CODE}
    assert [i.column for i in issues] == ["order_id", "priority", "apheresis_latest"]


def test_left_out_fields_are_not_checked():
    """order_problems checks only the fields it is given (a reader leaves out cells it
    already reported), so a booked status alone breaks nothing."""
    assert order_problems({"status": "committed"}) == []
    assert [c for c, _, _ in order_problems({"status": "committed", "committed_site": None})] == [
        "committed_site"
    ]


@given(priority=st.one_of(st.integers(-3, 9), st.booleans(), st.floats(allow_nan=True)))
def test_priority_is_a_whole_number_1_to_5(priority):
    """Any priority other than the integers 1..5 (bools and floats included) raises
    InputError on the priority column; 1..5 build."""
    valid = type(priority) is int and 1 <= priority <= 5
    if valid:
        assert Order(**_fields(priority=priority)).priority == priority
    else:
        with pytest.raises(InputError) as info:
            Order(**_fields(priority=priority))
        assert [i.column for i in info.value.issues] == ["priority"]


@given(hours=st.integers(-72, 72))
def test_window_order(hours):
    """apheresis_latest before apheresis_earliest is refused; equal or later builds."""
    latest = T0 + timedelta(hours=hours)
    if hours >= 0:
        assert Order(**_fields(apheresis_latest=latest)).apheresis_latest == latest
    else:
        with pytest.raises(InputError, match="apheresis_latest: expected a time on or after"):
            Order(**_fields(apheresis_latest=latest))
