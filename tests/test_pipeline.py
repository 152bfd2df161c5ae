"""The nightly job's checker, run in a forked process beside Plan B on large plans,
finds what it finds run alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import logistics as lg
from logistics import pipeline
from logistics.check import Violation

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def tiny():
    net = lg.read_network(TINY)
    return net, lg.read_orders(TINY / "orders.csv", net)


def test_checker_beside_plan_b_gives_the_same_nightly_plan(tiny, monkeypatch):
    """The same plan, Plan B and violations with the checker alone and beside Plan B
    (forked: counted); a violation found in the child comes back as it is."""
    net, book = tiny
    params = lg.SolveParams(time_limit_s=10, seed=0, workers=2)
    monkeypatch.setattr(pipeline, "processes", lambda workers: workers)  # even on one core
    monkeypatch.setattr(pipeline, "CHECK_BESIDE", 10**9)
    alone = pipeline.plan(net, book, params, samples=50)
    forks = []
    real = pipeline.Forked
    monkeypatch.setattr(pipeline, "Forked", lambda serve: forks.append(1) or real(serve))
    monkeypatch.setattr(pipeline, "CHECK_BESIDE", 1)
    beside = pipeline.plan(net, book, params, samples=50)
    assert forks == [1]
    assert alone.plan is not None and alone.plan.served
    assert beside.plan == alone.plan and beside.fallbacks == alone.fallbacks
    assert beside.violations == alone.violations == ()
    made_up = Violation("made_up", "a made-up violation", book.orders[0].order_id, "here")
    monkeypatch.setattr(pipeline, "check", lambda *_args: [made_up])
    assert pipeline.plan(net, book, params, samples=50).violations == (made_up,)
    assert forks == [1, 1]
