"""The sweep report (report.html in a sweep folder): every scenario against the
baseline.

The comparison as a table with the change against the baseline (absolute and %), one
chart per KPI across the scenarios, the orders each scenario breaks, and for a
scenario that changes nothing, why. It reads only the sweep folder's comparison.csv,
impact.csv and sweep.json.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from logistics.errors import InputError, Issue
from logistics.io.sweep import COMPARISON_FILE, IMPACT_FILE, SWEEP_FILE
from logistics.report.html import Card, Chart, Markup, cards, chart_div, page, section, table
from logistics.report.plan import REPORT_FILE

__all__ = ["KPIS", "Kpi", "no_change_reason", "sweep_report", "write_sweep_report"]


@dataclass(frozen=True, slots=True)
class Kpi:
    """A comparison.csv column shown in the report; ``better`` is +1 when more is
    better, -1 when less is."""

    column: str
    label: str
    better: int
    digits: int


KPIS = (
    Kpi("served", "Served (re-plan)", +1, 0),
    Kpi("unserved", "Unserved (re-plan)", -1, 0),
    Kpi("v2v_median_h", "Vein to vein median, h", -1, 1),
    Kpi("v2v_p90_h", "Vein to vein p90, h", -1, 1),
    Kpi("cost_eur", "Transport cost, EUR", -1, 2),
    Kpi("expected_breaches", "Expected breaches", -1, 2),
    Kpi("expected_dropouts", "Expected dropouts", -1, 2),
    Kpi("impact_orders_breaking", "Tonight's orders breaking", -1, 0),
    Kpi("impact_orders_displaced", "Tonight's orders displaced", -1, 0),
    Kpi("exposed_shipments", "Tonight's shipments exposed", -1, 0),
)
BREAKING_SHOWN = 200  # rows of the "orders each scenario breaks" table


def _number(text: str | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError([Issue(path.name, None, None, f"a file {path.name}", "no such file")])
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _fmt(x: float | None, digits: int) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "never"
    return f"{x:,.{digits}f}"


def _delta(value: float | None, base: float | None, kpi: Kpi) -> Markup:
    """The change against the baseline, coloured by whether it is better or worse."""
    if value is None or base is None or math.isinf(value) or math.isinf(base):
        return Markup("")
    d = value - base
    if abs(d) < 0.5 * 10**-kpi.digits:
        return Markup('<span class="muted">±0</span>')
    pct = f" ({d / abs(base):+.1%})" if base else ""
    cls = "down" if d * kpi.better > 0 else "up"
    return Markup(f'<span class="{cls}">{d:+,.{kpi.digits}f}{pct}</span>')


def no_change_reason(row: Mapping[str, str], scenario: Mapping[str, Any]) -> str:
    """Why a scenario whose figures equal the baseline's changes nothing, in words."""
    exposed = int(_number(row.get("exposed_shipments")) or 0)
    displaced = int(_number(row.get("impact_orders_displaced")) or 0)
    added = len(scenario.get("orders_added") or ())
    removed = len(scenario.get("orders_removed") or ())
    if exposed == 0 and displaced == 0 and added == 0 and removed == 0:
        return (
            "no planned shipment crosses the disrupted lanes or customs in the window "
            "(exposed_shipments = 0), no batch or collection is displaced and no order "
            "is added or removed"
        )
    parts = []
    if exposed:
        parts.append(f"{exposed} planned shipments meet the disruption but still fit their windows")
    if displaced:
        parts.append(f"{displaced} orders displaced and re-planned at no cost")
    if added or removed:
        parts.append(f"{added} orders added, {removed} removed, with no effect on the KPIs")
    return "; ".join(parts)


def _unchanged(row: Mapping[str, str], base: Mapping[str, str]) -> bool:
    return all(
        row.get(k.column) == base.get(k.column) for k in KPIS if k.column != "exposed_shipments"
    )


def _kpi_chart(kpi: Kpi, rows: Sequence[Mapping[str, str]]) -> go.Figure:
    names = [r["scenario"] for r in rows]
    values = [_number(r.get(kpi.column)) for r in rows]
    shown = [None if v is None or math.isinf(v) else v for v in values]
    colours = ["#9aa5b1" if i == 0 else "#2f80ed" for i in range(len(rows))]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=shown,
            marker={"color": colours},
            text=[_fmt(v, kpi.digits) for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="x+y",
        )
    )
    fig.update_layout(
        title={"text": kpi.label, "font": {"size": 14}},
        height=300,
        margin={"l": 40, "r": 10, "t": 40, "b": 80},
        xaxis={"tickangle": -30, "automargin": True},
        yaxis={"rangemode": "tozero", "automargin": True},
        showlegend=False,
    )
    return fig


def sweep_report(folder: str | Path, title: str = "Scenario sweep") -> str:
    """The HTML of the report on the sweep folder ``folder``."""
    path = Path(folder)
    rows = _read_csv(path / COMPARISON_FILE)
    impact = _read_csv(path / IMPACT_FILE) if (path / IMPACT_FILE).is_file() else []
    settings: dict[str, Any] = {}
    if (path / SWEEP_FILE).is_file():
        settings = json.loads((path / SWEEP_FILE).read_text(encoding="utf-8"))
    if not rows:
        raise InputError([Issue(COMPARISON_FILE, 2, None, "a baseline row", "no rows")])
    scenarios = {s.get("name"): s for s in settings.get("scenarios", [])}
    base = rows[0]

    header = ["Scenario", *(k.label for k in KPIS), "Why unchanged"]
    body_rows = []
    for i, r in enumerate(rows):
        name = r["scenario"]
        link = Path(r.get("plan_dir") or "") / REPORT_FILE
        cells: list[Any] = [
            Markup(f'<a href="{escape(link.as_posix())}">{escape(name)}</a>')
            if r.get("plan_dir")
            else name
        ]
        for k in KPIS:
            value, was = _number(r.get(k.column)), _number(base.get(k.column))
            delta = _delta(value, was, k) if i else Markup("")
            cells.append(Markup(f"{escape(_fmt(value, k.digits))}<br>{delta.html}"))
        why = ""
        if i and _unchanged(r, base):
            why = no_change_reason(r, scenarios.get(name, {}))
        cells.append(why)
        body_rows.append(cells)
    comparison = table(
        header,
        body_rows,
        numeric=[False, *([True] * len(KPIS)), False],
        table_id="comparison-table",
    )

    charts = [Chart(div_id=f"kpi-{k.column}", figure=_kpi_chart(k, rows)) for k in KPIS]
    grid = (
        '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));'
        'gap:8px">' + "".join(chart_div(c) for c in charts) + "</div>"
    )

    breaking = [
        r
        for r in impact
        if r.get("breaks") == "true"
        or r.get("displaced") == "true"
        or (r.get("status") in ("scheduled", "frozen") and r.get("replan_status") == "unserved")
    ]
    break_rows = [
        (
            r["scenario"],
            r["order_id"],
            r.get("status", ""),
            "yes" if r.get("displaced") == "true" else "",
            _fmt(_number(r.get("p_breach_baseline")), 2),
            _fmt(_number(r.get("p_breach_disrupted")), 2),
            _fmt(_number(r.get("delta_v2v_h")), 1),
            r.get("replan_status", ""),
        )
        for r in breaking[:BREAKING_SHOWN]
    ]
    counts: dict[str, int] = {}
    for r in breaking:
        counts[r["scenario"]] = counts.get(r["scenario"], 0) + 1
    summary_cards = [Card(label="Scenarios", value=str(len(rows) - 1))] + [
        Card(
            label=name,
            value=str(counts.get(name, 0)),
            note="orders broken or displaced",
            alert=counts.get(name, 0) > 0,
        )
        for name in (r["scenario"] for r in rows[1:])
    ]
    more = (
        f'<p class="muted">{len(breaking) - BREAKING_SHOWN} more in impact.csv.</p>'
        if len(breaking) > BREAKING_SHOWN
        else ""
    )
    broken = (
        table(
            (
                "Scenario",
                "Order",
                "Tonight",
                "Displaced",
                "Breach tonight",
                "Breach disrupted",
                "Δ vein to vein, h",
                "Re-plan",
            ),
            break_rows,
            table_id="breaking-table",
        )
        if break_rows
        else '<p class="muted">No scenario breaks or displaces an order of tonight\'s plan.</p>'
    )
    body = "".join(
        [
            cards(summary_cards),
            section("Comparison with the baseline", comparison, "comparison"),
            section("KPIs across scenarios", grid, "kpis"),
            section("Orders each scenario breaks", broken + more, "breaking"),
        ]
    )
    subtitle = (
        f"{len(rows) - 1} scenarios against the baseline · seed {settings.get('seed', '-')} · "
        f"{settings.get('samples', '-')} samples · network "
        f"{Path(str(settings.get('network') or '-')).name}"
    )
    return page(title, subtitle, body, charts)


def write_sweep_report(folder: str | Path) -> Path:
    """Write report.html into the sweep folder ``folder``; returns its path."""
    path = Path(folder) / REPORT_FILE
    path.write_text(sweep_report(folder), encoding="utf-8")
    return path
