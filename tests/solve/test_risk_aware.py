"""Risk-aware planning: Monte Carlo breach probabilities of candidates and the cap."""

from __future__ import annotations

import shutil
from pathlib import Path

import logistics as lg
from logistics.check import check
from logistics.solve import SolveParams, build_candidates, solve
from logistics.solve.breach import cap_breach, simulate_candidates

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def risky_bundle(tmp_path: Path) -> Path:
    """Tiny with a 20 h fresh window and a wide p90 on the London-Amsterdam flight, so
    London orders (17 h nominal to Leiden) break the window in a sizeable share of
    draws while Munich's 10 h road with a 12 h p90 stays inside it."""
    folder = tmp_path / "risky"
    shutil.copytree(TINY, folder)
    lanes = (
        (folder / "lanes.csv")
        .read_text()
        .replace(
            "AIR-LHR-AMS,Courier A,air,APT-LHR,APT-AMS,3.0,4.0,",
            "AIR-LHR-AMS,Courier A,air,APT-LHR,APT-AMS,3.0,12.0,",
        )
    )
    (folder / "lanes.csv").write_text(lanes)
    therapies = (
        (folder / "therapies.toml").read_text().replace("inbound_max_h = 48", "inbound_max_h = 20")
    )
    (folder / "therapies.toml").write_text(therapies)
    return folder


def test_candidate_risk_is_a_probability_and_cap_drops_risky_ones(tmp_path):
    """Simulated candidate risks lie in [0, 1]; after the cap no kept candidate exceeds
    it, candidate indices stay consistent, and orders left without options say why."""
    net = lg.read_network(risky_bundle(tmp_path))
    book = lg.read_orders(TINY / "orders.csv", net)
    cs = build_candidates(net, book)
    simulate_candidates(cs, 200, seed=3)
    assert all(0.0 <= c.risk <= 1.0 for c in cs.candidates)
    london = [c for c in cs.candidates if book.orders[c.order].treatment_centre == "TC-LON"]
    assert london and all(c.risk > 0.05 for c in london)
    cap_breach(cs, 0.05)
    for k, cands in enumerate(cs.by_order):
        for i in cands:
            assert cs.candidates[i].order == k
            assert cs.candidates[i].risk <= 0.05
    assert (
        "too often"
        in cs.reasons[
            book.orders.index(
                next(o for o in book.orders if o.treatment_centre == "TC-LON" and not o.booked)
            )
        ]
    )


def test_cap_serves_fewer_and_every_plan_passes_the_checker(tmp_path):
    """A breach cap never serves more orders than no cap, and both plans pass the
    independent checker."""
    net = lg.read_network(risky_bundle(tmp_path))
    book = lg.read_orders(TINY / "orders.csv", net)
    free = solve(net, book, SolveParams(workers=1, time_limit_s=10, risk_samples=100))
    capped = solve(net, book, SolveParams(workers=1, time_limit_s=10, max_breach=0.05))
    assert len(capped.plan.served) <= len(free.plan.served)
    assert check(free.plan, net, book) == []
    assert check(capped.plan, net, book) == []
