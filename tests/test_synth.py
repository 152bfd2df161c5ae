"""The synthetic order generator books commitments a planner could have booked."""

from __future__ import annotations

from datetime import date

import logistics as lg
from logistics.check import check
from logistics.solve import SolveParams, solve
from logistics.synth import generate_orders


def test_generated_commitments_fit_capacity_and_windows():
    """A capacity-heavy generated book (commitments included) solves to a plan whose
    frozen orders break no window and no capacity: the independent checker finds
    nothing, and the book is reproducible for a seed."""
    net = lg.read_network()
    book = generate_orders(net, 600, date(2026, 12, 7), 10, seed=5, committed_share=0.3)
    again = generate_orders(net, 600, date(2026, 12, 7), 10, seed=5, committed_share=0.3)
    assert book == again
    assert any(o.status == "committed" for o in book)
    result = solve(net, book, SolveParams(workers=1, time_limit_s=20), engine="highs")
    frozen = [p for p in result.plan.orders if p.status == "frozen"]
    assert len(frozen) == sum(o.status == "committed" for o in book)
    assert check(result.plan, net, book) == []
