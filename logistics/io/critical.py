"""The files of ``logistics critical``: critical.csv, critical.geojson, structure.csv
and one scenario file per ranked element (see the data contract, "Critical
elements")."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.io.rows import write_csv
from logistics.model.network import Network
from logistics.model.scenario import LANE_FILTERS, Scenario
from logistics.scenarios.names import slugs

if TYPE_CHECKING:
    from logistics.analysis.critical import Critical, CriticalResult
    from logistics.analysis.structure import Reach

__all__ = [
    "CRITICAL_COLUMNS",
    "CRITICAL_FILE",
    "GEOJSON_FILE",
    "SCENARIOS_DIR",
    "SETTINGS_FILE",
    "STRUCTURE_COLUMNS",
    "STRUCTURE_FILE",
    "scenario_toml",
    "write_critical",
]

CRITICAL_FILE = "critical.csv"
SETTINGS_FILE = "critical.json"
GEOJSON_FILE = "critical.geojson"
STRUCTURE_FILE = "structure.csv"
SCENARIOS_DIR = "scenarios"

CRITICAL_COLUMNS = (
    "rank",
    "element",
    "kind",
    "centres_cut_off",
    "orders_exposed",
    "orders_breaking",
    "orders_displaced",
    "unserved_after_replan",
    "delta_v2v_h",
    "window_start",
    "window_end",
    "scenario_file",
)
STRUCTURE_COLUMNS = (
    "therapy",
    "direction",
    "centre",
    "temperature",
    "plants_reached",
    "edge_cut",
    "node_cut",
    "single_route",
    "single_points",
    "cut_elements",
    "cut_sites",
)


def _utc(t: datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is a JSON string
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def scenario_toml(scenario: Scenario) -> str:
    """The scenario file of ``scenario`` (lane filters, sites, resource, factor and
    add_h of each disruption; read back by ``read_scenario`` to an equal scenario)."""
    lines = [f"name = {_toml_value(scenario.name)}"]
    if scenario.description:
        lines.append(f"description = {_toml_value(scenario.description)}")
    for key in ("start", "end"):
        t = getattr(scenario, key)
        if t is not None:
            lines.append(f'{key} = "{_utc(t)}"')
    for d in scenario.disruptions:
        lines += ["", "[[disruption]]", f'kind = "{d.kind}"']
        for key in ("start", "end"):
            t = getattr(d, key)
            if t is not None:
                lines.append(f'{key} = "{_utc(t)}"')
        for key in (*LANE_FILTERS, "sites", "resource"):
            value = getattr(d, key)
            if value:
                lines.append(f"{key} = {_toml_value(value)}")
        if d.kind in ("site_capacity", "carrier_capacity", "lane_delay", "customs_delay"):
            lines.append(f"factor = {_toml_value(d.factor)}")
        if d.add_h:
            lines.append(f"add_h = {_toml_value(d.add_h)}")
    return "\n".join(lines) + "\n"


def _critical_row(rank: int, row: Critical, scenario_file: str) -> dict[str, Any]:
    s = row.scenario
    return {
        "rank": rank,
        "element": row.element.element_id,
        "kind": str(row.element.kind),
        "centres_cut_off": ";".join(row.centres_cut_off),
        "orders_exposed": row.orders_exposed,
        "orders_breaking": row.orders_breaking,
        "orders_displaced": row.orders_displaced,
        "unserved_after_replan": row.unserved_after_replan,
        "delta_v2v_h": row.delta_v2v_h,
        "window_start": _utc(s.start),
        "window_end": _utc(s.end),
        "scenario_file": scenario_file,
    }


def _structure_rows(reaches: Iterable[Reach]) -> list[dict[str, Any]]:
    return [
        {
            "therapy": r.therapy,
            "direction": r.direction,
            "centre": r.centre,
            "temperature": r.temperature,
            "plants_reached": ";".join(r.plants),
            "edge_cut": r.edge_cut,
            "node_cut": r.node_cut,
            "single_route": bool(r.reachable and r.single_points),
            "single_points": ";".join(r.single_points),
            "cut_elements": ";".join(r.cut_elements),
            "cut_sites": ";".join(r.cut_sites),
        }
        for r in reaches
    ]


def _geometry(row: Critical, network: Network) -> dict[str, Any]:
    """A point for a site, a line for a lane, the link courses (or the sites' points)
    of a road zone pair; GeoJSON [lon, lat]."""
    el = row.element
    sites = network.sites
    if el.is_site:
        s = sites[el.element_id]
        return {"type": "Point", "coordinates": [s.lon, s.lat]}
    if el.kind == "lane":
        lane = network.lane_by_id[el.element_id]
        a, b = sites[lane.from_site], sites[lane.to_site]
        return {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]}
    zones = set(el.zones)
    links = [lk for lk in network.roads.links if set(lk.zones) == zones and len(zones) == 2]
    if links:
        return {
            "type": "MultiLineString",
            "coordinates": [[[lon, lat] for lat, lon in lk.via] for lk in links],
        }
    cfg = network.roads
    points = [
        [s.lon, s.lat]
        for s in sorted(sites.values(), key=lambda s: s.site_id)
        if cfg.site_zone(s.site_id, s.country, s.subdivision) in zones
    ]
    return {"type": "MultiPoint", "coordinates": points}


def write_critical(result: CriticalResult, network: Network, out_dir: str | Path, top: int) -> Path:
    """Write the ``top`` rows of ``result`` to ``out_dir``: critical.csv, their
    scenario files under scenarios/, critical.geojson (one feature per row, in rank
    order, with the row's figures as properties) and structure.csv (every centre,
    therapy and direction). Returns the folder (an existing, staged one: see
    :func:`logistics.io.folders.output_folder`)."""
    folder = Path(out_dir)
    rows: Sequence[Critical] = result.rows[:top]
    names = slugs([r.scenario.name for r in rows])
    records = []
    features = []
    for rank, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
        relative = f"{SCENARIOS_DIR}/{name}.toml"
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(scenario_toml(row.scenario), encoding="utf-8")
        record = _critical_row(rank, row, relative)
        records.append(record)
        features.append(
            {"type": "Feature", "geometry": _geometry(row, network), "properties": record}
        )
    write_csv(folder / CRITICAL_FILE, CRITICAL_COLUMNS, records)
    collection = {"type": "FeatureCollection", "features": features}
    (folder / GEOJSON_FILE).write_text(json.dumps(collection, indent=1), encoding="utf-8")
    write_csv(folder / STRUCTURE_FILE, STRUCTURE_COLUMNS, _structure_rows(result.structure.reaches))
    s = result.structure
    settings = {
        **result.settings,
        "window_start": _utc(result.start),
        "window_end": _utc(result.end),
        "elements_confirmed": len(result.rows),
        "bridges": list(s.bridges()),
        "articulation_points": list(s.articulation_points()),
        "unreachable": [[r.centre, r.therapy, r.direction] for r in s.unreachable()],
        "wall_s": round(result.wall_s, 3),
        "network": network.source,
        "input_hashes": dict(network.input_hashes),
        "reproduce": reproduce_command(result.settings),
    }
    (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return folder


def reproduce_command(settings: Mapping[str, Any]) -> str:
    """The ``logistics scenarios run`` command that gives a row's figures (``FILE``: the
    row's scenario file; add ``--network`` / ``--orders`` when they are not the
    defaults)."""
    command = f"logistics scenarios run FILE --seed {settings['seed']} "
    command += f"--samples {settings['samples']} --time-limit {settings['time_limit_s']:g}"
    return command
