"""The cost against vein-to-vein trade-off and the design under disruptions."""

from __future__ import annotations

import csv
from pathlib import Path

from design_helpers import PARAMS, Instance

from logistics.design.analysis import pareto_points, under_scenarios
from logistics.design.solve import solve_design


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_pareto_points_trade_cost_for_speed(capped: Instance, tmp_path: Path) -> None:
    """Weighing vein to vein more never makes the plan cheaper nor slower: the first
    point (cost alone) is the cheapest and the slowest, and every point is proven."""
    path = pareto_points(capped.network, capped.book, capped.design, PARAMS, 3, tmp_path)
    rows = _rows(path)
    assert [r["point"] for r in rows] == ["1", "2", "3"]
    costs = [float(r["total_cost_eur"]) for r in rows]
    v2v = [float(r["v2v_mean_h"]) for r in rows]
    assert costs == sorted(costs)
    assert v2v == sorted(v2v, reverse=True)
    assert v2v[0] > v2v[-1]  # cost alone takes the slower mode where the cap allows
    assert all(r["status"] == "OPTIMAL" for r in rows)


def test_closing_the_fast_mode_breaks_the_cap(capped: Instance, tmp_path: Path) -> None:
    """Replanned on the chosen design without the one-day mode, every patient takes
    two days each way (19 days) and breaks the 18-day cap; without the scenario none
    does."""
    result = solve_design(capped.network, capped.book, capped.design, PARAMS)
    spec = tmp_path / "no-express.toml"
    spec.write_text(
        'name = "no express courier"\n[[disruption]]\nkind = "close_lanes"\n'
        'modes = ["onboard_courier"]\n',
        encoding="utf-8",
    )
    path = under_scenarios(result, capped.network, capped.book, PARAMS, [spec], tmp_path)
    base, closed = _rows(path)
    assert base["scenario"] == "baseline" and closed["scenario"] == "no express courier"
    assert int(base["served"]) == len(capped.book) and int(base["beyond_cap"]) == 0
    assert int(closed["beyond_cap"]) == int(closed["served"]) == len(capped.book)
    assert float(closed["transport_cost_eur"]) < float(base["transport_cost_eur"])
