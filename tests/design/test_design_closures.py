"""A design site's own capacity.csv rows (holiday closures, reduced days) keep their
shape when the design sets its lines."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from design_helpers import PARAMS, instance

from logistics.check import check
from logistics.design.model import Design, DesignSite, design_network
from logistics.design.solve import solve_design
from logistics.io.bundle import read_network
from logistics.io.design import design_tables, read_design
from logistics.io.orders import read_orders
from logistics.model.capacity import Capacity

MFG = "manufacturing"


def test_a_sites_rows_scale_with_its_lines() -> None:
    """35 slots a weekday, none on Sundays, 21 on one holiday and none on another:
    with 35 lines every row is as written, with 10 each is scaled down (floored), and
    a site without rows gets its lines every day."""
    week = (35, 35, 35, 35, 35, 35, 0)
    cap = Capacity(
        weekly={("P", MFG): week, ("C", "apheresis"): (4,) * 7},
        dated={("P", MFG, date(2027, 12, 24)): 21, ("P", MFG, date(2027, 12, 25)): 0},
    )
    net = replace(read_network(), capacity=cap)
    design = Design(
        sites=(
            DesignSite(site_id="P", status="existing", fixed_cost_eur=0, lines=35),
            DesignSite(site_id="Q", status="candidate", fixed_cost_eur=0, lines=3),
        )
    )
    days = [date(2027, 12, 20) + timedelta(days=i) for i in range(14)]
    full = design_network(net, design, {"P": 35, "Q": 3}).capacity
    assert [full.slots("P", MFG, d) for d in days] == [cap.slots("P", MFG, d) for d in days]
    assert all(full.slots("Q", MFG, d) == 3 for d in days)
    assert full.slots("C", "apheresis", days[0]) == 4
    small = design_network(net, design, {"P": 10}).capacity
    assert small.slots("P", MFG, date(2027, 12, 20)) == 10  # a Monday
    assert small.slots("P", MFG, date(2027, 12, 24)) == 6  # 10 x 21 / 35
    assert small.slots("P", MFG, date(2027, 12, 25)) == 0
    assert small.slots("P", MFG, date(2027, 12, 26)) == 0  # a Sunday
    assert all(small.slots("Q", MFG, d) == 0 for d in days)  # closed


def test_design_plan_keeps_the_bundles_closures(tmp_path: Path) -> None:
    """Every plant closed for three days mid-horizon and reduced to one line on a
    fourth: the design's plan passes the checker against the input bundle itself
    (an open site's lines are its capacity.csv slots, so no batch holds a closed
    day), and some patients are still served."""
    base = instance(tmp_path / "i", patients=20, days=30, seed=1)
    path = base.bundle / "capacity.csv"
    rows = list(csv.DictReader(path.open()))
    plants = sorted({r["site_id"] for r in rows if r["resource"] == MFG})
    closed = [date(2027, 1, 12) + timedelta(days=i) for i in range(3)]
    for site in plants:
        rows += [
            {"site_id": site, "resource": MFG, "weekday": "", "date": d.isoformat(), "slots": "0"}
            for d in closed
        ]
        rows.append(
            {"site_id": site, "resource": MFG, "weekday": "", "date": "2027-01-16", "slots": "1"}
        )
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    network = read_network(base.bundle)
    book = read_orders(base.orders, network)
    design = read_design(base.bundle, network)
    assert design is not None
    result = solve_design(network, book, design, PARAMS)
    assert result.plan is not None and result.plan.served
    assert check(result.plan, result.network, book) == []
    assert check(result.plan, network, book) == []
    # utilisation counts the slot-days the site has: the closed days are not room
    rows, _, _ = design_tables(result)
    starts = [p.manufacturing_start.date() for p in result.plan.served]
    ends = [p.manufacturing_end.date() for p in result.plan.served]
    span = [min(starts) + timedelta(days=i) for i in range((max(ends) - min(starts)).days + 1)]
    for row in rows:
        if row["open"] and row["batches"]:
            held = 7 * sum(p.manufacturing_site == row["site_id"] for p in result.plan.served)
            room = sum(network.capacity.slots(row["site_id"], MFG, x) for x in span)
            assert row["utilisation"] == round(held / room, 4)
