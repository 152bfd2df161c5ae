"""therapies.toml and network.toml: parsed with tomllib, every issue located by line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from logistics.io import parsers as p
from logistics.io import places
from logistics.io.bounds import NETWORK_TOML, THERAPY
from logistics.io.table import Issues
from logistics.io.tomldoc import TomlDoc, load_toml
from logistics.model.constants import MODES, TEMPERATURES
from logistics.model.network import OVER_LIMIT, RiskSettings, RoadLink, RoadSettings
from logistics.model.therapies import Therapy

_THERAPY_KEYS: dict[str, tuple[str, bool]] = {
    # key: (what is expected, required); numbers: their bound in logistics.io.bounds
    "description": ("text", False),
    "inbound_temperature": (f"one of {', '.join(TEMPERATURES)}", True),
    "inbound_max_h": (THERAPY["inbound_max_h"].expected(), True),
    "manufacturing_days": (THERAPY["manufacturing_days"].expected(), True),
    "release_days": (THERAPY["release_days"].expected(), True),
    "outbound_temperature": (f"one of {', '.join(TEMPERATURES)}", True),
    "outbound_max_h": (THERAPY["outbound_max_h"].expected(), True),
    "infusion_prep_days": (THERAPY["infusion_prep_days"].expected(), False),
    "lymphodepletion_before_delivery_h": (
        "a number of hours from 0 to 24 x infusion_prep_days",
        False,
    ),
    "sites": ("a non-empty list of manufacturing site ids", True),
    "markets": ("a non-empty list of customs territories", True),
    "dropout_per_day": (THERAPY["dropout_per_day"].expected(), False),
    "hold_cv": (THERAPY["hold_cv"].expected(), False),
    "countries": ("a non-empty list of ISO 3166-1 alpha-2 country codes such as 'ES'", False),
}


def _is_country(code: str) -> bool:
    try:
        places.country(code)
    except ValueError:
        return False
    return True


def _valid_therapy_value(key: str, value: Any) -> bool:
    if key == "description":
        return isinstance(value, str)
    if key in THERAPY:
        return THERAPY[key].problem(value) is None
    if key.endswith("_temperature"):
        return isinstance(value, str) and value in TEMPERATURES
    if key == "countries":
        return (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(v, str) and _is_country(v) for v in value)
        )
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and p.ID_RE.fullmatch(v) for v in value)
    )


def read_therapies(path: Path, issues: Issues) -> tuple[dict[str, Therapy], dict[str, int]]:
    """Therapies by id from the therapies.toml at ``path``, and the line of each
    therapy's table (for cross-file issues); problems go to ``issues``."""
    name = path.name
    loaded = load_toml(path, issues)
    if loaded is None:
        return {}, {}
    doc, line_of = loaded.data, loaded.line
    table = doc.get("therapy")
    if not isinstance(table, dict) or not table:
        issues.add(name, None, "therapy", "one [therapy.<id>] table per therapy", None)
        return {}, {}
    for key in doc:
        if key != "therapy":
            issues.warn(f"{name}:{line_of(key) or '-'}:{key}: unknown table kept and ignored")
    therapies: dict[str, Therapy] = {}
    where: dict[str, int] = {}
    for tid, spec in table.items():
        row = line_of(f"therapy.{tid}")
        where[tid] = row or 0
        if not p.ID_RE.fullmatch(tid):
            issues.add(name, row, f"therapy.{tid}", "an identifier as therapy key", tid)
            continue
        if not isinstance(spec, dict):
            issues.add(name, row, f"therapy.{tid}", "a table of settings", str(spec))
            continue
        ok = True
        for key, (expected, required) in _THERAPY_KEYS.items():
            if key not in spec:
                if required:
                    issues.add(name, row, f"therapy.{tid}.{key}", expected, None)
                    ok = False
            elif not _valid_therapy_value(key, spec[key]):
                line = line_of(f"therapy.{tid}", key)
                issues.add(name, line, f"therapy.{tid}.{key}", expected, repr(spec[key]))
                ok = False
        for key in spec:
            if key not in _THERAPY_KEYS:
                issues.warn(
                    f"{name}:{line_of(f'therapy.{tid}', key)}:therapy.{tid}.{key}: "
                    "unknown setting kept and ignored"
                )
        early = spec.get("lymphodepletion_before_delivery_h", 0)
        if ok and early > 24 * spec.get("infusion_prep_days", 0):
            line = line_of(f"therapy.{tid}", "lymphodepletion_before_delivery_h")
            issues.add(
                name,
                line,
                f"therapy.{tid}.lymphodepletion_before_delivery_h",
                "at most 24 x infusion_prep_days hours",
                repr(early),
            )
            ok = False
        if ok:
            therapies[tid] = Therapy(
                therapy_id=tid,
                description=spec.get("description", ""),
                inbound_temperature=spec["inbound_temperature"],
                inbound_max_h=float(spec["inbound_max_h"]),
                manufacturing_days=spec["manufacturing_days"],
                release_days=spec["release_days"],
                outbound_temperature=spec["outbound_temperature"],
                outbound_max_h=float(spec["outbound_max_h"]),
                infusion_prep_days=spec.get("infusion_prep_days", 0),
                sites=tuple(spec["sites"]),
                markets=tuple(spec["markets"]),
                countries=tuple(spec.get("countries", ())),
                **{
                    k: float(spec[k])
                    for k in ("dropout_per_day", "hold_cv", "lymphodepletion_before_delivery_h")
                    if k in spec
                },
            )
    return therapies, where


def read_network_toml(path: Path, issues: Issues) -> tuple[RoadSettings, RiskSettings]:
    """Road generation and risk settings from the network.toml at ``path`` (problems
    go to ``issues``); a missing file means no generated legs."""
    if not path.exists():
        return RoadSettings(generate=False), RiskSettings()
    loaded = load_toml(path, issues)
    if loaded is None:
        return RoadSettings(generate=False), RiskSettings()
    for key in loaded.data:
        if key not in ("roads", "risk", "design"):  # [design]: logistics.io.design
            issues.warn(f"{path.name}:{loaded.line(key) or '-'}:{key}: unknown table ignored")
    return _roads(loaded, issues), _risk(loaded, issues)


def _risk(loaded: TomlDoc, issues: Issues) -> RiskSettings:
    name, line_of = loaded.name, loaded.line
    risk = loaded.data.get("risk", {})
    if not isinstance(risk, dict):
        issues.add(name, line_of("risk"), "risk", "a [risk] table", repr(risk))
        return RiskSettings()
    cancel: dict[str, float] = {}
    for key, value in risk.items():
        if key != "cancel_probability":
            issues.warn(f"{name}:{line_of('risk', key)}:risk.{key}: unknown setting ignored")
            continue
        line = line_of("risk", key)
        if not isinstance(value, dict):
            issues.add(
                name, line, "risk.cancel_probability", "a table of mode = probability", repr(value)
            )
            continue
        for mode, prob in value.items():
            if mode not in MODES:
                issues.add(
                    name,
                    line,
                    f"risk.cancel_probability.{mode}",
                    f"a mode ({', '.join(MODES)})",
                    mode,
                )
            elif (problem := NETWORK_TOML["risk.cancel_probability"].problem(prob)) is not None:
                issues.add(name, line, f"risk.cancel_probability.{mode}", problem, repr(prob))
            else:
                cancel[mode] = float(prob)
    return RiskSettings(cancel_probability=cancel)


def _roads(loaded: TomlDoc, issues: Issues) -> RoadSettings:
    name, line_of = loaded.name, loaded.line
    roads = loaded.data.get("roads", {})
    if not isinstance(roads, dict):
        issues.add(name, line_of("roads"), "roads", "a [roads] table", repr(roads))
        return RoadSettings(generate=False)
    values: dict[str, Any] = {}

    def bad(key: str, expected: str) -> None:
        issues.add(name, line_of("roads", key), f"roads.{key}", expected, repr(roads[key]))

    for key, value in roads.items():
        if key == "generate":
            if not isinstance(value, bool):
                bad(key, "true or false")
            else:
                values[key] = value
        elif key == "carrier":
            if not isinstance(value, str) or not value.strip():
                bad(key, "a carrier name")
            else:
                values[key] = value
        elif f"roads.{key}" in NETWORK_TOML:
            if (problem := NETWORK_TOML[f"roads.{key}"].problem(value)) is not None:
                bad(key, problem)
            else:
                values[key] = float(value)
        elif key == "temperatures":
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) and v in TEMPERATURES for v in value)
            ):
                bad(key, f"a list of temperature classes from {', '.join(TEMPERATURES)}")
            else:
                values[key] = frozenset(value)
        elif key == "over_limit":
            if not isinstance(value, str) or value not in OVER_LIMIT:
                bad(key, " or ".join(f"'{v}'" for v in OVER_LIMIT))
            else:
                values[key] = value
        elif key == "zones":
            values[key] = _zones(loaded, value, issues)
        elif key == "site_zones":
            values[key] = _site_zones(loaded, value, issues)
        elif key == "links":
            values[key] = _links(loaded, value, issues)
        else:
            issues.warn(f"{name}:{line_of('roads', key)}:roads.{key}: unknown setting ignored")
    try:
        return RoadSettings(**values)
    except (TypeError, ValueError):
        return RoadSettings(generate=False)


def _zones(loaded: TomlDoc, zones: Any, issues: Issues) -> dict[str, str]:
    name, line_of = loaded.name, loaded.line
    where = line_of("roads.zones")
    if not isinstance(zones, dict):
        issues.add(name, where, "roads.zones", "a table of zone = [country codes]", repr(zones))
        return {}
    out: dict[str, str] = {}
    for zone, codes in zones.items():
        line = line_of("roads.zones", zone)
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            issues.add(name, line, f"roads.zones.{zone}", "a list of country codes", repr(codes))
            continue
        for code in codes:
            if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", code):
                issues.add(
                    name, line, f"roads.zones.{zone}", "country codes like 'GB' or 'GB-NIR'", code
                )
            elif code in out:
                issues.add(
                    name,
                    line,
                    f"roads.zones.{zone}",
                    f"each country in one zone only (already in {out[code]})",
                    code,
                )
            else:
                out[code] = zone
    return out


def _site_zones(loaded: TomlDoc, table: Any, issues: Issues) -> dict[str, str]:
    name, where = loaded.name, loaded.line("roads.site_zones")
    if not isinstance(table, dict):
        issues.add(name, where, "roads.site_zones", "a table of site_id = zone", repr(table))
        return {}
    out: dict[str, str] = {}
    for site, zone in table.items():
        if not p.ID_RE.fullmatch(site) or not isinstance(zone, str) or not zone:
            issues.add(
                name,
                loaded.line("roads.site_zones", site),
                f"roads.site_zones.{site}",
                "a site id = a zone name",
                repr(zone),
            )
        else:
            out[site] = zone
    return out


def _point(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and -90 <= value[0] <= 90
        and -180 <= value[1] <= 180
    ):
        return float(value[0]), float(value[1])
    return None


def _links(loaded: TomlDoc, table: Any, issues: Issues) -> tuple[RoadLink, ...]:
    name = loaded.name
    if not isinstance(table, dict):
        issues.add(
            name, loaded.line("roads.links"), "roads.links", "a table of [roads.links.<name>]", ""
        )
        return ()
    links: list[RoadLink] = []
    for link, spec in table.items():
        line = loaded.line(f"roads.links.{link}")
        column = f"roads.links.{link}"
        if not isinstance(spec, dict):
            issues.add(name, line, column, "a table with zones and via", repr(spec))
            continue
        for key in spec:
            if key not in ("zones", "via"):
                issues.warn(f"{name}:{line}:{column}.{key}: unknown setting ignored")
        zones = spec.get("zones")
        via = spec.get("via")
        points = [_point(v) for v in via] if isinstance(via, list) else []
        if (
            not isinstance(zones, list)
            or len(zones) != 2
            or not all(isinstance(z, str) and z for z in zones)
            or zones[0] == zones[1]
        ):
            issues.add(name, line, f"{column}.zones", "two different zone names", repr(zones))
        elif not points or any(pt is None for pt in points):
            issues.add(
                name, line, f"{column}.via", "a list of [lat, lon] points (WGS84)", repr(via)
            )
        else:
            links.append(
                RoadLink(
                    name=link,
                    zones=(zones[0], zones[1]),
                    via=tuple(pt for pt in points if pt is not None),
                )
            )
    return tuple(links)
