"""Generated network bundles (``logistics make-network``): valid, reproducible,
capacity-tight for their book, and planned without checker violations."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import logistics as lg
from logistics.cli import app
from logistics.model.capacity import Capacity
from logistics.model.network import Network
from logistics.network.roads import geodesic_km
from logistics.synth import generate_orders
from logistics.synth.network import (
    NetworkSpec,
    _city_rows,
    _plant_rows,
    generate_network,
    write_network,
)

START = date(2026, 12, 7)
SMALL = NetworkSpec(centres=20, plants=4, orders=400, seed=3)
PARAMS = lg.SolveParams(
    workers=1, time_limit_s=20, deterministic_time_s=5, seed=0, pricing_rounds=2
)


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> tuple[dict[str, str], Network]:
    """The 20-centre, 4-plant bundle, written and read back."""
    files = generate_network(SMALL)
    folder = write_network(files, tmp_path_factory.mktemp("net") / "small")
    return files, lg.read_network(folder)


def _load(net: Network, book, days: int = 28) -> float:
    demand = sum(net.therapies[o.therapy].manufacturing_days for o in book.orders)
    available = sum(
        net.capacity.slots(s, "manufacturing", START + timedelta(days=d))
        for s in net.capacity.sites_with("manufacturing")
        for d in range(days)
    )
    return demand / available


def test_small_network_validates_with_the_sizes_asked(small):
    """The bundle reads back valid, with the centres and plants asked for, every
    therapy licensed at one of its plants at least, and every plant licensed."""
    _files, net = small
    kinds = [s.kind for s in net.sites.values()]
    assert kinds.count("treatment_centre") == SMALL.centres
    assert kinds.count("manufacturing_site") == SMALL.plants
    licensed = {s for t in net.therapies.values() for s in t.sites}
    assert licensed == {s for s, x in net.sites.items() if x.kind == "manufacturing_site"}
    assert all(t.sites for t in net.therapies.values())


def test_matching_book_is_capacity_tight(small):
    """The book make-orders draws for the spec asks for 95-100 % of the manufacturing
    slot-days of its days, and every centre has apheresis slots."""
    _files, net = small
    book = generate_orders(net, SMALL.book, START, 28, seed=0)
    assert 0.95 <= _load(net, book) <= 1.0
    centres = [s for s, x in net.sites.items() if x.kind == "treatment_centre"]
    assert set(centres) <= net.capacity.sites_with("apheresis")


def test_same_spec_gives_identical_files_and_a_seed_changes_them(small):
    """Generating again from the same spec gives byte-identical files; another seed
    samples other centres."""
    files, _net = small
    assert generate_network(SMALL) == files
    other = generate_network(dataclasses.replace(SMALL, seed=SMALL.seed + 1))
    assert other["sites.csv"] != files["sites.csv"]


def test_cli_writes_a_valid_bundle_and_refuses_bad_sizes(tmp_path):
    """`logistics make-network` writes a bundle it reads back valid (as `validate`
    does); sizes out of range are reported together as command-line issues (exit 2)
    and nothing is written."""
    out = tmp_path / "net"
    run = CliRunner().invoke(
        app, ["make-network", "--out", str(out), "--centres", "5", "--plants", "4"]
    )
    assert run.exit_code == 0, run.output
    assert "valid" in run.stdout
    assert (out / "sites.csv").read_text().count("treatment_centre") == 5
    bad = CliRunner().invoke(
        app, ["make-network", "--out", str(tmp_path / "x"), "--plants", "41", "--load", "3"]
    )
    assert bad.exit_code == 2
    assert "command line:-:--plants: expected 4..40 plants, got '41'" in bad.output
    assert "command line:-:--load: expected a load in (0, 1.5], got '3.0'" in bad.output
    assert not (tmp_path / "x").exists()


def test_every_listed_city_and_plant_reaches_an_airport_of_its_zone():
    """Every city and plant of the shipped lists lies within the feeder distance of an
    airport in its road zone, so generated road legs connect it to the flights."""
    net = lg.read_network()
    cfg = net.roads
    airports = [s for s in net.sites.values() if s.kind == "airport"]
    for row in [*_city_rows(), *_plant_rows()]:
        zone = row.get("zone") or cfg.zone(row["country"], row["subdivision"] or None)
        near = [
            float(geodesic_km(float(row["lat"]), float(row["lon"]), a.lat, a.lon))
            for a in airports
            if cfg.site_zone(a.site_id, a.country, a.subdivision) == zone
        ]
        assert near and min(near) <= cfg.feeder_max_km, row


def _doubled(net: Network) -> Network:
    cap = net.capacity
    capacity = Capacity(
        weekly={k: tuple(2 * s for s in week) for k, week in cap.weekly.items()},
        dated={k: 2 * s for k, s in cap.dated.items()},
    )
    lanes = tuple(
        lane if lane.capacity is None else dataclasses.replace(lane, capacity=2 * lane.capacity)
        for lane in net.lanes
    )
    return dataclasses.replace(net, capacity=capacity, lanes=lanes)


@pytest.fixture(scope="session")
def tight(tmp_path_factory) -> Network:
    """A 6-centre, 4-plant bundle sized for 40 orders over 7 days, over-loaded (120 %)
    so capacity binds."""
    spec = NetworkSpec(centres=6, plants=4, orders=40, days=7, seed=1, load=1.2)
    folder = write_network(generate_network(spec), tmp_path_factory.mktemp("net") / "tight")
    return lg.read_network(folder)


def test_matching_book_plans_with_zero_checker_violations(tight):
    """The nightly run on a generated bundle and its book: a plan, every order either
    served or with a reason, and the independent checker finds nothing."""
    book = generate_orders(tight, 25, START, 7, seed=0)
    nightly = lg.plan(tight, book, PARAMS, samples=20, fallbacks=1)
    assert nightly.plan is not None
    assert nightly.violations == ()
    assert all(p.reason for p in nightly.plan.orders if p.status == "unserved")


@settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 1000))
def test_doubling_every_capacity_never_serves_fewer(tight, seed):
    """With every slot and lane capacity doubled the same book is served at least as
    well (HiGHS to optimality over the same candidates: pricing off)."""
    book = generate_orders(tight, 15, START, 7, seed=seed)
    params = dataclasses.replace(PARAMS, relative_gap=0.0, pricing_rounds=0)
    base = lg.solve(tight, book, params, engine="highs")
    more = lg.solve(_doubled(tight), book, params, engine="highs")
    assert base.plan is not None and more.plan is not None
    assert len(more.plan.served) >= len(base.plan.served)
    assert more.bounds.primal <= base.bounds.primal + 1e-6 * max(1.0, abs(base.bounds.primal))
    assert math.isfinite(more.bounds.primal)


def test_write_network_replaces_files_in_an_existing_folder(tmp_path: Path):
    """write_network creates the folder and replaces a file of the same name."""
    folder = tmp_path / "a" / "b"
    write_network({"x.csv": "old\n"}, folder)
    write_network({"x.csv": "new\n"}, folder)
    assert (folder / "x.csv").read_text() == "new\n"
