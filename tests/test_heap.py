"""The nightly job and the solve pause the cyclic garbage collector while they run
and leave it as they found it."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import pytest

import logistics as lg
from logistics.errors import InputError
from logistics.pipeline import plan

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def tiny():
    net = lg.read_network(TINY)
    return net, lg.read_orders(TINY / "orders.csv", net)


def test_plan_and_solve_pause_the_collector_and_restore_it(tiny, monkeypatch):
    """Inside a solve the collector is off; after it (and after the nightly job) it is
    on again, and a caller who had turned it off finds it off."""
    from logistics.solve.candidates import build

    net, book = tiny
    seen = []
    real = build.phases.apheresis_options
    monkeypatch.setattr(
        build.phases, "apheresis_options", lambda cs: seen.append(gc.isenabled()) or real(cs)
    )
    assert gc.isenabled()
    plan(net, book, lg.SolveParams(time_limit_s=5, seed=0), samples=0, fallbacks=0)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        lg.solve(net, book, lg.SolveParams(time_limit_s=5, seed=0))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_again_after_a_solve_that_raises(tiny):
    """A solve refused for bad input leaves the collector on."""
    net, book = tiny
    bad = lg.OrderBook(orders=(replace(book.orders[0], therapy="nope"),), source="x")
    with pytest.raises((InputError, ValueError)):
        lg.solve(net, bad)
    assert gc.isenabled()
