"""Scenario disruption windows in the engine and in the independent checker."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import logistics as lg
from logistics.check import check_itinerary
from logistics.model.disruptions import Window
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import chain_to, earliest_chains, replay, search
from logistics.network.router import Router
from logistics.network.timebase import INF, to_s

READY = datetime(2026, 12, 7, 13, tzinfo=UTC)  # Monday; London is on GMT (UTC+0)


def tiny():
    return lg.read_network(Path(__file__).resolve().parents[1] / "data" / "tiny")


def with_lane_window(net, lane_id, window):
    lanes = tuple(
        dataclasses.replace(la, windows=(*la.windows, window)) if la.lane_id == lane_id else la
        for la in net.lanes
    )
    return dataclasses.replace(net, lanes=lanes)


def with_customs_window(net, window):
    rules = tuple(dataclasses.replace(r, windows=(window,)) for r in net.customs)
    return dataclasses.replace(net, customs=rules)


def test_closed_departures_are_skipped_and_flagged():
    """Closing the Monday LHR->AMS departures makes the route take Tuesday's 07:10
    flight; the undisrupted itinerary then breaks the 'lane_closed' rule.

    Undisrupted: road 13:30-15:00Z, LHR 18:30Z (+3 h, +2 h customs) AMS 23:30Z, road
    00:00Z, Leiden opens 07:00 CET = 06:00Z Tue. Closed [Mon 00:00Z, Tue 00:00Z): next
    flight Tue 07:10Z, +3 h = 10:10Z, +2 h customs = 12:10Z, road 12:40Z +0.75 h =
    13:25Z Tue, Leiden open."""
    net = tiny()
    before = Router(net).earliest("TC-LON", "MFG-LEI", READY, "2-8C")
    window = Window(
        start=datetime(2026, 12, 7, tzinfo=UTC), end=datetime(2026, 12, 8, tzinfo=UTC), closed=True
    )
    closed = with_lane_window(net, "AIR-LHR-AMS", window)
    after = Router(closed).earliest("TC-LON", "MFG-LEI", READY, "2-8C")
    assert before.arrival == datetime(2026, 12, 8, 6, tzinfo=UTC)
    assert after.arrival == datetime(2026, 12, 8, 13, 25, tzinfo=UTC)
    assert check_itinerary(closed, after) == []
    kinds = {v.kind for v in check_itinerary(closed, before)}
    assert "lane_closed" in kinds


def test_delay_window_scales_duration_and_checker_agrees():
    """A lane_delay factor 2 on the Monday flights doubles the 3 h flight: 18:30Z + 6 h
    = 00:30Z, + 2 h customs = 02:30Z, road 03:00Z + 0.75 h, wait for 06:00Z. Handover is
    still 06:00Z, but the air leg arrives at AMS 02:30Z instead of 23:30Z."""
    net = tiny()
    window = Window(
        start=datetime(2026, 12, 7, tzinfo=UTC), end=datetime(2026, 12, 8, tzinfo=UTC), factor=2.0
    )
    slow = with_lane_window(net, "AIR-LHR-AMS", window)
    it = Router(slow).earliest("TC-LON", "MFG-LEI", READY, "2-8C")
    air = next(leg for leg in it.legs if leg.lane_id == "AIR-LHR-AMS")
    assert air.arrive == datetime(2026, 12, 8, 2, 30, tzinfo=UTC)
    assert check_itinerary(slow, it) == []
    fast = Router(net).earliest("TC-LON", "MFG-LEI", READY, "2-8C")
    assert "too_fast" in {v.kind for v in check_itinerary(slow, fast)}


def test_customs_window_adds_hours():
    """A customs_delay add_h 5 makes GB->EU air clearance 2 + 5 = 7 h: AMS handover
    21:30Z + 7 h = 04:30Z Tue."""
    net = tiny()
    window = Window(
        start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2026, 12, 31, tzinfo=UTC), add_h=5
    )
    slow = with_customs_window(net, window)
    it = Router(slow).earliest("TC-LON", "APT-AMS", READY, "2-8C")
    assert it.arrival == datetime(2026, 12, 8, 4, 30, tzinfo=UTC)
    assert it.legs[-1].customs_h == 7.0
    assert check_itinerary(slow, it) == []


def test_earliest_chains_equal_search_with_windows():
    """Candidate building's search (earliest_chains, every site a target) honours
    disruption stretches as the scalar search does: the same label and chain at every
    site reached, and each chain, replayed lane by lane, hands over at its label."""
    net = tiny()
    net = with_lane_window(
        net,
        "AIR-LHR-AMS",
        Window(
            start=datetime(2026, 12, 7, 18, tzinfo=UTC),
            end=datetime(2026, 12, 9, tzinfo=UTC),
            closed=True,
        ),
    )
    net = with_lane_window(
        net,
        "RD-MUC-LEI",
        Window(
            start=datetime(2026, 12, 8, tzinfo=UTC),
            end=datetime(2026, 12, 10, tzinfo=UTC),
            factor=1.5,
            add_h=1,
        ),
    )
    cn = CompiledNetwork(net, datetime(2026, 12, 5, tzinfo=UTC), datetime(2027, 1, 10, tzinfo=UTC))
    sites = range(len(cn.site_ids))
    for i in range(12):
        o = cn.index[("TC-LON", "TC-MUC")[i % 2]]
        r = float(to_s(READY)) + 6 * 3600 * i
        label, steps = search(cn, o, r, "2-8C")
        found = earliest_chains(cn, o, r, "2-8C", sites)
        assert {v: at for v, (at, _) in found.items()} == {
            v: at for v, at in enumerate(label) if at < INF
        }
        for v, (at, cids) in found.items():
            lanes = chain_to(steps, o, v)
            assert cids == tuple(cl.cid for cl in lanes)
            assert to_s(replay(cn, o, r, "2-8C", lanes).arrival) == at
