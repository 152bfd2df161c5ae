"""Delay distributions: quantiles hit, deterministic cases, geometric cancellations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from logistics.model.calendar import OpeningHours
from logistics.model.customs import CustomsRule
from logistics.model.disruptions import Window
from logistics.model.lanes import Lane
from logistics.risk.distributions import (
    Spread,
    cancel_skips,
    clearance_spread,
    hold_sigma,
    lane_spread,
    stream,
)

Z = np.random.default_rng(7).standard_normal(200_000)
T0 = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_lognormal_hits_median_and_p90() -> None:
    """A spread with 0 < median < p90 samples a lognormal through both quantiles."""
    x = Spread.from_hours(10, 15).sample(Z)
    assert np.quantile(x, 0.5) == pytest.approx(36000, rel=0.01)
    assert np.quantile(x, 0.9) == pytest.approx(54000, rel=0.01)


def test_equal_p90_is_deterministic() -> None:
    """p90 equal to the median gives the median, whatever the draws."""
    spread = Spread.from_hours(3, 3)
    assert spread.deterministic
    assert spread.sample(Z) == 3 * 3600
    assert spread.sample(None) == 3 * 3600


def test_zero_median_is_a_half_normal_with_the_p90() -> None:
    """A zero median with a positive p90: zero half the time, p90 exactly at 0.9."""
    x = Spread.from_hours(0, 2).sample(Z)
    assert np.mean(x == 0) == pytest.approx(0.5, abs=0.01)
    assert np.quantile(x, 0.9) == pytest.approx(7200, rel=0.01)
    assert x.min() >= 0


def test_disruption_effect_at_departure() -> None:
    """Lane and clearance spreads take the effect of the windows covering the departure:
    ``x factor + add_h`` on median and p90."""
    w = Window(start=T0, end=T0 + timedelta(hours=6), factor=2, add_h=1)
    lane = Lane(
        lane_id="L",
        carrier="C",
        mode="road",
        from_site="A",
        to_site="B",
        duration_h=3,
        duration_p90_h=4,
        windows=(w,),
    )
    assert lane_spread(lane, T0) == Spread(7 * 3600, 9 * 3600)
    assert lane_spread(lane, T0 + timedelta(hours=6)) == Spread(3 * 3600, 4 * 3600)
    rule = CustomsRule(
        from_territory="GB",
        to_territory="EU",
        mode=None,
        clearance_median_h=2,
        clearance_p90_h=6,
        office_hours=OpeningHours.parse("24/7"),
        windows=(w,),
    )
    assert clearance_spread(rule, T0 + timedelta(hours=1)) == Spread(5 * 3600, 13 * 3600)


def test_hold_sigma_gives_the_coefficient_of_variation() -> None:
    """exp(sigma z) with sigma from the cv has median 1 and that cv; cv 0 gives 0."""
    assert hold_sigma(0) == 0
    x = np.exp(hold_sigma(0.3) * Z)
    assert np.median(x) == pytest.approx(1, abs=0.01)
    assert x.std() / x.mean() == pytest.approx(0.3, rel=0.03)


def test_cancel_skips_are_geometric() -> None:
    """P(skips >= k) = p^k; p = 0 never skips."""
    u = np.random.default_rng(1).random(200_000)
    skips = cancel_skips(0.2, u)
    for k in (1, 2, 3):
        assert np.mean(skips >= k) == pytest.approx(0.2**k, abs=0.004)
    assert not cancel_skips(0.0, u).any()


def test_streams_depend_on_seed_order_and_leg() -> None:
    """A stream is a function of (seed, order id, direction, leg) only."""
    a = stream(0, "P-1", 0, 0).random(4)
    assert np.array_equal(a, stream(0, "P-1", 0, 0).random(4))
    for other in (
        stream(1, "P-1", 0, 0),
        stream(0, "P-2", 0, 0),
        stream(0, "P-1", 1, 0),
        stream(0, "P-1", 0, 1),
    ):
        assert not np.array_equal(a, other.random(4))
