"""Properties of the optimum: monotone in capacity and lanes, blind to row order;
plans survive a write and read."""

from __future__ import annotations

import csv
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from solve_helpers import (
    EXACT,
    PARALLEL,
    PARAMS,
    START,
    TIGHT,
    TINY,
    bundle,
    map_slots,
    optimum,
    set_weekly,
    without_lane,
)

import logistics as lg
from logistics.io.plan import read_plan, write_plan
from logistics.solve import solve
from logistics.synth import generate_orders

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
WEEK = st.lists(st.integers(0, 2), min_size=7, max_size=7).map(tuple)
PARALLEL_LANES = [
    row["lane_id"] for row in csv.DictReader((PARALLEL / "lanes.csv").read_text().splitlines())
]


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 6),
    days=st.integers(3, 14),
    week=WEEK,
    factor=st.integers(2, 3),
    apheresis=st.booleans(),
)
def test_more_capacity_never_worse(tiny, seed, n, days, week, factor, apheresis):
    """Scaling manufacturing slots up (and optionally apheresis slots) never makes the
    optimal objective worse: every old plan stays feasible."""
    net, _ = tiny
    book = generate_orders(net, n, START, days, seed, committed_share=0.2)
    base = set_weekly(net, "MFG-LEI", "manufacturing", week)
    more = map_slots(base, "manufacturing", lambda s: s * factor)
    if apheresis:
        more = map_slots(more, "apheresis", lambda s: s * factor)
    assert optimum(more, book) <= optimum(base, book)


def test_more_capacity_helps_the_tight_bundle(tight):
    """Doubling the single manufacturing slot of the tight bundle serves strictly more
    orders, so the optimum strictly improves (the monotone property is not vacuous)."""
    net, book = tight
    more = map_slots(net, "manufacturing", lambda s: 2 * s)
    assert optimum(more, book) < optimum(net, book)
    before = solve(net, book, EXACT).plan
    after = solve(more, book, EXACT).plan
    assert len(after.served) > len(before.served)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 5),
    days=st.integers(3, 14),
    lane=st.sampled_from(PARALLEL_LANES),
)
def test_closing_a_lane_never_helps(parallel, seed, n, days, lane):
    """Closing a lane never improves the optimal objective: itineraries only get later
    (or vanish), and parallel services cost the same in this bundle.

    Within the limits of the candidate model: manufacturing slots are ample (a later
    arrival cannot dodge a full day, see test_later_arrival_can_dodge_a_full_slot)
    and the books hold no bookings (a booking is not a decision, so a closure that
    breaks a routine booking can free its apheresis slot for an urgent order)."""
    net, _ = parallel
    net = map_slots(net, "manufacturing", lambda s: max(s, n))
    book = generate_orders(net, n, START, days, seed, committed_share=0)
    assert optimum(without_lane(net, lane), book) >= optimum(net, book)


def test_later_arrival_can_dodge_a_full_slot(parallel):
    """With one manufacturing slot, closing the earlier London-Amsterdam flight moves a
    London order's arrival (and manufacturing start) a day later, past a day that is
    full: the optimum of the full network should be at least as good, because the
    later flight exists there too."""
    net, _ = parallel
    net = map_slots(net, "manufacturing", lambda s: min(s, 1))
    book = lg.read_orders(PARALLEL / "orders-full-slot.csv", net)
    assert optimum(without_lane(net, "AIR-LHR-AMS"), book) >= optimum(net, book)


@pytest.mark.parametrize("lane", ["RD-LEI-MUC", "RD-MUC-LEI", "AIR-LHR-AMS", "AIR-AMS-LHR"])
def test_closing_a_lane_reroutes_in_the_parallel_bundle(parallel, lane):
    """Closing a lane with a parallel service keeps every order served, on the other
    service, with an objective no better; the frozen order (not re-planned) arrives no
    earlier (the monotone property is tested on rerouting, not only on disconnection)."""
    net, book = parallel
    closed = without_lane(net, lane)
    base, after = solve(net, book, EXACT), solve(closed, book, EXACT)
    assert len(after.plan.served) == len(base.plan.served) == len(book)
    assert after.objective_value() >= base.objective_value()
    used = {leg.lane_id for p in after.plan.served for leg in (*p.inbound.legs, *p.outbound.legs)}
    assert lane not in used
    assert f"{lane}-D" in used or f"{lane}-C" in used
    before = base.plan.by_id()
    for p in after.plan.served:
        if p.status == "frozen":
            assert p.delivery_time >= before[p.order_id].delivery_time


def _shuffled_copy(src: Path, rng: random.Random) -> Path:
    """A copy of a bundle folder whose CSV data rows (and columns of orders.csv) are
    shuffled."""
    dst = Path(tempfile.mkdtemp(prefix="shuffled-"))
    shutil.copytree(src, dst, dirs_exist_ok=True)
    for name in ("orders.csv", "lanes.csv", "sites.csv", "capacity.csv", "customs.csv"):
        with (src / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        head, body = rows[0], rows[1:]
        rng.shuffle(body)
        cols = list(range(len(head)))
        if name == "orders.csv":
            rng.shuffle(cols)
        with (dst / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerows([[r[c] for c in cols] for r in [head, *body]])
    return dst


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), src=st.sampled_from([TINY, TIGHT, PARALLEL]))
def test_row_order_does_not_change_the_optimum(seed, src):
    """Shuffling the rows of orders.csv, lanes.csv, sites.csv, capacity.csv and
    customs.csv (and the columns of orders.csv) leaves the optimal objective and the
    set of served orders unchanged."""
    net, book = bundle(src)
    path = _shuffled_copy(src, random.Random(seed))
    try:
        net2, book2 = bundle(path)
    finally:
        shutil.rmtree(path)
    assert sorted(o.order_id for o in book2.orders) == sorted(o.order_id for o in book.orders)
    a, b = solve(net, book, EXACT), solve(net2, book2, EXACT)
    assert a.objective_value() == pytest.approx(b.objective_value(), abs=1e-9)
    assert {p.order_id for p in a.plan.served} == {p.order_id for p in b.plan.served}


def _round_trip(result, net, out: Path):
    folder = Path(write_plan(result, out, net))
    for name in ("orders.csv", "legs.csv", "summary.json", "routes.geojson"):
        assert (folder / name).is_file(), name
    plan, summary = read_plan(folder)
    return plan, summary


@pytest.mark.parametrize("engine", ["cp-sat", "greedy"])
@pytest.mark.parametrize("src", [TINY, TIGHT, PARALLEL], ids=["tiny", "tight", "parallel"])
def test_plan_round_trips_through_files(tmp_path, src, engine):
    """write_plan then read_plan gives back a Plan equal to the solver's, with the
    solver status and objective in summary.json."""
    net, book = bundle(src)
    result = solve(net, book, PARAMS, engine=engine)
    plan, summary = _round_trip(result, net, tmp_path / "plan")
    assert plan == result.plan
    assert summary["status"] == str(result.status)
    assert summary["objective"] == pytest.approx(result.objective_value())


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(1, 8), days=st.integers(3, 21))
def test_generated_plans_round_trip(parallel, seed, n, days):
    """Plans of generated books (scheduled, frozen and unserved orders, customs legs)
    read back equal to what was written."""
    net, _ = parallel
    book = generate_orders(net, n, START, days, seed, committed_share=0.3)
    result = solve(net, book, PARAMS)
    out = Path(tempfile.mkdtemp(prefix="plan-"))
    try:
        plan, _ = _round_trip(result, net, out / "plan")
    finally:
        shutil.rmtree(out)
    assert plan == result.plan
