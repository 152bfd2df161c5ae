"""Applying scenarios: pure transforms of (Network, OrderBook) with exact effects."""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import logistics as lg
from logistics.errors import InputError
from logistics.model.disruptions import effect_at
from logistics.scenarios import Disruption, Scenario, apply, read_scenario
from logistics.scenarios.transforms import FAR_FUTURE, FAR_PAST

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
EXAMPLES = sorted((ROOT / "config" / "scenarios").glob("*.toml"))
T0 = datetime(2026, 12, 20, 23, tzinfo=UTC)
T1 = datetime(2026, 12, 23, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    return lg.read_network()


@pytest.fixture(scope="module")
def book(europe: lg.Network) -> lg.OrderBook:
    return lg.read_orders(None, europe)


@pytest.fixture(scope="module")
def tiny() -> lg.Network:
    return lg.read_network(TINY)


@pytest.fixture(scope="module")
def tiny_book(tiny: lg.Network) -> lg.OrderBook:
    return lg.read_orders(TINY / "orders.csv", tiny)


def scenario(*disruptions: Disruption, start=T0, end=T1) -> Scenario:
    return Scenario(name="test", start=start, end=end, disruptions=disruptions)


def windowed(network: lg.Network) -> set[str]:
    return {lane.lane_id for lane in network.lanes if lane.windows}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_do_not_mutate_inputs(path: Path, europe: lg.Network, book: lg.OrderBook) -> None:
    """Applying a scenario leaves the network and the book equal to deep copies taken
    before, and their repr unchanged."""
    net_copy, book_copy = copy.deepcopy(europe), copy.deepcopy(book)
    before = hash(repr(europe)), hash(repr(book))
    new_net, new_book = apply(read_scenario(path, europe), europe, book)
    assert europe == net_copy and book == book_copy
    assert (hash(repr(europe)), hash(repr(book))) == before
    assert (new_net, new_book) != (europe, book)  # each example changes something


def test_baseline_returns_the_inputs(tiny: lg.Network, tiny_book: lg.OrderBook) -> None:
    """The baseline scenario returns the inputs unchanged (the very objects)."""
    net, book = apply(Scenario.baseline(), tiny, tiny_book)
    assert net is tiny and book is tiny_book


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"modes": ("air",)}, {"AIR-LHR-AMS", "AIR-AMS-LHR"}),
        ({"modes": ("air",), "from_territory": "GB", "to_territory": "EU"}, {"AIR-LHR-AMS"}),
        (
            {"modes": ("road",), "to_territory": "EU"},
            {"RD-AMS-LEI", "RD-LEI-AMS", "RD-MUC-LEI", "RD-LEI-MUC"},
        ),
        (
            {"modes": ("road", "air"), "countries": ("GB",)},
            {"RD-LON-LHR", "RD-LHR-LON", "AIR-LHR-AMS", "AIR-AMS-LHR"},
        ),
        ({"carriers": ("Courier B",)}, {"RD-MUC-LEI", "RD-LEI-MUC"}),
        ({"lanes": ("RD-AMS-LEI",), "modes": ("road",)}, {"RD-AMS-LEI"}),
        ({"lanes": ("RD-AMS-LEI",), "modes": ("air",)}, set()),
        ({"from_sites": ("MFG-LEI",)}, {"RD-LEI-AMS", "RD-LEI-MUC"}),
        ({"to_sites": ("MFG-LEI",), "from_territory": "EU"}, {"RD-AMS-LEI", "RD-MUC-LEI"}),
        ({"from_territory": "EU", "to_territory": "GB"}, {"AIR-AMS-LHR"}),
    ],
)
def test_close_lanes_matches_exactly(
    filters: dict, expected: set[str], tiny: lg.Network, tiny_book: lg.OrderBook
) -> None:
    """close_lanes with modes / territories / sites / carriers closes exactly the lanes
    of tests/data/tiny that match every filter, for departures in the window only."""
    net, book = apply(scenario(Disruption(kind="close_lanes", **filters)), tiny, tiny_book)
    assert windowed(net) == expected
    assert book is tiny_book
    for lane in net.lanes:
        if lane.lane_id in expected:
            (w,) = lane.windows
            assert (w.start, w.end, w.closed) == (T0, T1, True)
            assert effect_at(lane.windows, T0).closed
            assert not effect_at(lane.windows, T1).closed
            assert not effect_at(lane.windows, T0 - timedelta(seconds=1)).closed
    # everything but the lanes is shared, unchanged
    assert net.customs == tiny.customs and net.capacity == tiny.capacity
    assert net.sites is tiny.sites


def test_generated_road_lanes_match(europe: lg.Network, book: lg.OrderBook) -> None:
    """Generated road legs (road:A>B) are lanes of mode road and match filters."""
    d = Disruption(kind="close_lanes", modes=("road",), from_sites=("TC-NL-LUMC",))
    net, _ = apply(scenario(d), europe, book)
    closed = windowed(net)
    expected = {
        lane.lane_id
        for lane in europe.lanes
        if lane.mode == "road" and lane.from_site == "TC-NL-LUMC"
    }
    assert closed == expected and expected
    assert all(lane_id.startswith("road:TC-NL-LUMC>") for lane_id in closed)


def test_disruption_window_overrides_and_always(tiny: lg.Network, tiny_book) -> None:
    """A disruption's own start/end wins over the scenario's; without any window the
    lane window spans 1900-2200."""
    own = datetime(2026, 12, 22, tzinfo=UTC)
    d1 = Disruption(kind="lane_delay", lanes=("RD-AMS-LEI",), factor=2.0, start=own)
    d2 = Disruption(kind="lane_delay", lanes=("RD-LEI-AMS",), add_h=3.0)
    net, _ = apply(scenario(d1, d2), tiny, tiny_book)
    lanes = net.lane_by_id
    (w1,) = lanes["RD-AMS-LEI"].windows
    assert (w1.start, w1.end, w1.factor, w1.add_h, w1.closed) == (own, T1, 2.0, 0.0, False)
    net, _ = apply(scenario(d2, start=None, end=None), tiny, tiny_book)
    (w2,) = net.lane_by_id["RD-LEI-AMS"].windows
    assert (w2.start, w2.end, w2.add_h) == (FAR_PAST, FAR_FUTURE, 3.0)


def test_windows_are_appended(tiny: lg.Network, tiny_book) -> None:
    """Applying twice keeps the first window and adds the second; effects combine."""
    d = Disruption(kind="lane_delay", modes=("air",), factor=1.5, add_h=1)
    once, _ = apply(scenario(d), tiny, tiny_book)
    twice, _ = apply(scenario(d), once, tiny_book)
    lane = twice.lane_by_id["AIR-LHR-AMS"]
    assert len(lane.windows) == 2
    effect = effect_at(lane.windows, T0)
    assert effect.hours(2.0) == pytest.approx(2.0 * 2.25 + 2.0)


def test_airspace_closure(tiny: lg.Network, tiny_book, europe: lg.Network, book) -> None:
    """Air and on-board courier lanes from or to the countries close; roads do not."""
    d = Disruption(kind="airspace_closure", countries=("NL",))
    net, _ = apply(scenario(d), tiny, tiny_book)
    assert windowed(net) == {"AIR-LHR-AMS", "AIR-AMS-LHR"}
    ash = read_scenario(ROOT / "config/scenarios/ash-cloud-apr2010.toml", europe)
    net, _ = apply(ash, europe, book)
    countries = set(ash.disruptions[0].countries or ())
    for lane in net.lanes:
        a, b = europe.sites[lane.from_site].country, europe.sites[lane.to_site].country
        hit = lane.mode in ("air", "onboard_courier") and bool({a, b} & countries)
        assert bool(lane.windows) == hit, lane.lane_id
    assert "OBC-TM-FRA-MAD" in windowed(net)  # Frankfurt is in Germany
    assert "OBC-TM-CDG-FCO" in windowed(net)


def test_customs_delay(europe: lg.Network, book) -> None:
    """customs_delay hits the rules of its direction: with modes, the rules of those
    modes and the rule for all modes."""
    d = Disruption(
        kind="customs_delay",
        from_territory="GB",
        to_territory="EU",
        modes=("road",),
        factor=3.0,
        add_h=2.0,
    )
    net, _ = apply(scenario(d), europe, book)
    hit = {(r.from_territory, r.to_territory, r.mode) for r in net.customs if r.windows}
    assert hit == {("GB", "EU", "road"), ("GB", "EU", None)}
    assert net.lanes == europe.lanes
    rule = next(r for r in net.customs if r.windows)
    assert effect_at(rule.windows, T0).hours(rule.clearance_median_h) == pytest.approx(
        rule.clearance_median_h * 3 + 2
    )
    d = Disruption(kind="customs_delay", from_territory="CH", to_territory="EU", factor=2.0)
    net, _ = apply(scenario(d), europe, book)
    assert {r.mode for r in net.customs if r.windows} == {
        r.mode for r in europe.customs if (r.from_territory, r.to_territory) == ("CH", "EU")
    }


def test_neutral_delays_change_nothing(tiny: lg.Network, tiny_book) -> None:
    """factor 1 / add_h 0 delays and a factor-1 capacity cut leave the network equal
    to the input, so every answer computed on it is the same."""
    s = scenario(
        Disruption(kind="lane_delay", modes=("air", "road")),
        Disruption(kind="customs_delay", from_territory="GB", to_territory="EU", factor=1.0),
        Disruption(kind="carrier_capacity", carriers=("Courier A",), factor=1.0),
    )
    net, book = apply(s, tiny, tiny_book)
    assert net == tiny and book == tiny_book
    ready = datetime(2026, 12, 7, 13, tzinfo=UTC)
    before = lg.earliest_arrival(tiny, "TC-LON", ready, "2-8C", "MFG-LEI")
    after = lg.earliest_arrival(net, "TC-LON", ready, "2-8C", "MFG-LEI")
    assert before == after and before is not None


def test_carrier_capacity_scales_finite_lanes_only(europe: lg.Network, book) -> None:
    """carrier_capacity adds a capacity window to the carrier's finite lanes; lanes
    without a capacity stay unlimited and untouched."""
    d = Disruption(kind="carrier_capacity", carriers=("Marken",), factor=0.5)
    net, _ = apply(scenario(d), europe, book)
    marken = [lane for lane in europe.lanes if lane.carrier == "Marken"]
    assert windowed(net) == {lane.lane_id for lane in marken if lane.capacity is not None}
    for lane in net.lanes:
        for w in lane.windows:
            assert (w.capacity_factor, w.closed, w.factor) == (0.5, False, 1.0)


def test_site_capacity_outage(tiny: lg.Network, tiny_book) -> None:
    """An outage gives 0 slots on every local date the window touches, and the base
    slots outside it; a factor scales and rounds down."""
    start = datetime(2026, 12, 13, 23, tzinfo=UTC)  # 14 Dec 00:00 in Leiden
    end = datetime(2026, 12, 20, 12, tzinfo=UTC)  # into 20 Dec
    d = Disruption(kind="site_capacity", sites=("MFG-LEI",), resource="manufacturing", factor=0)
    net, _ = apply(scenario(d, start=start, end=end), tiny, tiny_book)
    cap, base = net.capacity, tiny.capacity
    for offset in range(-5, 15):
        day = date(2026, 12, 14) + timedelta(days=offset)
        inside = date(2026, 12, 14) <= day <= date(2026, 12, 20)
        assert cap.slots("MFG-LEI", "manufacturing", day) == (
            0 if inside else base.slots("MFG-LEI", "manufacturing", day)
        )
        assert cap.slots("TC-LON", "apheresis", day) == base.slots("TC-LON", "apheresis", day)
    assert base.slots("MFG-LEI", "manufacturing", date(2026, 12, 14)) == 2  # input intact
    d = Disruption(kind="site_capacity", sites=("MFG-LEI",), resource="manufacturing", factor=0.7)
    net, _ = apply(scenario(d, start=start, end=end), tiny, tiny_book)
    assert net.capacity.slots("MFG-LEI", "manufacturing", date(2026, 12, 15)) == 1  # floor 1.4
    # a dated override inside the window is scaled too (TC-MUC has 0 on 24 Dec)
    d = Disruption(kind="site_capacity", sites=("TC-MUC",), resource="apheresis", factor=2)
    net, _ = apply(
        scenario(
            d, start=datetime(2026, 12, 23, tzinfo=UTC), end=datetime(2026, 12, 26, tzinfo=UTC)
        ),
        tiny,
        tiny_book,
    )
    assert [
        net.capacity.slots("TC-MUC", "apheresis", date(2026, 12, x)) for x in (22, 23, 24, 25)
    ] == [1, 2, 0, 2]


def test_site_capacity_without_window_scales_the_week(tiny: lg.Network, tiny_book) -> None:
    """Without any window the weekly pattern and dated overrides are scaled."""
    d = Disruption(kind="site_capacity", sites=("MFG-LEI",), resource="manufacturing", factor=0.5)
    net, _ = apply(scenario(d, start=None, end=None), tiny, tiny_book)
    assert net.capacity.weekly[("MFG-LEI", "manufacturing")] == (1,) * 7
    assert tiny.capacity.weekly[("MFG-LEI", "manufacturing")] == (2,) * 7


def test_cleanroom_example(europe: lg.Network, book) -> None:
    """The Leiden example: no manufacturing slots 14-27 December, unchanged around."""
    s = read_scenario(ROOT / "config/scenarios/cleanroom-outage-leiden.toml", europe)
    net, _ = apply(s, europe, book)
    for day in (date(2026, 12, 13) + timedelta(days=i) for i in range(16)):
        got = net.capacity.slots("MFG-NL-LEIDEN", "manufacturing", day)
        base = europe.capacity.slots("MFG-NL-LEIDEN", "manufacturing", day)
        assert got == (0 if date(2026, 12, 14) <= day <= date(2026, 12, 27) else base)
        assert base > 0


def _local_day_shift(before: datetime, after: datetime, tz: ZoneInfo) -> int:
    a, b = before.astimezone(tz), after.astimezone(tz)
    assert a.time() == b.time()
    return (b.date() - a.date()).days


def test_demand_surge(europe: lg.Network, book: lg.OrderBook) -> None:
    """demand 1.3 adds round(0.3 x new orders) copies of new orders with unique ids,
    same therapy / centre / priority, windows moved by whole days in [-3, 3]."""
    s = read_scenario(ROOT / "config/scenarios/demand-surge-30.toml", europe)
    net, surged = apply(s, europe, book)
    assert net == europe
    new = [o for o in book if o.status == "new"]
    k = math.floor(0.3 * len(new) + 0.5)
    assert len(surged) == len(book) + k and k > 0
    assert surged.orders[: len(book)] == book.orders
    ids = [o.order_id for o in surged]
    assert len(set(ids)) == len(ids)
    by_id = {o.order_id: o for o in book}
    shifts = Counter()
    for extra in surged.orders[len(book) :]:
        m = re.fullmatch(r"(.+)-D(\d+)", extra.order_id)
        assert m, extra.order_id
        base = by_id[m.group(1)]
        assert base.status == "new" and extra.status == "new"
        assert (extra.therapy, extra.treatment_centre, extra.priority) == (
            base.therapy,
            base.treatment_centre,
            base.priority,
        )
        tz = ZoneInfo(europe.sites[base.treatment_centre].timezone)
        days = _local_day_shift(base.apheresis_earliest, extra.apheresis_earliest, tz)
        assert days == _local_day_shift(base.apheresis_latest, extra.apheresis_latest, tz)
        assert -3 <= days <= 3
        assert (
            extra.apheresis_latest - extra.apheresis_earliest
            == base.apheresis_latest - base.apheresis_earliest
        )
        shifts[days] += 1
    assert len(shifts) > 1  # the shifts vary
    # deterministic for a seed, different for another seed
    assert apply(s, europe, book)[1] == surged
    other = Scenario(name="x", disruptions=(Disruption(kind="demand", factor=1.3, seed=8),))
    assert apply(other, europe, book)[1] != surged


def test_demand_cut_and_window(europe: lg.Network, book: lg.OrderBook) -> None:
    """factor < 1 removes round(share) of the new orders only; a window limits the pool
    to new orders whose apheresis_earliest lies in it."""
    cut = Scenario(name="cut", disruptions=(Disruption(kind="demand", factor=0.8, seed=1),))
    _, fewer = apply(cut, europe, book)
    new = [o for o in book if o.status == "new"]
    assert len(fewer) == len(book) - math.floor(0.2 * len(new) + 0.5)
    assert {o.order_id for o in book if o.status != "new"} <= {o.order_id for o in fewer}
    start, end = datetime(2026, 12, 14, tzinfo=UTC), datetime(2026, 12, 21, tzinfo=UTC)
    pool = [o for o in new if start <= o.apheresis_earliest < end]
    week = scenario(Disruption(kind="demand", factor=2.0, seed=3), start=start, end=end)
    _, more = apply(week, europe, book)
    assert len(more) == len(book) + len(pool)
    bases = {o.order_id.rsplit("-D", 1)[0] for o in more.orders[len(book) :]}
    assert bases <= {o.order_id for o in pool}


def test_demand_ids_stay_unique_when_applied_twice(tiny: lg.Network, tiny_book) -> None:
    """A second demand surge never reuses an id of the first."""
    s = Scenario(name="x", disruptions=(Disruption(kind="demand", factor=3.0, seed=1),))
    _, once = apply(s, tiny, tiny_book)
    _, twice = apply(s, tiny, once)
    ids = [o.order_id for o in twice]
    assert len(ids) == len(set(ids)) and len(twice) > len(once) > len(tiny_book)


def test_unknown_names_raise(tiny: lg.Network, tiny_book) -> None:
    """apply refuses a scenario naming what the network does not have."""
    s = scenario(Disruption(kind="close_lanes", lanes=("NOPE",)))
    with pytest.raises(InputError) as info:
        apply(s, tiny, tiny_book)
    (issue,) = info.value.issues
    assert issue.column == "disruption[1].lanes" and issue.got == "NOPE"


def test_channel_closure_example(europe: lg.Network, book) -> None:
    """The December 2020 example closes the French crossings from GB in its window and
    leaves Holyhead-Dublin and Cairnryan-Belfast running."""
    s = read_scenario(ROOT / "config/scenarios/channel-closure-dec2020.toml", europe)
    net, _ = apply(s, europe, book)
    lanes = net.lane_by_id
    for lane_id in ("FERRY-PO-DOV-CAL", "FERRY-DFDS-DOV-CAL", "TUN-ET-FOL-COQ"):
        assert effect_at(lanes[lane_id].windows, T0).closed
        assert not effect_at(lanes[lane_id].windows, T1).closed
        assert effect_at(lanes[lane_id].windows, T1).add_h == 24
    for lane_id in ("FERRY-STENA-HOL-DUB", "FERRY-STENA-CAI-BEL", "AIR-WC-LHR-AMS-1"):
        assert lanes[lane_id].windows == ()
