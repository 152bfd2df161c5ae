"""design.csv and network.toml ``[design]`` of a bundle: the network design question;
and the files of a design folder (design.csv, allocation.csv, summary.json,
design.geojson, robust.csv, the designed bundle of ``network/``).

The inputs are read against the network (the sites must be its manufacturing sites), validated like
every other file: every problem is collected and raised at once as
``file:row:column: expected ..., got ...``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from logistics.design.model import Design, DesignSettings, DesignSite
from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io.bundle_edit import capacity_csv, therapies_with_sites
from logistics.io.manifest import ignored
from logistics.io.table import Col, Issues, check_unique, read_csv
from logistics.io.tomldoc import load_toml
from logistics.model.network import Network

__all__ = [
    "DESIGN_COLUMNS",
    "NETWORK_DIR",
    "PLAN_DIR",
    "ROBUST_COLUMNS",
    "ROBUST_FILE",
    "designed_bundle",
    "read_design",
    "write_design_outputs",
]

DESIGN_COLUMNS = {
    "site_id": Col(p.ident, required=True),
    "status": Col(p.choice("existing", "candidate"), required=True),
    "fixed_cost_eur": Col(p.number, required=True),
    "lines": Col(p.count, required=True),
    "batch_cost_eur": Col(p.number, required=True),
    "min_lines": Col(p.count),
    "max_lines": Col(p.count),
    "line_cost_eur": Col(partial(p.number), default=0.0),
    "therapies": Col(p.id_list, default=frozenset()),
}


def read_design(
    folder: str | Path,
    network: Network,
    *,
    design_csv: str | Path | None = None,
) -> Design | None:
    """The design question of bundle ``folder``: its design.csv (or ``design_csv``)
    and the ``[design]`` table of its network.toml; None when there is no
    design.csv. Raises InputError listing every problem."""
    folder = Path(folder)
    path = Path(design_csv) if design_csv is not None else folder / "design.csv"
    if not path.is_file():
        if design_csv is not None:
            raise InputError([Issue(str(path), None, None, "a design.csv file", "no such file")])
        return None
    issues = Issues()
    sites = _sites(path, network, issues)
    settings = _settings(folder / "network.toml", {s.site_id for s in sites}, issues)
    if issues.errors:
        raise InputError(issues.errors)
    return Design(sites=tuple(sites), settings=settings)


def _sites(path: Path, network: Network, issues: Issues) -> list[DesignSite]:
    rows = read_csv(path, DESIGN_COLUMNS, issues)
    check_unique(path.name, rows, "site_id", issues)
    out = []
    for row in rows:
        v = row.values
        if row.ok("site_id"):
            site = network.sites.get(v["site_id"])
            if site is None or site.kind != "manufacturing_site":
                got = v["site_id"] if site is None else f"{v['site_id']} (a {site.kind})"
                issues.add(path.name, row.row, "site_id", "a manufacturing site of sites.csv", got)
                row.bad.add("site_id")
        unknown = sorted(t for t in v.get("therapies") or () if t not in network.therapies)
        if row.ok("therapies") and unknown:
            issues.add(
                path.name, row.row, "therapies", "therapies of therapies.toml", ";".join(unknown)
            )
            row.bad.add("therapies")
        low, high = v.get("min_lines"), v.get("max_lines")
        if row.ok("min_lines", "max_lines") and low is not None and high is not None and low > high:
            issues.add(
                path.name,
                row.row,
                "max_lines",
                f"a whole number >= min_lines ({low})",
                row.raw["max_lines"],
            )
            row.bad.add("max_lines")
        ok = row.ok("min_lines", "max_lines", "lines")
        if ok and high is None and low is not None and low > v["lines"]:
            issues.add(
                path.name,
                row.row,
                "min_lines",
                f"at most lines ({v['lines']}) without max_lines",
                row.raw["min_lines"],
            )
            row.bad.add("min_lines")
        if row.bad:
            continue
        out.append(
            DesignSite(
                site_id=v["site_id"],
                status=v["status"],
                fixed_cost_eur=v["fixed_cost_eur"],
                lines=v["lines"],
                batch_cost_eur=v["batch_cost_eur"],
                min_lines=low,
                max_lines=high,
                line_cost_eur=v["line_cost_eur"],
                therapies=v["therapies"],
            )
        )
    return out


def _settings(path: Path, known: set[str], issues: Issues) -> DesignSettings:
    if not path.is_file():
        return DesignSettings()
    loaded = load_toml(path, issues)
    if loaded is None:
        return DesignSettings()
    table = loaded.data.get("design")
    if table is None:
        return DesignSettings()
    name = loaded.name
    if not isinstance(table, dict):
        issues.add(name, loaded.line("design"), "design", "a [design] table", repr(table))
        return DesignSettings()

    def bad(key: str, expected: str, got: Any) -> None:
        issues.add(name, loaded.line("design", key), f"design.{key}", expected, repr(got))

    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "max_open":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                bad(key, "a whole number >= 0", value)
            else:
                values[key] = value
        elif key == "v2v_cap_days":
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                bad(key, "a number of days > 0", value)
            else:
                values[key] = float(value)
        elif key in ("must_open", "must_close"):
            if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
                bad(key, "a list of site ids", value)
                continue
            unknown = [s for s in value if s not in known]
            if unknown:
                bad(key, "site ids of design.csv", ", ".join(unknown))
                continue
            values[key] = frozenset(value)
        else:
            issues.warn(
                f"{name}:{loaded.line('design', key)}:design.{key}: unknown setting ignored"
            )
    both = values.get("must_open", frozenset()) & values.get("must_close", frozenset())
    if both:
        bad("must_close", "no site that must_open names", ", ".join(sorted(both)))
    forced = len(values.get("must_open", ()))
    if values.get("max_open") is not None and forced > values["max_open"]:
        bad("max_open", f"at least the {forced} sites of must_open", values["max_open"])
    return DesignSettings(**values)


# ---------------------------------------------------------------- outputs

DESIGN_OUT_COLUMNS = (
    "site_id",
    "status",
    "open",
    "lines",
    "batches",
    "booked",
    "utilisation",
    "fixed_cost_eur",
    "variable_cost_eur",
)
ALLOCATION_COLUMNS = ("treatment_centre", "site_id", "orders", "v2v_mean_h")
PARETO_COLUMNS = (
    "point",
    "v2v_weight_per_h",
    "status",
    "total_cost_eur",
    "cost_per_therapy_eur",
    "v2v_mean_h",
    "open_sites",
    "gap",
)
ROBUST_FILE = "robust.csv"
# a design folder's designed bundle and its plan folder (logistics.design.folder)
NETWORK_DIR = "network"
PLAN_DIR = "plan"
ROBUST_COLUMNS = (
    "design",
    "open_sites",
    "sources",
    "scenario",
    "status",
    "objective",
    "total_cost_eur",
    "served",
    "unserved",
    "beyond_cap",
    "v2v_mean_h",
    "value",
    "chosen",
)


def design_tables(result: Any) -> tuple[list[dict], list[dict], dict]:
    """The rows of design.csv and allocation.csv and the summary.json object of a
    :class:`~logistics.design.solve.DesignResult`."""
    import statistics

    plan, design = result.plan, result.design
    served = plan.served if plan is not None else ()
    therapies = result.network.therapies
    per_site: dict[str, dict[str, Any]] = {}
    first, last = None, None
    for o in served:
        site = o.manufacturing_site
        row = per_site.setdefault(site, {"slot_days": 0, "transport": 0.0})
        row["slot_days"] += therapies[o.therapy].manufacturing_days
        row["transport"] += o.cost_eur or 0.0
        if o.manufacturing_start is not None:
            s, e = (
                o.manufacturing_start.date(),
                (o.manufacturing_end or o.manufacturing_start).date(),
            )
            first = s if first is None or s < first else first
            last = e if last is None or e > last else last
    span = (last - first).days + 1 if first is not None and last is not None else 0
    days = [first + timedelta(days=i) for i in range(span)] if first is not None else []
    rows = []
    for d in design.sites:
        lines = result.lines.get(d.site_id)
        batches = result.batches.get(d.site_id, 0)
        used = per_site.get(d.site_id, {"slot_days": 0, "transport": 0.0})
        # the slot-days it has over the span: its lines, less its closed and reduced days
        room = sum(result.network.capacity.slots(d.site_id, "manufacturing", x) for x in days)
        rows.append(
            {
                "site_id": d.site_id,
                "status": d.status,
                "open": lines is not None,
                "lines": lines if lines is not None else 0,
                "batches": batches,
                "booked": result.booked.get(d.site_id, 0),
                "utilisation": round(used["slot_days"] / room, 4) if lines and room else None,
                "fixed_cost_eur": round(d.fixed_cost_eur + (lines or 0) * d.line_cost_eur, 2)
                if lines is not None
                else 0.0,
                "variable_cost_eur": round(batches * d.batch_cost_eur + used["transport"], 2),
            }
        )
    groups: dict[tuple[str, str], list[float]] = {}
    for o in served:
        groups.setdefault((o.treatment_centre, o.manufacturing_site or ""), []).append(
            o.v2v_h or 0.0
        )
    allocation = [
        {
            "treatment_centre": centre,
            "site_id": site,
            "orders": len(v),
            "v2v_mean_h": round(statistics.fmean(v), 3),
        }
        for (centre, site), v in sorted(groups.items())
    ]
    v2v = sorted(o.v2v_h for o in served if o.v2v_h is not None)
    n = len(served)
    costs = dict(result.costs_eur)
    summary = {
        "status": result.status,
        "objective_kind": result.objective_kind,
        "objective": result.objective,
        "bound": result.bound,
        "bound_over": "every schedule within the cap and every design",
        "candidate_bound": result.candidate_bound,
        "gap": result.gap,
        "open_sites": {s: result.lines[s] for s in result.open_sites},
        "winding_down": {
            d.site_id: result.booked[d.site_id]
            for d in design.sites
            if d.site_id not in result.lines and result.booked.get(d.site_id)
        },
        "costs_eur": costs,
        "cost_per_therapy_eur": round(costs["total"] / n, 2) if n and "total" in costs else None,
        "orders": len(plan.orders) if plan is not None else None,
        "served": n,
        "unserved": [
            {"order_id": o.order_id, "reason": o.reason}
            for o in (plan.orders if plan is not None else ())
            if not o.served
        ],
        "v2v_mean_h": round(statistics.fmean(v2v), 3) if v2v else None,
        "v2v_p90_h": round(v2v[min(len(v2v) - 1, int(0.9 * len(v2v)))], 3) if v2v else None,
        "settings": {
            "max_open": design.settings.max_open,
            "v2v_cap_days": design.settings.v2v_cap_days,
            "must_open": sorted(design.settings.must_open),
            "must_close": sorted(design.settings.must_close),
            "weights": {k: v for k, v in _weights(result.weights).items()},
        },
        "stats": dict(result.stats),
        "wall_time_s": round(result.wall_s, 3),
    }
    return rows, allocation, summary


def _weights(w: Any) -> dict[str, Any]:
    return {
        "unserved_penalty": w.unserved_penalty,
        "v2v_per_h": w.v2v_per_h,
        "wait_per_h": w.wait_per_h,
        "cost_per_eur": w.cost_per_eur,
    }


def design_geojson(result: Any) -> dict[str, Any]:
    """design.geojson: a Point per design site (``kind = site``: ``site_id, name,
    status, open, lines``), per plant outside the design that serves (``plant``) and
    per treatment centre served (``centre``), and a LineString per allocation
    (``treatment_centre, site_id, orders, v2v_mean_h``), WGS84."""
    sites = result.network.sites
    features: list[dict[str, Any]] = []
    for d in result.design.sites:
        s = sites[d.site_id]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {
                    "kind": "site",
                    "site_id": d.site_id,
                    "name": s.name,
                    "status": d.status,
                    "open": d.site_id in result.lines,
                    "lines": result.lines.get(d.site_id, 0),
                },
            }
        )
    _, allocation, _ = design_tables(result)
    mine = {d.site_id for d in result.design.sites}
    others = sorted({a["site_id"] for a in allocation} - mine)
    centres = sorted({a["treatment_centre"] for a in allocation})
    for kind, ids in (("plant", others), ("centre", centres)):
        for k in ids:
            s = sites[k]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                    "properties": {"kind": kind, "site_id": k, "name": s.name},
                }
            )
    for a in allocation:
        c, s = sites[a["treatment_centre"]], sites[a["site_id"]]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[c.lon, c.lat], [s.lon, s.lat]]},
                "properties": {"kind": "allocation", **a},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def robust_tables(choice: Any) -> tuple[list[dict], dict]:
    """The rows of robust.csv and the ``robust`` object of summary.json of a
    :class:`~logistics.design.robust.RobustChoice`."""
    import statistics

    from logistics.design.solve import CAP_REASON

    by_id = choice.by_id
    rows = []
    for e in choice.evaluations:
        r, c = e.result, by_id[e.design_id]
        plan = r.plan
        served = plan.served if plan is not None else ()
        unserved = [o for o in plan.orders if not o.served] if plan is not None else []
        v2v = [o.v2v_h for o in served if o.v2v_h is not None]
        cap = r.design.settings.v2v_cap_days
        rows.append(
            {
                "design": c.design_id,
                "open_sites": c.open_sites,
                "sources": ";".join(c.sources),
                "scenario": e.scenario,
                "status": r.status,
                "objective": None if r.objective is None else round(r.objective, 4),
                "total_cost_eur": r.costs_eur.get("total"),
                "served": len(served) if plan is not None else None,
                "unserved": len(unserved) if plan is not None else len(e.book),
                "beyond_cap": None
                if cap is None or plan is None
                else sum((o.reason or "").startswith(CAP_REASON) for o in unserved),
                "v2v_mean_h": round(statistics.fmean(v2v), 3) if v2v else None,
                "value": _finite(choice.values[c.design_id]),
                "chosen": c.design_id == choice.chosen,
            }
        )
    chosen = by_id[choice.chosen]
    summary = {
        "criterion": choice.criterion,
        "chosen": chosen.design_id,
        "open_sites": dict(chosen.lines),
        "sources": list(chosen.sources),
        "value": _finite(choice.values[chosen.design_id]),
        "nominal": choice.nominal,
        "nominal_value": None if choice.nominal is None else _finite(choice.values[choice.nominal]),
        "why": choice.why(),
        "optimal_over": (
            f"the {len(choice.candidates)} candidate designs of robust.csv (the nominal "
            "design, the pareto points' designs and each scenario's own optimal design), "
            "each fixed and re-planned under the baseline and every scenario; not every design"
        ),
        "candidates": {c.design_id: c.open_sites for c in choice.candidates},
    }
    return rows, summary


def _finite(x: float) -> float | None:
    import math

    return round(x, 4) if math.isfinite(x) else None


_DESIGNED_NOTE = """
## Designed by `logistics design`

This copy of the bundle carries the design's capacity: in capacity.csv each design
site of design.csv has its chosen lines as manufacturing slots (0 when closed; its
holiday closures and reduced days keep their share of its busiest weekday's slots; a
closed site keeps the slots of its booked batches where they wind down),
and therapies.toml licenses the design sites opened for the therapies design.csv
gives them. Every other file is the input bundle's, unchanged. The design and its
figures are in the folder above (design.csv, allocation.csv, summary.json).
"""


def designed_bundle(source: Path, base: Network, designed: Network) -> dict[str, bytes]:
    """The files of the bundle folder ``source`` (read as ``base``) with the capacity
    and licences of ``designed``: file name -> content."""
    out = {
        p.name: p.read_bytes()
        for p in sorted(source.iterdir())
        if p.is_file() and not ignored(p.name)
    }
    out["capacity.csv"] = capacity_csv(designed.capacity).encode()
    changed = {
        tid: list(t.sites)
        for tid, t in designed.therapies.items()
        if t.sites != base.therapies[tid].sites
    }
    if changed:
        text = out["therapies.toml"].decode("utf-8")
        out["therapies.toml"] = therapies_with_sites(text, changed).encode()
    sources = out.get("SOURCES.md", b"").decode("utf-8")
    out["SOURCES.md"] = (sources.rstrip() + "\n" + _DESIGNED_NOTE).lstrip().encode()
    return out


def write_design_outputs(result: Any, out: str | Path, *, robust: Any = None) -> Path:
    """Write design.csv, allocation.csv, summary.json and design.geojson of a
    design result (and robust.csv with a :class:`~logistics.design.robust.RobustChoice`
    ``robust``) into the existing (staged:
    :func:`logistics.io.folders.output_folder`) folder ``out``; returns it."""
    import json

    from logistics.io.rows import write_csv

    folder = Path(out)
    rows, allocation, summary = design_tables(result)
    if robust is not None:
        robust_rows, summary["robust"] = robust_tables(robust)
        write_csv(folder / ROBUST_FILE, ROBUST_COLUMNS, robust_rows)
    write_csv(folder / "design.csv", DESIGN_OUT_COLUMNS, rows)
    write_csv(folder / "allocation.csv", ALLOCATION_COLUMNS, allocation)
    (folder / "summary.json").write_text(
        json.dumps(_strict(summary), indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    (folder / "design.geojson").write_text(
        json.dumps(design_geojson(result)) + "\n", encoding="utf-8"
    )
    return folder


def _strict(value: Any) -> Any:
    """JSON without infinities or NaN (they become null)."""
    import math

    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value
