"""'PH off' as the last opening-hours rule: customs offices closed on public holidays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import logistics as lg
from logistics.model.calendar import OpeningHours
from logistics.model.constants import Material


def test_ph_off_is_a_last_rule_only():
    """'...; PH off' keeps the weekly hours and sets ph_off; without it ph_off is
    false and the two differ only by it; 'PH off' alone (no weekly hours) and other
    PH rules are refused."""
    hours = OpeningHours.parse("Mo-Fr 06:00-22:00; Sa 06:00-14:00; PH off")
    assert hours.ph_off
    plain = OpeningHours.parse("Mo-Fr 06:00-22:00; Sa 06:00-14:00")
    assert hours.ranges == plain.ranges and hours != plain  # same week, not the same hours
    assert not OpeningHours.parse("Mo-Fr 06:00-22:00").ph_off
    assert OpeningHours.parse("24/7; ph closed").ph_off
    for bad in ("PH off", "PH off; Mo-Fr 06:00-22:00", "Mo-Fr 06:00-22:00; PH 10:00-12:00"):
        with pytest.raises(ValueError, match="expected opening hours like"):
            OpeningHours.parse(bad)


def test_customs_office_hours_accept_ph_off(tiny: Path, cells):
    """customs.csv office_hours may end with 'PH off'; the rule keeps it."""
    cells.set(tiny / "customs.csv", 4, "office_hours", "Mo-Fr 06:00-22:00; PH off")
    net = lg.read_network(tiny)
    rule = net.customs_rule("TC-LON", "TC-MUC", "road", Material.FINISHED)
    assert rule is not None and rule.office_hours.ph_off


def test_site_open_on_holidays_cannot_say_ph_off(tiny: Path, cells, validate: Callable):
    """A site with ph_open = true whose hours say 'PH off' contradicts itself: refused
    at sites.csv row 2, column ph_open; with ph_open = false the same hours are valid."""
    cells.set(tiny / "sites.csv", 2, "opening_hours", "Mo-Fr 08:00-18:00; PH off")
    cells.set(tiny / "sites.csv", 2, "ph_open", "true")
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2 and run.issues == ["sites.csv:2:ph_open"], run.text
    cells.set(tiny / "sites.csv", 2, "ph_open", "false")
    assert validate(tiny, tiny / "orders.csv").exit_code == 0
