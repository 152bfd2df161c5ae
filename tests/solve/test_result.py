"""SolveResult's typed API: objective, KPIs, unserved orders, repr, summary, frames,
summary.json content, and a nightly plan that pickles."""

from __future__ import annotations

import csv
import dataclasses
import json
import pickle

import pytest
from solve_helpers import EXACT, PARAMS

import logistics as lg
from logistics.errors import SolveError
from logistics.io.plan import ORDERS_FILE, write_plan
from logistics.model.plan import ORDER_COLUMNS, PlanKpis
from logistics.solve import solve
from logistics.solve.stats import ObjectiveBounds
from logistics.solve.termination import Limit, Termination, TerminationReason
from logistics.solve.unserved import UnservedKind, UnservedOrder, kind_of


@pytest.fixture(scope="module")
def solved(tiny):
    """The tiny book solved by CP-SAT to optimality."""
    net, book = tiny
    return net, solve(net, book, EXACT)


def _no_plan(result: lg.SolveResult) -> lg.SolveResult:
    return dataclasses.replace(
        result,
        plan=None,
        termination=Termination(reason=TerminationReason.NO_SOLUTION_FOUND, limit=Limit.TIME),
        bounds=ObjectiveBounds(dual=result.bounds.dual),
    )


def test_objective_value_in_weight_units_or_solve_error(solved):
    """objective_value() is the plan's objective (= summary.json's); without a plan it
    raises SolveError, and the status says why."""
    _net, result = solved
    assert result.objective_value() == result.bounds.primal == result.to_dict()["objective"]
    assert result.objective_value() <= result.stats.greedy_objective + 1e-6
    empty = _no_plan(result)
    with pytest.raises(SolveError, match="no plan"):
        empty.objective_value()
    assert empty.status is lg.Status.UNKNOWN and empty.kpis is None and empty.unserved == ()


def test_repr_is_one_short_line(solved):
    """repr names status, engine, objective, bound, gap and the served / unserved
    counts on one line under 300 characters, with or without a plan."""
    _net, result = solved
    for r in (result, _no_plan(result)):
        text = repr(r)
        assert "\n" not in text and len(text) < 300, text
        assert "OPTIMAL" in text or "UNKNOWN" in text
        assert "cp-sat" in text and "bound=" in text and "gap=" in text
    assert "served=3, unserved=0" in repr(result)


def test_kpis_is_a_typed_property(solved):
    """kpis is a property giving a frozen PlanKpis whose dict is summary.json's kpis."""
    _net, result = solved
    k = result.kpis
    assert isinstance(k, PlanKpis)
    assert (k.orders, k.served, k.frozen, k.unserved) == (3, 3, 1, 0)
    assert k.v2v_median_h is not None and k.v2v_median_h > 0
    assert k.to_dict() == result.to_dict()["kpis"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.served = 0  # type: ignore[misc]


def test_to_frame_columns_are_the_orders_csv_header(solved, tmp_path):
    """to_frame() has exactly the columns of a written plan's orders.csv, one row per
    order with the same ids; a result without a plan gives an empty frame."""
    net, result = solved
    write_plan(result, tmp_path, net)
    with (tmp_path / ORDERS_FILE).open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    frame = result.to_frame()
    assert list(frame.columns) == header == list(ORDER_COLUMNS)
    assert list(frame["order_id"]) == [p.order_id for p in result.plan.orders]
    assert frame["v2v_h"].notna().all()
    assert list(_no_plan(result).to_frame().columns) == header


def test_to_json_is_summary_json(solved, tmp_path):
    """to_json() is summary.json's text, with today's keys in today's order."""
    net, result = solved
    write_plan(result, tmp_path, net)
    written = (tmp_path / "summary.json").read_text(encoding="utf-8")
    assert written == result.to_json() + "\n"
    keys = ["status", "termination", "engine", "objective", "best_bound", "gap",
            "wall_time_s", "kpis", "stats", "settings", "input_hashes", "versions"]  # fmt: skip
    assert list(json.loads(written)) == keys
    stats = json.loads(written)["stats"]
    assert list(stats)[:3] == ["engine", "candidates", "capacity_rows"]
    for key in ("build_s", "solve_s", "branches", "orders", "greedy_objective"):
        assert key in stats


def test_summary_is_the_plan_table(solved):
    """summary() is a text table with the status, termination and engine, the
    objective, bound and gap, what the bound holds over, the counts and the
    checker's verdict; the values start in one column."""
    _net, result = solved
    text = result.summary()
    lines = text.splitlines()
    assert lines[0].split()[0] == "status" and "OPTIMAL (optimal, cp-sat)" in lines[0]
    labels = (
        "objective / bound / gap",
        "bound holds over",
        "orders served / unserved",
        "checker violations",
    )
    for label in labels:
        assert any(line.startswith(label) for line in lines), label
    column = len(lines[0]) - len(lines[0][len("status") :].lstrip())
    assert all(line[column - 2 : column] == "  " and line[column] != " " for line in lines)


def test_unserved_orders_carry_their_kind(tight):
    """Each unserved order of the tight bundle has the kind its reason names."""
    net, book = tight
    result = solve(net, book, PARAMS)
    kinds = {u.order_id: u.kind for u in result.unserved}
    assert all(isinstance(u, UnservedOrder) for u in result.unserved)
    assert kinds["T-08"] is UnservedKind.CANCELLED
    assert kinds["T-05"] is UnservedKind.NO_APHERESIS_DAY
    assert kinds["T-06"] is UnservedKind.NO_LICENSED_SITE
    capacity = [k for k in ("T-01", "T-03", "T-04") if k in kinds]
    assert capacity and all(kinds[k] is UnservedKind.MANUFACTURING_SLOTS for k in capacity)


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("order cancelled", UnservedKind.CANCELLED),
        ("no licensed site: cart-auto is not marketed in GB (EU only)", "no licensed site"),
        ("no apheresis day: TC-X is closed", UnservedKind.NO_APHERESIS_DAY),
        ("no 2-8C itinerary links TC-X to any licensed site (MFG-A)", "no itinerary"),
        ("no 2-8C itinerary reaches a licensed site within 48 h of apheresis", "window"),
        (
            "no LN2 itinerary returns the product to TC-X within the 120 h shipper hold "
            "time (no itinerary)",
            "no itinerary",
        ),
        (
            "no LN2 itinerary returns the product to TC-X within the 120 h shipper hold "
            "time (best 130.0 h from MFG-A)",
            "window",
        ),
        ("every option breaks a viability window too often: best 9%", "breach cap"),
        ("booked at MFG-A, but no 2-8C itinerary", UnservedKind.BOOKING),
        ("capacity: manufacturing slots at MFG-A full (2026-12-08)", "manufacturing slots"),
        ("capacity: apheresis slots at TC-X full (2026-12-08)", "apheresis slots"),
        ("capacity: lane L1 full on 2 departure(s)", "lane capacity"),
        ("not served: serving it would cost more than leaving it", "trade-off"),
        ("no feasible schedule", UnservedKind.OTHER),
    ],
)
def test_every_reason_template_has_its_kind(reason, kind):
    """The reasons the solver writes map to the constraint they name."""
    assert kind_of(reason) == kind


def test_on_improve_gets_weight_units(tiny):
    """CP-SAT's progress callback sees objectives in weight units: the last one it is
    given is the result's objective."""
    net, book = tiny
    seen: list[tuple[float, float, float]] = []
    result = solve(net, book, EXACT, on_improve=lambda o, b, s: seen.append((o, b, s)))
    assert seen and seen[-1][0] == pytest.approx(result.objective_value())


def test_nightly_plan_pickles(tiny):
    """A nightly plan (result, Monte Carlo, Plan B, verdict) survives pickling, as a
    sweep's worker processes need; the pipeline's risk and checker figures are typed
    stats."""
    net, book = tiny
    nightly = lg.plan(net, book, PARAMS, samples=20, fallbacks=1)
    assert nightly.result.stats.checker_violations == 0
    assert nightly.result.stats.risk is not None and nightly.result.stats.risk["samples"] == 20
    again = pickle.loads(pickle.dumps(nightly))
    assert again.result == nightly.result
    assert again.fallbacks == nightly.fallbacks and isinstance(again.fallbacks, tuple)
    assert again.violations == nightly.violations
