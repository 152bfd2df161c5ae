"""The plan report (report.html in a plan folder): exceptions first.

KPI cards, the patients who need a planner's attention, the map, manufacturing slots
per plant and the patients' timelines. It reads only the plan folder and the network,
so ``logistics report PLAN_DIR`` rebuilds it at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from logistics.model.network import Network
from logistics.model.plan import Plan, PlannedOrder
from logistics.report.attention import HIGH_BREACH, Attention, attention, unserved_causes
from logistics.report.charts import patient_timeline, plant_gantt
from logistics.report.folder import PlanFolder, read_plan_folder
from logistics.report.html import Card, Chart, cards, chart_div, page, section, table
from logistics.report.map import plan_map

__all__ = ["MAX_TIMELINES", "REPORT_FILE", "plan_report", "write_plan_report"]

REPORT_FILE = "report.html"
MAX_TIMELINES = 60  # patients drawn on the timeline chart (those needing attention first)


def _hours(x: Any) -> str:
    return "-" if x is None else f"{x:,.1f} h ({x / 24:.1f} d)"


def _cards(plan: Plan, summary: Mapping[str, Any]) -> list[Card]:
    kpis = summary.get("kpis") or {}
    causes = unserved_causes(plan.orders)
    unserved = sum(causes.values())
    gap = summary.get("gap")
    breaches = kpis.get("expected_breaches")
    return [
        Card(
            label="Served",
            value=f"{len(plan.served)} of {len(plan.orders)}",
            note=f"{kpis.get('frozen', 0)} booked earlier",
        ),
        Card(
            label="Unserved",
            value=str(unserved),
            alert=unserved > 0,
            note=", ".join(f"{k}: {v}" for k, v in causes.most_common()) or "none",
        ),
        Card(label="Vein to vein, median", value=_hours(kpis.get("v2v_median_h"))),
        Card(label="Vein to vein, p90", value=_hours(kpis.get("v2v_p90_h"))),
        Card(
            label="Expected breaches",
            alert=bool(breaches and breaches >= 1),
            value="-" if breaches is None else f"{breaches:.2f}",
            note="sum of breach probabilities" if breaches is not None else "not simulated",
        ),
        Card(label="Transport cost", value=f"EUR {kpis.get('cost_eur', 0.0):,.2f}"),
        Card(
            label="Solver",
            value=str(summary.get("status", "?")),
            note=("gap " + ("-" if gap is None else f"{gap:.2%}"))
            + f" · {summary.get('engine', '')}",
        ),
    ]


def _attention_section(items: list[Attention]) -> str:
    if not items:
        return section(
            "Needs attention",
            '<p class="muted">Nothing: every patient is served on time with a Plan B.</p>',
            "attention",
        )
    counts: dict[str, int] = {}
    for a in items:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    head = " · ".join(f"{k}: {v}" for k, v in counts.items())
    rows = [(a.order_id, a.centre, a.kind, a.detail) for a in items]
    return section(
        "Needs attention",
        f'<p class="muted">{head}</p>'
        + table(("Order", "Centre", "Issue", "Detail"), rows, table_id="attention-table"),
        "attention",
    )


def _timeline_orders(plan: Plan, items: list[Attention]) -> list[PlannedOrder]:
    by_id = plan.by_id()
    chosen: dict[str, PlannedOrder] = {}
    for a in items:
        p = by_id[a.order_id]
        if p.served:
            chosen.setdefault(p.order_id, p)
    rest = sorted(
        (p for p in plan.served if p.order_id not in chosen),
        key=lambda p: (p.apheresis_time, p.order_id),
    )
    for p in rest:
        chosen.setdefault(p.order_id, p)
    return list(chosen.values())[:MAX_TIMELINES]


def plan_report(folder: PlanFolder, title: str = "Plan report") -> str:
    """The HTML of the report on ``folder``."""
    plan, summary, net = folder.plan, folder.summary, folder.network
    items = attention(folder)
    charts = [Chart(div_id="map", figure=plan_map(plan, net, HIGH_BREACH))]
    body = [
        cards(_cards(plan, summary)),
        _attention_section(items),
        section("Sites and routes", chart_div(charts[0]), "map-section"),
    ]
    if plan.served:
        gantt = Chart(div_id="gantt", figure=plant_gantt(plan, net, HIGH_BREACH))
        shown = _timeline_orders(plan, items)
        timeline = Chart(div_id="timeline", figure=patient_timeline(shown, net))
        charts += [gantt, timeline]
        more = len(plan.served) - len(shown)
        note = (
            f'<p class="muted">{len(shown)} patients shown, those needing attention first; '
            f"{more} more in timeline.csv.</p>"
            if more > 0
            else ""
        )
        body += [
            section("Manufacturing slots", chart_div(gantt), "gantt-section"),
            section("Patient timelines", note + chart_div(timeline), "timeline-section"),
        ]
    else:
        body.append(section("Schedule", '<p class="muted">No plan: nothing is scheduled.</p>'))
    settings = summary.get("settings") or {}
    subtitle = (
        f"{summary.get('status', '?')} · {len(plan.orders)} orders · "
        f"network {Path(str(settings.get('network', '-'))).name} · "
        f"orders {Path(str(settings.get('orders', '-'))).name} · "
        "times are local to each site"
    )
    return page(title, subtitle, "".join(body), charts)


def write_plan_report(folder: str | Path, network: Network) -> Path:
    """Write report.html into the plan folder ``folder`` (made on ``network``) and
    return its path; an existing report is replaced."""
    data = read_plan_folder(folder, network)
    path = Path(folder) / REPORT_FILE
    path.write_text(plan_report(data), encoding="utf-8")
    return path
