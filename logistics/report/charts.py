"""The plan report's time charts: manufacturing slots per plant and each patient's
chain, as plotly figures. The axis is UTC; every label and hover shows the site's
local time with its zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import plotly.graph_objects as go

from logistics.io.timeline import Step, local_text, order_steps
from logistics.model.network import Network
from logistics.model.plan import Plan, PlannedOrder

__all__ = ["MODE_COLOURS", "patient_timeline", "plant_gantt"]

MODE_COLOURS = {
    "air": "#2f80ed",
    "road": "#6c757d",
    "rail": "#9b51e0",
    "ferry": "#00a3a3",
    "tunnel": "#f2994a",
    "onboard_courier": "#eb5757",
}
ROW_PX = 22


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")  # UTC wall time on the axis


def _ms(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() * 1000


def _local(t: datetime, network: Network, site_id: str) -> str:
    site = network.sites.get(site_id)
    if site is None:
        return _iso(t) + " UTC"
    text, zone = local_text(t, site.timezone)
    return f"{text} {zone}"


def _layout(fig: go.Figure, rows: list[str], row_px: int = ROW_PX) -> None:
    """Rows top to bottom in ``rows`` order, the UTC axis on top, the legend on the
    right (the section's heading is the chart's title)."""
    fig.update_layout(
        barmode="overlay",
        height=max(260, 90 + row_px * len(rows)),
        margin={"l": 10, "r": 10, "t": 60, "b": 20},
        xaxis={"type": "date", "title": "UTC (hover for local times)", "side": "top"},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rows,
            "tickfont": {"size": 10},
        },
        legend={"orientation": "v", "x": 1.01, "y": 1.0, "yanchor": "top"},
        hoverlabel={"align": "left"},
    )


def _slots(orders: Sequence[PlannedOrder]) -> list[tuple[PlannedOrder, int]]:
    """Batches of one plant in start order, each on the first slot row free by then."""
    ends: list[datetime] = []
    placed = []
    for p in sorted(orders, key=lambda p: (p.manufacturing_start, p.order_id)):
        assert p.manufacturing_start is not None and p.manufacturing_end is not None
        for k, end in enumerate(ends):
            if end <= p.manufacturing_start:
                ends[k] = p.manufacturing_end
                break
        else:
            k = len(ends)
            ends.append(p.manufacturing_end)
        placed.append((p, k))
    return placed


def _slot_key(label: str) -> tuple[str, int]:
    name, _, k = label.rpartition(" · ")
    return name, int(k)


def plant_gantt(plan: Plan, network: Network, high_breach: float) -> go.Figure:
    """Manufacturing batches per plant over the horizon: one bar per batch from start
    to end, batches side by side on slot rows (``Plant name · 1``, ``· 2``, ...);
    frozen batches and those at risk (breach probability from ``high_breach``)
    coloured apart."""
    by_plant: dict[str, list[PlannedOrder]] = defaultdict(list)
    for p in plan.served:
        assert p.manufacturing_site is not None
        by_plant[p.manufacturing_site].append(p)
    groups: dict[str, dict[str, list]] = {
        name: {"y": [], "base": [], "x": [], "text": []}
        for name in ("scheduled", "frozen", "at risk")
    }
    rows: list[str] = []
    for plant in sorted(by_plant, key=lambda s: network.sites[s].name if s in network.sites else s):
        name = network.sites[plant].name if plant in network.sites else plant
        for p, k in _slots(by_plant[plant]):
            assert p.manufacturing_start is not None and p.manufacturing_end is not None
            label = f"{name} · {k + 1}"
            if label not in rows:
                rows.append(label)
            at_risk = (p.p_breach or 0.0) >= high_breach
            g = groups["at risk" if at_risk else str(p.status)]
            g["y"].append(label)
            g["base"].append(_iso(p.manufacturing_start))
            g["x"].append(_ms(p.manufacturing_start, p.manufacturing_end))
            g["text"].append(
                f"{p.order_id} ({p.therapy})<br>{name}<br>"
                f"start {_local(p.manufacturing_start, network, plant)}<br>"
                f"end {_local(p.manufacturing_end, network, plant)}"
                + (f"<br>breach {p.p_breach:.0%}" if p.p_breach is not None else "")
            )
    colours = {"scheduled": "#2f80ed", "frozen": "#9aa5b1", "at risk": "#d64545"}
    fig = go.Figure()
    for status, g in groups.items():
        if g["y"]:
            _bars(
                fig, status, g, {"color": colours[status], "line": {"width": 0.5, "color": "#fff"}}
            )
    _layout(fig, sorted(rows, key=_slot_key), row_px=13)
    return fig


def _bars(
    fig: go.Figure, name: str, g: dict[str, list], marker: dict, width: float | None = None
) -> None:
    """One horizontal bar trace of a Gantt chart from ``g``'s y, base, x and text."""
    fig.add_bar(
        name=name,
        orientation="h",
        y=g["y"],
        base=g["base"],
        x=g["x"],
        hovertext=g["text"],
        hoverinfo="text",
        width=width,
        marker=marker,
    )


_EVENTS = {  # step -> (label, marker symbol, colour)
    "apheresis": ("apheresis", "circle", "#243b53"),
    "release": ("release", "diamond", "#f2c94c"),
    "delivery": ("delivery", "square", "#27ae60"),
    "lymphodepletion": ("lymphodepletion", "triangle-up", "#9b51e0"),
    "infusion": ("infusion", "star", "#d64545"),
}


def _hover(s: Step, network: Network, what: str) -> str:
    site = network.sites.get(s.site_id)
    where = site.name if site else s.site_id
    return f"{s.order_id}: {what}<br>{where}<br>{_local(s.at, network, s.site_id)}"


def patient_timeline(orders: Sequence[PlannedOrder], network: Network) -> go.Figure:
    """Each served order of ``orders`` on its own row: transport legs (by mode),
    customs, manufacturing and QC/release as bars, apheresis, release, delivery,
    lymphodepletion and infusion as markers; hovers give the site and its local time."""
    bars: dict[str, dict[str, list]] = defaultdict(
        lambda: {"y": [], "base": [], "x": [], "text": []}
    )
    marks: dict[str, dict[str, list]] = defaultdict(lambda: {"y": [], "x": [], "text": []})
    rows: list[str] = []
    for p in orders:
        if not p.served:
            continue
        rows.append(p.order_id)
        steps = order_steps(p, network)
        legs = [leg for it in (p.inbound, p.outbound) if it is not None for leg in it.legs]
        for leg in legs:
            b = bars[f"transport: {leg.mode}"]
            b["y"].append(p.order_id)
            b["base"].append(_iso(leg.depart))
            b["x"].append(_ms(leg.depart, leg.arrive))
            b["text"].append(
                f"{p.order_id}: {leg.mode} {leg.lane_id} ({leg.carrier})<br>"
                f"departs {_local(leg.depart, network, leg.from_site)}<br>"
                f"handed over {_local(leg.arrive, network, leg.to_site)}"
            )
        for s in steps:
            if s.step == "customs" and s.duration_h:
                b = bars["customs"]
                b["y"].append(p.order_id)
                b["base"].append(_iso(s.at))
                b["x"].append(s.duration_h * 3_600_000)
                b["text"].append(_hover(s, network, f"{s.note}, {s.duration_h:.2f} h"))
            elif s.step == "manufacturing_start":
                assert p.manufacturing_end is not None and p.release_time is not None
                for name, a, z in (
                    ("manufacturing", s.at, p.manufacturing_end),
                    ("QC and release", p.manufacturing_end, p.release_time),
                ):
                    b = bars[name]
                    b["y"].append(p.order_id)
                    b["base"].append(_iso(a))
                    b["x"].append(_ms(a, z))
                    b["text"].append(
                        f"{p.order_id}: {name}<br>{_local(a, network, s.site_id)} to "
                        f"{_local(z, network, s.site_id)}"
                    )
            elif s.step in _EVENTS:
                m = marks[s.step]
                m["y"].append(p.order_id)
                m["x"].append(_iso(s.at))
                m["text"].append(_hover(s, network, _EVENTS[s.step][0]))
    colours = {f"transport: {m}": c for m, c in MODE_COLOURS.items()}
    colours |= {"customs": "#f2994a", "manufacturing": "#56ccf2", "QC and release": "#bdbdbd"}
    fig = go.Figure()
    for name, b in bars.items():
        width = 0.35 if name == "customs" else 0.7
        _bars(fig, name, b, {"color": colours.get(name, "#6c757d")}, width=width)
    for step, m in marks.items():
        label, symbol, colour = _EVENTS[step]
        fig.add_scatter(
            name=label,
            mode="markers",
            y=m["y"],
            x=m["x"],
            hovertext=m["text"],
            hoverinfo="text",
            marker={"symbol": symbol, "size": 9, "color": colour},
        )
    _layout(fig, rows)
    return fig
