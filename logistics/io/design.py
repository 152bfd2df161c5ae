"""design.csv and network.toml ``[design]`` of a bundle: the network design question.

Read against the network (the sites must be its manufacturing sites), validated like
every other file: every problem is collected and raised at once as
``file:row:column: expected ..., got ...``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io.table import Col, Issues, check_unique, read_csv
from logistics.io.tomldoc import load_toml
from logistics.design.model import Design, DesignSettings, DesignSite
from logistics.model.network import Network

__all__ = ["DESIGN_COLUMNS", "read_design"]

DESIGN_COLUMNS = {
    "site_id": Col(p.ident, required=True),
    "status": Col(p.choice("existing", "candidate"), required=True),
    "fixed_cost_eur": Col(p.number, required=True),
    "lines": Col(p.count, required=True),
    "batch_cost_eur": Col(p.number, required=True),
    "min_lines": Col(p.count),
    "max_lines": Col(p.count),
    "line_cost_eur": Col(partial(p.number), default=0.0),
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
        low, high = v.get("min_lines"), v.get("max_lines")
        if row.ok("min_lines", "max_lines") and low is not None and high is not None and low > high:
            issues.add(
                path.name, row.row, "max_lines", f"a whole number >= min_lines ({low})", row.raw["max_lines"]
            )
            row.bad.add("max_lines")
        if row.ok("min_lines", "max_lines", "lines") and high is None and low is not None:
            if low > v["lines"]:
                issues.add(
                    path.name, row.row, "min_lines", f"at most lines ({v['lines']}) without max_lines", row.raw["min_lines"]
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
            issues.warn(f"{name}:{loaded.line('design', key)}:design.{key}: unknown setting ignored")
    both = values.get("must_open", frozenset()) & values.get("must_close", frozenset())
    if both:
        bad("must_close", "no site that must_open names", ", ".join(sorted(both)))
    forced = len(values.get("must_open", ()))
    if values.get("max_open") is not None and forced > values["max_open"]:
        bad("max_open", f"at least the {forced} sites of must_open", values["max_open"])
    return DesignSettings(**values)
