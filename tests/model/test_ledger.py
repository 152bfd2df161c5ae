"""The capacity ledger: keys, sizes under disruptions, first-fit counting, and the
candidate and plan views of what an order holds agreeing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import logistics as lg
from logistics.model.disruptions import Window
from logistics.model.ledger import (
    UNLIMITED,
    Kind,
    Ledger,
    describe,
    held,
    held_by_order,
    size,
)
from logistics.solve import SolveParams
from logistics.solve.assemble import assemble
from logistics.solve.candidates import build_candidates
from logistics.solve.greedy import greedy
from logistics.solve.problem import build_problem
from logistics.solve.problem import held as candidate_held

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
DEPART = int(datetime(2026, 12, 21, 7, 10, tzinfo=UTC).timestamp())  # a Monday


@pytest.fixture(scope="module")
def tiny() -> lg.Network:
    return lg.read_network(TINY)


def test_keys_equal_their_text() -> None:
    """A key with a Kind equals (and hashes as) the same key with the kind's text, so
    it indexes the capacity table and the summary's overbooked list alike."""
    key = (Kind.MANUFACTURING, "MFG-LEI", date(2026, 12, 21))
    assert key == ("manufacturing", "MFG-LEI", date(2026, 12, 21))
    assert hash(key) == hash(("manufacturing", "MFG-LEI", date(2026, 12, 21)))
    assert [str(k) for k in key[:2]] == ["manufacturing", "MFG-LEI"]


def test_held_lists_every_capacity() -> None:
    """One candidate holds a manufacturing slot per batch day, one apheresis slot and
    one shipper per limited departure, in that order."""
    days = (date(2026, 12, 21), date(2026, 12, 22))
    keys = held(
        site="MFG",
        mfg_days=days,
        centre="TC",
        apheresis_day=days[0],
        departures=(("AIR", DEPART),),
    )
    assert keys == [
        (Kind.MANUFACTURING, "MFG", days[0]),
        (Kind.MANUFACTURING, "MFG", days[1]),
        (Kind.APHERESIS, "TC", days[0]),
        (Kind.LANE, "AIR", DEPART),
    ]


def test_site_sizes_follow_the_capacity_table(tiny: lg.Network) -> None:
    """Slots come from the weekly pattern, a dated override wins, no row means none."""
    assert size((Kind.APHERESIS, "TC-MUC", date(2026, 12, 23)), tiny) == 1
    assert size((Kind.APHERESIS, "TC-MUC", date(2026, 12, 24)), tiny) == 0
    assert size((Kind.APHERESIS, "TC-MUC", date(2026, 12, 26)), tiny) == 0  # Saturday
    assert size((Kind.MANUFACTURING, "MFG-LEI", date(2026, 12, 26)), tiny) == 2


def test_lane_size_applies_the_capacity_windows(tiny: lg.Network) -> None:
    """A lane's shippers are floor(capacity x capacity_factor) of the windows covering
    the departure; outside them the full capacity; a lane without a limit is
    unlimited."""
    window = Window(
        start=datetime(2026, 12, 21, tzinfo=UTC),
        end=datetime(2026, 12, 22, tzinfo=UTC),
        capacity_factor=0.5,
    )
    lanes = tuple(
        replace(lane, windows=(window,)) if lane.lane_id == "AIR-LHR-AMS" else lane
        for lane in tiny.lanes
    )
    cut = replace(tiny, lanes=lanes)
    assert size((Kind.LANE, "AIR-LHR-AMS", DEPART), tiny) == 6
    assert size((Kind.LANE, "AIR-LHR-AMS", DEPART), cut) == 3
    assert size((Kind.LANE, "AIR-LHR-AMS", DEPART + 86400), cut) == 6
    assert size((Kind.LANE, "RD-LON-LHR", DEPART), cut) == UNLIMITED


def test_ledger_counts_first_fit(tiny: lg.Network) -> None:
    """take() counts holders; full() names the first key with no room left; free()
    goes negative when a key is over-used."""
    muc = (Kind.APHERESIS, "TC-MUC", date(2026, 12, 23))
    lei = (Kind.MANUFACTURING, "MFG-LEI", date(2026, 12, 23))
    ledger = Ledger(tiny)
    assert ledger.full([lei, muc]) is None
    ledger.take([lei, muc])
    assert ledger.full([lei, muc]) == muc and ledger.free(lei) == 1
    ledger.take([muc])
    assert ledger.free(muc) == -1


def test_describe_names_the_capacity() -> None:
    """Capacities in words, as a sweep reports a displaced order."""
    assert describe((Kind.MANUFACTURING, "MFG", date(2026, 12, 8))) == (
        "manufacturing slots at MFG on 2026-12-08"
    )
    assert describe((Kind.LANE, "AIR", DEPART)) == "shippers on AIR departing 2026-12-21T07:10Z"


def test_candidates_and_plan_hold_the_same(tiny: lg.Network) -> None:
    """What the solver's chosen candidates hold equals what the assembled plan's
    served orders hold, read back from their times and legs."""
    book = lg.read_orders(TINY / "orders.csv", tiny)
    params = SolveParams(seed=0, workers=1)
    cs = build_candidates(tiny, book, params.quantile)
    problem = build_problem(cs, params)
    chosen = greedy(problem)
    plan = assemble(problem.cs, chosen)
    from_candidates: Counter = Counter()
    for c in [*(cs.candidates[i] for i in chosen), *cs.frozen.values()]:
        from_candidates.update(candidate_held(cs, c))
    from_plan: Counter = Counter()
    for p in plan.served:
        from_plan.update(held_by_order(p, tiny))
    assert plan.served and from_plan == from_candidates
