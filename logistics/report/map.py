"""The plan report's map of Europe: country shapes shipped with the package (Natural
Earth admin-0 at 1:110m, public domain), the plan's sites by kind, its routes coloured
by mode (routes of orders at risk drawn over them in red) and the centres of unserved
patients. No tile server and no network: the shapes are drawn as filled polygons on
plain longitude/latitude axes.

``defaults/countries-europe-110m.geojson`` is Natural Earth's 1:110m admin-0 countries
(the ``naturalearth_lowres`` copy that pyogrio ships), clipped to 25 W - 45 E,
34 - 72 N, coordinates to 0.001 degree, keeping ``name`` and ``iso_a3`` (41 kB)."""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache
from importlib import resources

import geopandas as gpd
import plotly.graph_objects as go
from shapely.geometry import MultiPolygon, Polygon

from logistics.io.geojson import plan_sites
from logistics.model.network import Network
from logistics.model.plan import Plan
from logistics.report.charts import MODE_COLOURS

__all__ = [
    "COUNTRIES_FILE",
    "SITE_TRACE",
    "add_countries",
    "country_outlines",
    "map_layout",
    "plan_map",
]

COUNTRIES_FILE = "countries-europe-110m.geojson"
SITE_TRACE = "sites: "  # the name of each site trace starts so (one trace per kind)
KIND_STYLE = {  # kind -> (label, symbol, colour)
    "treatment_centre": ("treatment centre", "circle", "#2f80ed"),
    "manufacturing_site": ("manufacturing site", "square", "#27ae60"),
    "airport": ("airport", "triangle-up", "#243b53"),
    "hub": ("hub", "diamond", "#9b51e0"),
    "crossing": ("crossing", "cross", "#f2994a"),
}


@lru_cache(maxsize=1)
def country_outlines() -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes of every country ring, rings separated by None."""
    ref = resources.files("logistics") / "defaults" / COUNTRIES_FILE
    with resources.as_file(ref) as path:
        frame = gpd.read_file(path, engine="pyogrio")
    xs: list[float | None] = []
    ys: list[float | None] = []
    for geom in frame.geometry:
        parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
        for part in parts:
            if not isinstance(part, Polygon):
                continue
            x, y = part.exterior.coords.xy
            xs += [*x, None]
            ys += [*y, None]
    return xs, ys


def plan_map(plan: Plan, network: Network, high_breach: float) -> go.Figure:
    """The map of ``plan``: one marker per site the plan uses, routes per mode, the
    routes of orders whose breach probability is from ``high_breach`` on in red, and a
    red ring on every centre with unserved patients (their ids in the hover)."""
    fig = go.Figure()
    add_countries(fig)
    segments: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    risky: set[tuple[str, str]] = set()
    for p in plan.served:
        for it in (p.inbound, p.outbound):
            for leg in it.legs if it is not None else ():
                segments[(leg.from_site, leg.to_site, leg.mode)].append(p.order_id)
                if (p.p_breach or 0.0) >= high_breach:
                    risky.add((leg.from_site, leg.to_site))
    by_mode: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for (a, b, mode), ids in segments.items():
        by_mode[mode].append((a, b, ids))
    sites = network.sites
    mids_x, mids_y, mids_text = [], [], []
    for mode in sorted(by_mode):
        lx: list[float | None] = []
        ly: list[float | None] = []
        for a, b, ids in by_mode[mode]:
            sa, sb = sites[a], sites[b]
            lx += [sa.lon, sb.lon, None]
            ly += [sa.lat, sb.lat, None]
            mids_x.append((sa.lon + sb.lon) / 2)
            mids_y.append((sa.lat + sb.lat) / 2)
            shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
            mids_text.append(f"{mode}: {sa.name} → {sb.name}<br>{len(ids)} shipments: {shown}")
        fig.add_scatter(
            name=f"route: {mode}",
            x=lx,
            y=ly,
            mode="lines",
            line={"color": MODE_COLOURS.get(mode, "#6c757d"), "width": 1.6},
            hoverinfo="skip",
            opacity=0.7,
        )
    if risky:
        rx: list[float | None] = []
        ry: list[float | None] = []
        for a, b in sorted(risky):
            rx += [sites[a].lon, sites[b].lon, None]
            ry += [sites[a].lat, sites[b].lat, None]
        fig.add_scatter(
            name=f"route of an order at risk (breach ≥ {high_breach:.0%})",
            x=rx,
            y=ry,
            mode="lines",
            line={"color": "#d64545", "width": 2.6, "dash": "dot"},
            hoverinfo="skip",
        )
    add_hover_points(fig, "route details", mids_x, mids_y, mids_text, size=6)
    used = plan_sites(plan)
    unserved = defaultdict(list)
    for p in plan.unserved:
        unserved[p.treatment_centre].append(p.order_id)
    for kind, (label, symbol, colour) in KIND_STYLE.items():
        ids = [k for k in used if str(sites[k].kind) == kind]
        if not ids:
            continue
        fig.add_scatter(
            name=f"{SITE_TRACE}{label}",
            x=[sites[k].lon for k in ids],
            y=[sites[k].lat for k in ids],
            mode="markers",
            marker={
                "symbol": symbol,
                "size": 9,
                "color": colour,
                "line": {"width": 1, "color": "#fff"},
            },
            hovertext=[
                f"{sites[k].name} ({k})<br>{label}, {sites[k].country}<br>"
                f"{used[k][0]} orders" + (f", {used[k][1]} unserved" if used[k][1] else "")
                for k in ids
            ],
            hoverinfo="text",
        )
    if unserved:
        ids = list(unserved)
        fig.add_scatter(
            name="unserved patients' centre",
            x=[sites[k].lon for k in ids],
            y=[sites[k].lat for k in ids],
            mode="markers",
            marker={"symbol": "circle-open", "size": 20, "color": "#d64545", "line": {"width": 3}},
            hovertext=[f"{sites[k].name}: unserved {', '.join(unserved[k])}" for k in ids],
            hoverinfo="text",
        )
    lons = [sites[k].lon for k in used]
    lats = [sites[k].lat for k in used]
    map_layout(fig, lons, lats)
    return fig


def add_countries(fig: go.Figure) -> None:
    """The country shapes as the first (filled, hover-less) trace of ``fig``."""
    xs, ys = country_outlines()
    fig.add_scatter(
        name="countries",
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        fillcolor="#e4e7eb",
        line={"color": "#ffffff", "width": 0.8},
        hoverinfo="skip",
        showlegend=False,
    )


def map_layout(fig: go.Figure, lons: list[float], lats: list[float]) -> None:
    """Frame ``fig`` (country outlines and marks on longitude/latitude axes) around
    the points ``lons``/``lats`` (Europe when there are none), equal-area-ish."""
    lons = lons or [-10.0, 30.0]
    lats = lats or [35.0, 70.0]
    x0, x1 = min(lons) - 3, max(lons) + 3
    y0, y1 = min(lats) - 2, max(lats) + 2
    mid = math.radians((y0 + y1) / 2)
    fig.update_layout(
        height=640,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="#cfe3f3",
        xaxis={
            "range": [x0, x1],
            "showgrid": False,
            "zeroline": False,
            "visible": False,
            "scaleanchor": "y",
            "scaleratio": math.cos(mid),
        },
        yaxis={"range": [y0, y1], "showgrid": False, "zeroline": False, "visible": False},
        legend={
            "orientation": "v",
            "x": 1.0,
            "xanchor": "right",
            "y": 1.0,
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        hovermode="closest",
    )


def add_hover_points(
    fig: go.Figure, name: str, x: list[float], y: list[float], text: list[str], size: int
) -> None:
    """Invisible markers (at the middle of lines, say) that show ``text`` on hover;
    nothing when there are none."""
    if x:
        fig.add_scatter(
            name=name,
            x=x,
            y=y,
            mode="markers",
            marker={"size": size, "color": "rgba(0,0,0,0)"},
            hovertext=text,
            hoverinfo="text",
            showlegend=False,
        )
