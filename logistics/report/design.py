"""The design report (report.html in a design folder).

KPI cards (cost and its split, cost per therapy, served, vein to vein, status, bound
and what it holds over), a map of the design sites (open or closed, existing or
candidate, lines) with the allocation lines from treatment centres to sites (width by
orders), utilisation per open site, and with their files the cost against vein-to-vein
points (pareto.csv), the chosen design under the scenarios (scenarios.csv) and the
robust choice (robust.csv). It reads only the design folder, so ``logistics report
DESIGN_DIR`` rebuilds it without the network.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from logistics.errors import InputError, Issue
from logistics.io.design import DESIGN_OUT_COLUMNS
from logistics.report.html import Card, Chart, cards, chart_div, page, section, table
from logistics.report.map import SITE_TRACE, add_countries, add_hover_points, map_layout
from logistics.report.plan import REPORT_FILE

__all__ = [
    "DESIGN_FILES",
    "PARETO_TRACE",
    "design_report",
    "is_design_folder",
    "write_design_report",
]

DESIGN_FILES = ("design.csv", "allocation.csv", "summary.json", "design.geojson")
PARETO_TRACE = "pareto points"
# (kind, status, open) -> (legend label, symbol, colour) of a site marker
_SITE_STYLE = {
    ("site", "existing", True): ("open, existing", "square", "#27ae60"),
    ("site", "candidate", True): ("open, candidate", "diamond", "#2f80ed"),
    ("site", "existing", False): ("closed, existing", "square-open", "#9aa5b1"),
    ("site", "candidate", False): ("closed, candidate", "diamond-open", "#9aa5b1"),
    ("plant", "", True): ("plant outside the design", "square", "#f2994a"),
    ("centre", "", True): ("treatment centre", "circle", "#243b53"),
}


def is_design_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds the files ``logistics design`` writes."""
    return all((Path(folder) / name).is_file() for name in DESIGN_FILES)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(text: Any) -> float | None:
    try:
        return None if text in (None, "") else float(text)
    except (TypeError, ValueError):
        return None


def _eur(x: Any) -> str:
    v = _float(x)
    return "-" if v is None else f"EUR {v:,.0f}"


def _hours(x: Any) -> str:
    v = _float(x)
    return "-" if v is None else f"{v:,.1f} h ({v / 24:.1f} d)"


def _number(x: Any) -> str:
    v = _float(x)
    return "-" if v is None else f"{v:,.2f}"


def _cards(summary: Mapping[str, Any]) -> list[Card]:
    costs = summary.get("costs_eur") or {}
    split = ", ".join(
        f"{k} {_eur(costs.get(k))}" for k in ("fixed", "lines", "batch", "transport") if k in costs
    )
    orders = summary.get("orders")
    served = summary.get("served") or 0
    unserved = summary.get("unserved") or []
    gap = summary.get("gap")
    cap = (summary.get("settings") or {}).get("v2v_cap_days")
    out = [
        Card(label="Total cost", value=_eur(costs.get("total")), note=split),
        Card(label="Cost per therapy", value=_eur(summary.get("cost_per_therapy_eur"))),
        Card(label="Served", value=f"{served} of {orders if orders is not None else '-'}"),
        Card(
            label="Unserved",
            value=str(len(unserved)),
            alert=bool(unserved),
            note="; ".join(f"{u['order_id']}: {u['reason']}" for u in unserved[:3]),
        ),
        Card(
            label="Vein to vein, mean",
            value=_hours(summary.get("v2v_mean_h")),
            note="" if cap is None else f"cap {cap:g} days",
        ),
        Card(label="Vein to vein, p90", value=_hours(summary.get("v2v_p90_h"))),
        Card(
            label="Status",
            value=str(summary.get("status", "?")),
            note="gap " + ("-" if gap is None else f"{gap:.3%}"),
            alert=summary.get("status") != "OPTIMAL",
        ),
        Card(
            label="Bound",
            value=_number(summary.get("bound")),
            note=f"objective {_number(summary.get('objective'))} (weight units); "
            f"over {summary.get('bound_over', '-')}",
        ),
    ]
    winding = summary.get("winding_down") or {}
    if winding:
        out.append(
            Card(
                label="Winding down",
                value=f"{len(winding)} closed site(s)",
                note="booked batches finishing there: "
                + ", ".join(f"{s} ({n})" for s, n in winding.items()),
            )
        )
    robust = summary.get("robust")
    if robust:
        opened = ", ".join(f"{s} ({n})" for s, n in (robust.get("open_sites") or {}).items())
        out.append(
            Card(
                label=f"Robust choice ({robust.get('criterion')})",
                value=f"{robust.get('chosen')}: {opened or 'none open'}",
                note=str(robust.get("why", "")),
                alert=robust.get("chosen") != robust.get("nominal"),
            )
        )
    return out


def design_map(geo: Mapping[str, Any]) -> go.Figure:
    """The sites of design.geojson by status (one marker each) and a line per
    allocation, its width growing with the orders it carries."""
    fig = go.Figure()
    add_countries(fig)
    features = geo.get("features") or []
    lines = [f for f in features if f["properties"].get("kind") == "allocation"]
    most = max((int(f["properties"].get("orders") or 0) for f in lines), default=1) or 1
    mid_x, mid_y, mid_text = [], [], []
    for i, f in enumerate(lines):
        (ax, ay), (bx, by) = f["geometry"]["coordinates"]
        p = f["properties"]
        n = int(p.get("orders") or 0)
        fig.add_scatter(
            name="allocation (width: orders)",
            legendgroup="allocation",
            showlegend=i == 0,
            x=[ax, bx],
            y=[ay, by],
            mode="lines",
            line={"color": "#2f80ed", "width": 1 + 7 * n / most},
            opacity=0.6,
            hoverinfo="skip",
        )
        mid_x.append((ax + bx) / 2)
        mid_y.append((ay + by) / 2)
        mid_text.append(
            f"{p['treatment_centre']} → {p['site_id']}<br>{n} orders, mean vein to vein "
            f"{_hours(p.get('v2v_mean_h'))}"
        )
    add_hover_points(fig, "allocation details", mid_x, mid_y, mid_text, size=8)
    groups: dict[tuple[str, str, bool], list[dict[str, Any]]] = {k: [] for k in _SITE_STYLE}
    for f in features:
        p = f["properties"]
        kind = p.get("kind")
        if kind == "site":
            groups[("site", p.get("status", "candidate"), bool(p.get("open")))].append(f)
        elif kind in ("plant", "centre"):
            groups[(kind, "", True)].append(f)
    lons: list[float] = []
    lats: list[float] = []
    for key, found in groups.items():
        if not found:
            continue
        label, symbol, colour = _SITE_STYLE[key]
        xs = [f["geometry"]["coordinates"][0] for f in found]
        ys = [f["geometry"]["coordinates"][1] for f in found]
        lons += xs
        lats += ys
        fig.add_scatter(
            name=f"{SITE_TRACE}{label}",
            x=xs,
            y=ys,
            mode="markers",
            marker={
                "symbol": symbol,
                "size": [10 + min(10, int(f["properties"].get("lines") or 0)) for f in found],
                "color": colour,
                "line": {"width": 1.5, "color": colour if key[2] is False else "#fff"},
            },
            hovertext=[_site_hover(f["properties"], label) for f in found],
            hoverinfo="text",
        )
    map_layout(fig, lons, lats)
    return fig


def _site_hover(p: Mapping[str, Any], label: str) -> str:
    text = f"{p.get('name', p['site_id'])} ({p['site_id']})<br>{label}"
    if p.get("kind") == "site" and p.get("open"):
        text += f", {p.get('lines')} lines"
    return text


def utilisation_chart(rows: Sequence[Mapping[str, str]]) -> go.Figure:
    """One bar per open design site: its utilisation in %, lines and batches in the
    hover."""
    opened = [r for r in rows if r.get("open") == "true"]
    fig = go.Figure(
        go.Bar(
            x=[r["site_id"] for r in opened],
            y=[100 * (_float(r.get("utilisation")) or 0.0) for r in opened],
            text=[f"{100 * (_float(r.get('utilisation')) or 0.0):.0f} %" for r in opened],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                f"{r['site_id']}: {r['lines']} lines, {r['batches']} batches" for r in opened
            ],
            hoverinfo="text",
            marker={"color": "#27ae60"},
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 50, "r": 10, "t": 20, "b": 60},
        yaxis={"title": "utilisation, %", "rangemode": "tozero"},
        showlegend=False,
    )
    return fig


def pareto_chart(points: Sequence[Mapping[str, str]], summary: Mapping[str, Any]) -> go.Figure:
    """Total cost against mean vein to vein (days), one marker per pareto point, and
    the chosen design as a star."""
    fig = go.Figure()
    fig.add_scatter(
        name=PARETO_TRACE,
        x=[(_float(p.get("v2v_mean_h")) or 0.0) / 24 for p in points],
        y=[_float(p.get("total_cost_eur")) for p in points],
        mode="lines+markers",
        marker={"size": 10, "color": "#2f80ed"},
        line={"dash": "dot", "color": "#2f80ed"},
        hovertext=[
            f"point {p['point']}: {p['v2v_weight_per_h']} EUR per hour of vein to vein<br>"
            f"{_eur(p.get('total_cost_eur'))}, open {p.get('open_sites') or 'none'}"
            for p in points
        ],
        hoverinfo="text",
    )
    v2v = _float(summary.get("v2v_mean_h"))
    total = _float((summary.get("costs_eur") or {}).get("total"))
    if v2v is not None and total is not None:
        opened = ", ".join(f"{s} ({n})" for s, n in (summary.get("open_sites") or {}).items())
        fig.add_scatter(
            name="chosen design",
            x=[v2v / 24],
            y=[total],
            mode="markers",
            marker={"symbol": "star", "size": 18, "color": "#d64545"},
            hovertext=[f"chosen design: {_eur(total)}, open {opened or 'none'}"],
            hoverinfo="text",
        )
    fig.update_layout(
        height=380,
        margin={"l": 70, "r": 10, "t": 20, "b": 50},
        xaxis={"title": "mean vein to vein, days"},
        yaxis={"title": "total cost, EUR"},
    )
    return fig


def _grouped(
    rows: Sequence[Mapping[str, str]], column: str, title: str, by: str | None
) -> go.Figure:
    """Bars of ``column`` per scenario, one series per value of ``by`` (a design)."""
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    series = list(dict.fromkeys(r[by] for r in rows)) if by else [""]
    fig = go.Figure()
    for s in series:
        mine = {r["scenario"]: r for r in rows if not by or r[by] == s}
        label = s
        if by and any(r.get("chosen") == "true" for r in mine.values()):
            label += " (chosen)"
        fig.add_bar(
            name=label or column,
            x=scenarios,
            y=[_float(mine[k].get(column)) if k in mine else None for k in scenarios],
        )
    fig.update_layout(
        barmode="group",
        height=320,
        margin={"l": 60, "r": 10, "t": 40, "b": 80},
        title={"text": title, "font": {"size": 14}},
        xaxis={"tickangle": -20, "automargin": True},
        yaxis={"rangemode": "tozero", "automargin": True},
        showlegend=bool(by),
    )
    return fig


def _scenarios_section(rows: list[dict[str, str]]) -> tuple[str, list[Chart]]:
    charts = [
        Chart(
            div_id="scenario-unserved",
            figure=_grouped(rows, "unserved", "Unserved patients (chosen design)", None),
        )
    ]
    if any(r.get("beyond_cap") for r in rows):  # empty without a cap
        charts.append(
            Chart(
                div_id="scenario-beyond-cap",
                figure=_grouped(
                    rows, "beyond_cap", "Patients beyond the cap (chosen design)", None
                ),
            )
        )
    columns = ("scenario", "status", "served", "unserved", "beyond_cap", "transport_cost_eur")
    body = table(
        columns,
        [[r.get(c, "") for c in columns] for r in rows],
        numeric=[False, False, True, True, True, True],
        table_id="scenarios-table",
    )
    grid = "".join(chart_div(c) for c in charts)
    note = (
        '<p class="muted">The chosen design re-planned by the nightly solve under each '
        "scenario (the cap not enforced: patients beyond it are counted).</p>"
    )
    return section("Chosen design under the scenarios", note + body + grid, "scenarios"), charts


def _robust_section(
    rows: list[dict[str, str]], robust: Mapping[str, Any]
) -> tuple[str, list[Chart]]:
    charts = [
        Chart(
            div_id="robust-objective",
            figure=_grouped(rows, "objective", "Objective per design and scenario", "design"),
        ),
        Chart(
            div_id="robust-unserved",
            figure=_grouped(rows, "unserved", "Patients not infused within the cap", "design"),
        ),
    ]
    columns = (
        "design",
        "open_sites",
        "sources",
        "scenario",
        "objective",
        "total_cost_eur",
        "served",
        "unserved",
        "beyond_cap",
        "value",
        "chosen",
    )
    body = table(
        columns,
        [[r.get(c, "") for c in columns] for r in rows],
        numeric=[
            c not in ("design", "open_sites", "sources", "scenario", "chosen") for c in columns
        ],
        table_id="robust-table",
    )
    note = (
        f'<p class="muted">{escape(str(robust.get("why", "")))}. Optimal over '
        f"{escape(str(robust.get('optimal_over', '')))}.</p>"
    )
    grid = "".join(chart_div(c) for c in charts)
    return section("Robust choice", note + body + grid, "robust"), charts


def design_report(folder: str | Path, title: str = "Network design") -> str:
    """The HTML of the report on the design folder ``folder``."""
    path = Path(folder)
    missing = [n for n in DESIGN_FILES if not (path / n).is_file()]
    if missing:
        raise InputError(
            [
                Issue(str(path / n), None, None, "a file of a design folder", "no such file")
                for n in missing
            ]
        )
    summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    geo = json.loads((path / "design.geojson").read_text(encoding="utf-8"))
    sites = _rows(path / "design.csv")
    allocation = _rows(path / "allocation.csv")
    charts = [
        Chart(div_id="map", figure=design_map(geo)),
        Chart(div_id="utilisation", figure=utilisation_chart(sites)),
    ]
    site_columns = DESIGN_OUT_COLUMNS
    body = [
        cards(_cards(summary)),
        section("Sites and allocation", chart_div(charts[0]), "map-section"),
        section(
            "Sites",
            table(
                site_columns,
                [[r.get(c, "") for c in site_columns] for r in sites],
                numeric=[c not in ("site_id", "status", "open") for c in site_columns],
                table_id="sites-table",
            )
            + chart_div(charts[1]),
            "sites",
        ),
        section(
            "Allocation",
            table(
                ("treatment centre", "site", "orders", "mean vein to vein, h"),
                [
                    (a["treatment_centre"], a["site_id"], a["orders"], a["v2v_mean_h"])
                    for a in allocation
                ],
                numeric=[False, False, True, True],
                table_id="allocation-table",
            ),
            "allocation",
        ),
    ]
    if (path / "pareto.csv").is_file():
        chart = Chart(div_id="pareto", figure=pareto_chart(_rows(path / "pareto.csv"), summary))
        charts.append(chart)
        body.append(section("Cost against vein to vein", chart_div(chart), "pareto-section"))
    if (path / "scenarios.csv").is_file():
        html, more = _scenarios_section(_rows(path / "scenarios.csv"))
        charts += more
        body.append(html)
    if (path / "robust.csv").is_file():
        html, more = _robust_section(_rows(path / "robust.csv"), summary.get("robust") or {})
        charts += more
        body.append(html)
    opened = summary.get("open_sites") or {}
    subtitle = (
        f"{summary.get('status', '?')} · {summary.get('objective_kind', '?')} objective · "
        f"{len(opened)} design sites open · {summary.get('orders', '-')} orders"
    )
    return page(title, subtitle, "".join(body), charts)


def write_design_report(folder: str | Path) -> Path:
    """Write report.html into the design folder ``folder`` (its files written, its
    manifest not yet); returns its path."""
    path = Path(folder) / REPORT_FILE
    path.write_text(design_report(folder), encoding="utf-8")
    return path
