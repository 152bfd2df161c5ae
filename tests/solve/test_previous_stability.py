"""Solving again against the previous plan keeps it when nothing changed."""

from __future__ import annotations

from pathlib import Path

from logistics.io import read_network, read_orders
from logistics.model.changes import diff
from logistics.solve import SolveParams, solve

TIGHT = Path(__file__).resolve().parents[1] / "data" / "plan" / "tight"


def test_same_inputs_against_the_previous_plan_change_nothing() -> None:
    """On the tight bundle (capacity binds), a second solve with the first plan as
    `previous` keeps every order's site, apheresis, manufacturing start and legs:
    no change of any kind (the stability terms and the hint built from it)."""
    net = read_network(TIGHT)
    book = read_orders(TIGHT / "orders.csv", net)
    params = SolveParams(time_limit_s=5, seed=0, workers=1)
    first = solve(net, book, params, engine="highs").plan
    assert first is not None
    for engine in ("highs", "cp-sat"):
        again = solve(net, book, params, previous=first, engine=engine).plan
        assert again is not None
        assert diff(first, again) == ()
