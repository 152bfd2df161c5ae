"""The page shell of a report: one self-contained HTML file that opens offline.

plotly.js is inlined once per page (no CDN, no network); each chart is a ``<div>`` drawn
by ``Plotly.newPlot`` from its JSON. Tables and cards are plain HTML, escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

import plotly.graph_objects as go

__all__ = ["Card", "Chart", "page", "table"]

CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """A KPI card: a label, a value as a reader reads it, and an optional note."""

    label: str
    value: str
    note: str = ""
    alert: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A plotly figure to draw into ``<div id=div_id class="chart">``."""

    div_id: str
    figure: go.Figure


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;
background:#f5f7fa}
header{background:#243b53;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;font-size:13px;color:#d9e2ec}
main{padding:12px 24px 40px}
section{background:#fff;border-radius:6px;padding:12px 16px;margin:14px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:17px;margin:4px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border-radius:6px;padding:10px 14px;min-width:150px;
box-shadow:0 1px 2px rgba(0,0,0,.12);border-left:4px solid #2f80ed}
.card.alert{border-left-color:#d64545}
.card .label{font-size:12px;color:#627d98;text-transform:uppercase}
.card .value{font-size:22px;font-weight:600}
.card .note{font-size:12px;color:#486581}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td:first-child{white-space:nowrap}
.up{color:#d64545}.down{color:#2d9d78}
.scroll{max-height:520px;overflow:auto}
.muted{color:#627d98;font-size:13px}
"""


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
    table_id: str = "",
) -> str:
    """An HTML table; cells are escaped text unless given as ``Markup``."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="num"' if numeric and numeric[i] else ""
            text = value.html if isinstance(value, Markup) else escape(str(value))
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return (
        f'<div class="scroll"><table{ident}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


@dataclass(frozen=True, slots=True)
class Markup:
    """HTML already escaped, put into a table cell as it is."""

    html: str


def cards(items: Iterable[Card]) -> str:
    """A row of KPI cards."""
    out = []
    for c in items:
        cls = "card alert" if c.alert else "card"
        note = f'<div class="note">{escape(c.note)}</div>' if c.note else ""
        out.append(
            f'<div class="{cls}"><div class="label">{escape(c.label)}</div>'
            f'<div class="value">{escape(c.value)}</div>{note}</div>'
        )
    return f'<div class="cards">{"".join(out)}</div>'


def chart_div(chart: Chart, height: int | None = None) -> str:
    """The placeholder of a chart (drawn by the page's script)."""
    style = f' style="height:{height}px"' if height else ""
    return f'<div id="{escape(chart.div_id)}" class="chart"{style}></div>'


def page(title: str, subtitle: str, body: str, charts: Sequence[Chart]) -> str:
    """The whole page: the body's sections, plotly.js inlined once, and one script that
    draws every chart."""
    specs = [{"id": c.div_id, "figure": json.loads(c.figure.to_json())} for c in charts]
    data = json.dumps(specs, separators=(",", ":")).replace("</", "<\\/")
    script = (
        "const CHARTS=" + data + ";\n"
        "for(const c of CHARTS){Plotly.newPlot(c.id,c.figure.data,c.figure.layout,"
        + json.dumps(CONFIG)
        + ");}\n"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style>"
        f"<script>{_plotly_js()}</script></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<main>{body}</main><script>{script}</script></body></html>\n"
    )


def section(title: str, inner: str, section_id: str = "") -> str:
    """A titled section."""
    ident = f' id="{escape(section_id)}"' if section_id else ""
    return f"<section{ident}><h2>{escape(title)}</h2>{inner}</section>"
