"""Booked orders in the design: a booking finishes where it is booked whatever the
design, never opens its site nor pays its fixed cost, and takes its slots out of
the site's lines when the site is open."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from design_helpers import PARAMS, Instance, booked_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_design_brute_force import _subset_bundle

from logistics.check import check
from logistics.design.solve import DesignResult, design_weights, solve_design
from logistics.io.bundle import read_network
from logistics.io.design import design_tables
from logistics.io.orders import read_orders
from logistics.solve import solve
from logistics.solve.params import Engine

SITE, ORDER = "PL-3", "P-0002"  # the booking: one patient at the third plant


@pytest.fixture(scope="module")
def idle(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    """Lines 1, 2, 1: the booking takes the third plant's only line."""
    return booked_instance(
        tmp_path_factory.mktemp("booked-idle"), site=SITE, order=ORDER, lines=(1, 2, 1)
    )


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    """Lines 1, 2, 2: the third plant keeps one free line beside the booking."""
    return booked_instance(
        tmp_path_factory.mktemp("booked-busy"), site=SITE, order=ORDER, lines=(1, 2, 2)
    )


def _brute_force(inst: Instance, tmp_path: Path) -> tuple[float, dict[tuple[str, ...], float]]:
    """The least over every subset of open plants of its fixed costs plus the
    schedule solver's optimum with the closed plants at zero lines (batch costs on
    the inbound lanes), and each subset's value. The contract's rule, applied here:
    a closed plant takes no new order, the booked order still finishes at its site
    (the schedule solver keeps it as booked, checked) and only open plants pay their
    fixed cost; an open plant's lines hold the booking too."""
    w = design_weights(PARAMS.weights, "weighted")
    params = replace(PARAMS, weights=w)
    by = inst.design.by_id
    values = {}
    for r in range(len(by) + 1):
        for subset in itertools.combinations(sorted(by), r):
            folder = _subset_bundle(inst, subset, tmp_path / ("open-" + "-".join(subset or "0")))
            net = read_network(folder)
            book = read_orders(inst.orders, net)
            res = solve(net, book, params, engine=Engine.HIGHS)
            assert res.bounds.primal is not None and res.plan is not None
            kept = res.plan.by_id()[ORDER]
            assert (kept.status, kept.manufacturing_site) == ("frozen", SITE)
            fixed = w.cost_per_eur * sum(by[s].fixed_cost_eur for s in subset)
            values[subset] = res.bounds.primal + fixed
    return min(values.values()), values


def _new_batches(result: DesignResult, site: str) -> list[tuple]:
    """(start, end) of the batches scheduled (not booked) at ``site``."""
    assert result.plan is not None
    return [
        (p.manufacturing_start, p.manufacturing_end)
        for p in result.plan.orders
        if p.status == "scheduled" and p.manufacturing_site == site
    ]


def _all_overlap(inst: Instance) -> bool:
    """Every apheresis within two days and a batch holding its line seven: any two
    batches of the book share a manufacturing day."""
    days = {o.apheresis_earliest.date() for o in inst.book.orders}
    days |= {o.apheresis_latest.date() for o in inst.book.orders}
    return (max(days) - min(days)).days <= 2


def test_booking_at_a_site_not_worth_opening_finishes_there_closed(
    idle: Instance, tmp_path: Path
) -> None:
    """The booking fills the third plant's only line, so opening it adds no room and
    only costs its fixed cost: the design keeps it closed, the booked order still
    finishes there (frozen, in allocation.csv, design.csv showing open false and one
    booked batch with its cost, no fixed cost charged), the plan passes the checker,
    and the objective equals brute force over every subset under the same rule, where
    every subset opening the plant is dearer."""
    assert _all_overlap(idle)
    result = solve_design(idle.network, idle.book, idle.design, PARAMS)
    assert result.status == "OPTIMAL"
    assert result.bound is not None and result.bound <= result.objective + 1e-6
    assert SITE not in result.lines
    kept = result.plan.by_id()[ORDER]
    assert (kept.status, kept.manufacturing_site) == ("frozen", SITE)
    assert _new_batches(result, SITE) == []
    # every batch overlaps: the open plants' lines, plus the booking, is who is served
    lines = sum(result.lines.values())
    assert len(result.plan.served) == 1 + lines
    assert check(result.plan, result.network, idle.book) == []
    best, values = _brute_force(idle, tmp_path)
    assert result.objective == pytest.approx(best, abs=0.01 * len(idle.book) + 1e-6)
    with_site = min(v for s, v in values.items() if SITE in s)
    assert with_site > best + 1.0
    rows, allocation, summary = design_tables(result)
    row = next(r for r in rows if r["site_id"] == SITE)
    batch_eur = idle.design.by_id[SITE].batch_cost_eur
    assert (row["open"], row["lines"], row["batches"], row["booked"]) == (False, 0, 1, 1)
    assert row["fixed_cost_eur"] == 0.0
    assert row["variable_cost_eur"] == pytest.approx(batch_eur + (kept.cost_eur or 0.0))
    assert any(a["site_id"] == SITE for a in allocation)
    assert summary["winding_down"] == {SITE: 1}
    fixed = sum(idle.design.by_id[s].fixed_cost_eur for s in result.lines)
    assert summary["costs_eur"]["fixed"] == pytest.approx(fixed)


def test_booked_site_opens_when_it_pays_with_lines_less_booked_free(
    busy: Instance, tmp_path: Path
) -> None:
    """With a second line at the third plant the free line is worth its fixed cost:
    the plant opens, takes exactly lines - booked = 1 new batch beside the booking,
    every open line holds one batch (the book overfills the lines, every batch
    overlaps) and the objective equals brute force under the same rule."""
    assert _all_overlap(busy)
    result = solve_design(busy.network, busy.book, busy.design, PARAMS)
    assert result.status == "OPTIMAL"
    assert result.bound is not None and result.bound <= result.objective + 1e-6
    assert result.lines.get(SITE) == 2
    kept = result.plan.by_id()[ORDER]
    assert (kept.status, kept.manufacturing_site) == ("frozen", SITE)
    assert len(_new_batches(result, SITE)) == result.lines[SITE] - 1
    assert len(result.plan.served) == sum(result.lines.values()) < len(busy.book)
    assert result.booked == {SITE: 1}
    assert check(result.plan, result.network, busy.book) == []
    best, _ = _brute_force(busy, tmp_path)
    assert result.objective == pytest.approx(best, abs=0.01 * len(busy.book) + 1e-6)


@pytest.mark.parametrize("which", ["idle", "busy"])
def test_must_close_agrees_with_the_free_choice(which: str, request) -> None:
    """Closing the booked plant by must_close gives the free choice's answer when
    the free choice closes it (the same objective, plan and costs), and never a
    lower objective when it opens it; either way the booking finishes there and the
    plan passes the checker."""
    inst: Instance = request.getfixturevalue(which)
    free = solve_design(inst.network, inst.book, inst.design, PARAMS)
    shut = solve_design(
        inst.network, inst.book, inst.design.with_settings(must_close=frozenset({SITE})), PARAMS
    )
    assert SITE not in shut.lines
    assert shut.plan.by_id()[ORDER].manufacturing_site == SITE
    assert check(shut.plan, shut.network, inst.book) == []
    if SITE in free.lines:
        assert shut.objective >= free.objective - 1e-6
    else:
        assert shut.objective == pytest.approx(free.objective, abs=1e-6)
        assert dict(shut.lines) == dict(free.lines)
        assert shut.costs_eur == free.costs_eur
        assert [(p.order_id, p.manufacturing_site) for p in shut.plan.orders] == [
            (p.order_id, p.manufacturing_site) for p in free.plan.orders
        ]


def test_sized_open_site_keeps_the_line_its_booking_takes(busy: Instance) -> None:
    """Forced open with 0 to 2 lines at a line cost no new batch repays, the booked
    plant is sized to the one line its booking takes (not 0: the booking runs on the
    site's lines once it is open), takes no new batch and pays that one line."""
    line_eur = 10_000_000.0
    sites = tuple(
        replace(d, min_lines=0, max_lines=2, line_cost_eur=line_eur) if d.site_id == SITE else d
        for d in busy.design.sites
    )
    sized = replace(busy.design, sites=sites).with_settings(must_open=frozenset({SITE}))
    result = solve_design(busy.network, busy.book, sized, PARAMS)
    assert result.status == "OPTIMAL"
    assert result.lines[SITE] == 1
    assert _new_batches(result, SITE) == []
    assert result.costs_eur["lines"] == pytest.approx(line_eur)
    assert check(result.plan, result.network, busy.book) == []


@pytest.mark.parametrize("which", ["idle", "busy"])
def test_one_milp_over_every_design_agrees_with_bookings(which: str, request, monkeypatch) -> None:
    """With too many designs to bound one by one (the limit set to 0), the one MILP
    over every design and its Lagrangian bound (site rows with the booked slots on
    the open decision) give the same optimum, with the bound below it."""
    import logistics.design.solve as design_solve

    inst: Instance = request.getfixturevalue(which)
    by_design = solve_design(inst.network, inst.book, inst.design, PARAMS)
    monkeypatch.setattr(design_solve, "MAX_DESIGNS", 0)
    joint = solve_design(inst.network, inst.book, inst.design, PARAMS)
    assert "designs" not in joint.stats
    assert joint.objective == pytest.approx(by_design.objective, abs=1e-6)
    assert dict(joint.lines) == dict(by_design.lines)
    assert joint.bound is not None and joint.bound <= joint.objective + 1e-6
    assert check(joint.plan, joint.network, inst.book) == []


def test_design_folder_says_the_closed_site_winds_down(idle: Instance, tmp_path: Path) -> None:
    """`logistics design` on the idle instance writes design.csv with the closed
    plant's booked batch, allocation.csv with the booked order's centre at that
    plant, summary.json's winding_down and a report card naming it."""
    import csv
    import json

    from typer.testing import CliRunner

    from logistics.cli import app

    out = tmp_path / "out"
    args = ["design", "--network", str(idle.bundle), "--orders", str(idle.orders)]
    res = CliRunner().invoke(app, [*args, "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    rows = {r["site_id"]: r for r in csv.DictReader((out / "design.csv").open())}
    assert (rows[SITE]["open"], rows[SITE]["booked"], rows[SITE]["batches"]) == (
        "false",
        "1",
        "1",
    )
    centre = next(o.treatment_centre for o in idle.book.orders if o.order_id == ORDER)
    allocation = list(csv.DictReader((out / "allocation.csv").open()))
    assert any((a["treatment_centre"], a["site_id"]) == (centre, SITE) for a in allocation)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["winding_down"] == {SITE: 1}
    html = (out / "report.html").read_text()
    assert "Winding down" in html and f"{SITE} (1)" in html


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fixed_eur=st.floats(0, 2_000_000), booked_site=st.sampled_from(["PL-1", "PL-2", "PL-3"]))
def test_free_choice_is_the_better_of_open_and_closed(
    busy: Instance, fixed_eur: float, booked_site: str
) -> None:
    """Whatever the booked plant's fixed cost, the free design's objective is the
    lesser of the designs forcing that plant open and closed, the plant is open
    exactly when opening is strictly better, and in all three the booking finishes at
    its plant and the plan passes the checker."""
    sites = tuple(
        replace(d, fixed_cost_eur=fixed_eur) if d.site_id == booked_site else d
        for d in busy.design.sites
    )
    design = replace(busy.design, sites=sites)
    orders = tuple(
        replace(o, committed_site=booked_site) if o.order_id == ORDER else o
        for o in busy.book.orders
    )
    book = replace(busy.book, orders=orders)
    only = frozenset({booked_site})
    free = solve_design(busy.network, book, design, PARAMS)
    shut = solve_design(busy.network, book, design.with_settings(must_close=only), PARAMS)
    opened = solve_design(busy.network, book, design.with_settings(must_open=only), PARAMS)
    for r in (free, shut, opened):
        assert r.status == "OPTIMAL"
        assert r.plan.by_id()[ORDER].manufacturing_site == booked_site
        assert check(r.plan, r.network, book) == []
    assert free.objective == pytest.approx(min(shut.objective, opened.objective), abs=1e-6)
    if opened.objective < shut.objective - 1e-6:
        assert booked_site in free.lines
    if shut.objective < opened.objective - 1e-6:
        assert booked_site not in free.lines
