"""One small sweep on the tiny bundle, shared by the report tests.

Six generated orders (seed 1: the London order and one Munich order are unserved,
manufacturing at Leiden is full) and three scenarios: a neutral delay (a factor of 1
adds no window), the only GB -> continent flight closed (no planned shipment takes it:
London is unserved) and road legs 3 h slower (every planned shipment is by road). The
sweep writes the baseline plan folder, with its timeline.csv, sites.geojson and
report.html, under plans/baseline/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from chromium_driver import chromedriver_path, chromium, chromium_path

import logistics as lg
from logistics.scenarios import Disruption, Scenario
from logistics.scenarios.sweep import run_sweep
from logistics.solve import SolveParams
from logistics.synth import generate_orders

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
PARAMS = SolveParams(workers=1, time_limit_s=20, deterministic_time_s=5, seed=0)
SCENARIOS = (
    Scenario(
        name="neutral delay",
        disruptions=(Disruption(kind="lane_delay", modes=("air",), factor=1.0),),
    ),
    Scenario(
        name="air closed", disruptions=(Disruption(kind="close_lanes", lanes=("AIR-LHR-AMS",)),)
    ),
    Scenario(
        name="road slower", disruptions=(Disruption(kind="lane_delay", modes=("road",), add_h=3),)
    ),
)


@dataclass(frozen=True)
class Swept:
    """The sweep's inputs, result and folder, and its baseline plan folder."""

    network: lg.Network
    book: lg.OrderBook
    sweep: object
    folder: Path

    @property
    def plan_dir(self) -> Path:
        return self.folder / "plans" / "baseline"


@pytest.fixture(scope="session")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Swept:
    """The sweep, run once on a pool of two workers and written out."""
    net = lg.read_network(TINY)
    book = generate_orders(net, 6, date(2026, 12, 7), 10, seed=1)
    out = tmp_path_factory.mktemp("report-sweep")
    sweep = run_sweep(SCENARIOS, net, book, PARAMS, samples=100, workers=2, out_dir=out)
    return Swept(network=net, book=book, sweep=sweep, folder=out)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    if chromium_path() is None or chromedriver_path() is None:
        if os.environ.get("LOGISTICS_CI"):
            pytest.fail("LOGISTICS_CI is set but Chromium or chromedriver is missing")
        pytest.skip("no Chromium/chromedriver installed (CI installs them and sets LOGISTICS_CI)")
    with chromium() as driver:
        yield driver
