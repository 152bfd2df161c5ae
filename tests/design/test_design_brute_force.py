"""The design against brute force: every subset of open sites planned by the
nightly schedule solver."""

from __future__ import annotations

import csv
import itertools
import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from design_helpers import PARAMS, Instance

from logistics.check import check
from logistics.design.solve import design_weights, solve_design
from logistics.io.bundle import read_network
from logistics.io.orders import read_orders
from logistics.solve import solve
from logistics.solve.params import Engine


def _subset_bundle(inst: Instance, open_sites: tuple[str, ...], folder: Path) -> Path:
    """A copy of the bundle where only ``open_sites`` have manufacturing lines (their
    design lines), and each batch's cost rides on the lane into its plant (every
    inbound itinerary has exactly one such lane), so the schedule solver's transport
    cost includes it."""
    shutil.copytree(inst.bundle, folder)
    (folder / "design.csv").unlink()
    (folder / "network.toml").unlink()
    by = inst.design.by_id
    rows = list(csv.DictReader((folder / "capacity.csv").open()))
    for r in rows:
        if r["site_id"] in by:
            r["slots"] = str(by[r["site_id"]].lines if r["site_id"] in open_sites else 0)
    with (folder / "capacity.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    lanes = list(csv.DictReader((folder / "lanes.csv").open()))
    for r in lanes:
        if r["to_site"] in by:
            r["cost_eur"] = str(float(r["cost_eur"]) + by[r["to_site"]].batch_cost_eur)
    with (folder / "lanes.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(lanes[0]))
        w.writeheader()
        w.writerows(lanes)
    return folder


def test_design_equals_brute_force_over_every_subset(tiny: Instance, tmp_path: Path) -> None:
    """The design's objective equals the least, over every subset of open plants, of
    the fixed costs plus the schedule solver's optimum on that subset (batch costs
    on the inbound lanes), and the design is proven optimal."""
    result = solve_design(tiny.network, tiny.book, tiny.design, PARAMS)
    assert result.status == "OPTIMAL"
    w = design_weights(PARAMS.weights, "weighted")
    params = replace(PARAMS, weights=w)
    names = [s.site_id for s in tiny.design.sites]
    by = tiny.design.by_id
    best = math.inf
    for r in range(len(names) + 1):
        for subset in itertools.combinations(names, r):
            folder = _subset_bundle(
                tiny, subset, tmp_path / ("open-" + "-".join(subset or ("none",)))
            )
            net = read_network(folder)
            book = read_orders(tiny.orders, net)
            res = solve(net, book, params, engine=Engine.HIGHS)
            assert res.bounds.primal is not None
            fixed = w.cost_per_eur * sum(by[s].fixed_cost_eur for s in subset)
            best = min(best, res.bounds.primal + fixed)
    # each order's term is rounded to hundredths in both models
    assert result.objective == pytest.approx(best, abs=0.01 * len(tiny.book) + 1e-6)
    assert check(result.plan, result.network, tiny.book) == []


def test_one_milp_over_every_design_agrees(tiny: Instance, monkeypatch) -> None:
    """With too many designs to bound one by one (the limit set to 0 here), the one
    MILP over every design finds the same optimum, its bound stays below it, and the
    plan passes the checker."""
    import logistics.design.solve as design_solve

    by_design = solve_design(tiny.network, tiny.book, tiny.design, PARAMS)
    monkeypatch.setattr(design_solve, "MAX_DESIGNS", 0)
    joint = solve_design(tiny.network, tiny.book, tiny.design, PARAMS)
    assert "designs" not in joint.stats
    assert joint.objective == pytest.approx(by_design.objective, abs=1e-6)
    assert joint.bound is not None and joint.bound <= joint.objective + 1e-6
    assert check(joint.plan, joint.network, tiny.book) == []


def test_one_milp_two_processes_same_as_one(capped: Instance, monkeypatch) -> None:
    """The zero-price pricing of the one MILP, split over two forked processes,
    adds the same candidates and reaches the same design and bound as one process."""
    import dataclasses

    import logistics.design.solve as design_solve

    monkeypatch.setattr(design_solve, "MAX_DESIGNS", 0)
    one = solve_design(capped.network, capped.book, capped.design, PARAMS)
    two = solve_design(
        capped.network, capped.book, capped.design, dataclasses.replace(PARAMS, workers=2)
    )
    assert one.stats["candidates"] == two.stats["candidates"]
    assert one.stats["pricing"]["added"] == two.stats["pricing"]["added"]
    assert one.lines == two.lines
    assert two.objective == pytest.approx(one.objective, abs=1e-6)
    assert two.bound == pytest.approx(one.bound, abs=1e-6)
    assert check(two.plan, two.network, capped.book) == []


def test_one_milp_without_presolve_agrees(tiny: Instance, monkeypatch) -> None:
    """The one MILP started unpresolved (as a large one is) finds the same optimum."""
    import logistics.design.lp as design_lp
    import logistics.design.solve as design_solve

    by_design = solve_design(tiny.network, tiny.book, tiny.design, PARAMS)
    monkeypatch.setattr(design_solve, "MAX_DESIGNS", 0)
    monkeypatch.setattr(design_lp, "PRESOLVE_MAX_NONZEROS", 0)
    joint = solve_design(tiny.network, tiny.book, tiny.design, PARAMS)
    assert joint.objective == pytest.approx(by_design.objective, abs=1e-6)
    assert joint.bound is not None and joint.bound <= joint.objective + 1e-6
    assert check(joint.plan, joint.network, tiny.book) == []


@pytest.mark.parametrize("fixture", ["tiny", "capped"])
def test_large_design_keeps_its_start_within_the_bound(fixture: str, request, monkeypatch) -> None:
    """Over MILP_MAX_NONZEROS (set to 0 here) the MILP is not run: the design is its
    start (greedy, drops and repair), no worse than the optimum over every design
    found one design at a time, whose objective is at or above the bound from the
    per-site floors; the plan passes the checker and max_open holds."""
    import logistics.design.solve as design_solve

    inst: Instance = request.getfixturevalue(fixture)
    exact = solve_design(inst.network, inst.book, inst.design, PARAMS)
    assert exact.status == "OPTIMAL" and exact.objective is not None
    monkeypatch.setattr(design_solve, "MAX_DESIGNS", 0)
    monkeypatch.setattr(design_solve, "MILP_MAX_NONZEROS", 0)
    large = solve_design(inst.network, inst.book, inst.design, PARAMS)
    assert large.stats["milp_status"].startswith("not run")
    assert large.stats["pricing"]["added"] == 0
    assert large.objective is not None and large.bound is not None
    assert large.objective >= exact.objective - 1e-6
    assert large.bound <= exact.objective + 1e-6
    assert check(large.plan, large.network, inst.book) == []
    max_open = inst.design.settings.max_open
    assert max_open is None or len(large.lines) <= max_open
