"""Scenario files: one TOML file naming disruptions of the network and the order book.

A scenario is read and validated here into a :class:`~logistics.model.scenario.
Scenario`; :mod:`logistics.scenarios.transforms` applies it. Every problem of a file is
collected and raised at once as an :class:`~logistics.errors.InputError` whose issues
name the file, the line of the key, the key (``start``, ``disruption[2].factor``:
disruptions are numbered from 1 in file order) and what was expected.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue
from logistics.io.bounds import SCENARIO, SCENARIO_FACTOR, check_moment
from logistics.io.scenarios_check import cross_check
from logistics.io.table import Issues, what_is
from logistics.io.tomldoc import TomlDoc, load_toml
from logistics.model.constants import MODES, RESOURCES
from logistics.model.network import Network
from logistics.model.scenario import (
    LANE_FILTERS,
    ZERO_FACTOR_KINDS,
    Disruption,
    DisruptionKind,
    Scenario,
)

__all__ = ["KINDS", "example_scenarios", "read_scenario"]

log = logging.getLogger("logistics")

_COMMON = ("kind", "start", "end", "description")
_K = DisruptionKind
# kind -> (keys it takes besides the common ones, keys it requires)
KINDS: Mapping[DisruptionKind, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        _K.CLOSE_LANES: (LANE_FILTERS, ()),
        _K.LANE_DELAY: ((*LANE_FILTERS, "factor", "add_h"), ()),
        _K.CUSTOMS_DELAY: (
            ("from_territory", "to_territory", "modes", "factor", "add_h"),
            ("from_territory", "to_territory"),
        ),
        _K.SITE_CAPACITY: (("sites", "resource", "factor"), ("sites", "resource", "factor")),
        _K.DEMAND: (("factor", "seed"), ("factor",)),
        _K.AIRSPACE_CLOSURE: (("countries",), ("countries",)),
        _K.CARRIER_CAPACITY: ((*LANE_FILTERS, "factor"), ("carriers", "factor")),
    }
)
_TOP_KEYS = ("name", "description", "start", "end", "disruption")


def example_scenarios() -> list[Path]:
    """The example scenario files shipped with the package (config/scenarios/)."""
    folder = embedded_path("logistics._config", "scenarios")
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


class _Reader:
    """Collects the issues and warnings of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.issues = Issues()

    def add(self, line: int | None, key: str | None, expected: str, got: Any = None) -> None:
        self.issues.add(self.name, line, key, expected, None if got is None else _show(got))

    def warn(self, line: int | None, key: str, message: str) -> None:
        self.issues.warn(f"{self.name}:{line if line is not None else '-'}:{key}: {message}")


def _show(value: Any) -> str:
    """A TOML value as the user wrote it (roughly)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return repr(value)


def _time(value: Any) -> datetime:
    """A TOML datetime or ISO 8601 text with Z or an offset -> aware UTC."""
    expected = "an ISO 8601 date and time with Z or an offset, like 2026-12-20T23:00:00Z"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(expected) from None
        if len(value.strip()) <= 10:
            raise ValueError(expected)
    else:
        raise ValueError(expected)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(expected + " (a scenario has no site to take a local time from)")
    check_moment(moment, expected.split(",")[0])
    return moment.astimezone(UTC)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    return float(value)


def _text_list(
    check: Callable[[str], bool] = bool,
) -> Callable[[Any], tuple[str, ...]]:
    def parse(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise ValueError
        if not all(isinstance(v, str) and check(v) for v in value):
            raise ValueError
        return tuple(dict.fromkeys(value))  # repeated entries kept once, in order

    return parse


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    return value.strip()


def _description(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError
    return value


def _seed(value: Any) -> int:
    return SCENARIO["seed"].check(value)


def _add_h(value: Any) -> float:
    return SCENARIO["add_h"].check(value)


def _resource(value: Any) -> str:
    if value not in RESOURCES:
        raise ValueError
    return value


def _zone_pair(value: Any) -> tuple[str, ...]:
    zones = _text_list(lambda s: bool(s.strip()))(value)
    if len(zones) > 2:
        raise ValueError
    return zones


def _is_country(text: str) -> bool:
    return re.fullmatch(r"[A-Z]{2}", text) is not None


# key -> (what is expected, parser raising ValueError)
_FIELDS: Mapping[str, tuple[str, Callable[[Any], Any]]] = MappingProxyType(
    {
        "description": ("text", _description),
        "modes": (
            f"a non-empty list of modes from {', '.join(MODES)}",
            _text_list(MODES.__contains__),
        ),
        "carriers": ("a non-empty list of carrier names", _text_list(lambda s: bool(s.strip()))),
        "lanes": ("a non-empty list of lane ids", _text_list(lambda s: bool(s.strip()))),
        "from_territory": ("a customs territory such as 'GB' or 'EU'", _text),
        "to_territory": ("a customs territory such as 'GB' or 'EU'", _text),
        "from_sites": ("a non-empty list of site ids", _text_list(lambda s: bool(s.strip()))),
        "to_sites": ("a non-empty list of site ids", _text_list(lambda s: bool(s.strip()))),
        "sites": ("a non-empty list of site ids", _text_list(lambda s: bool(s.strip()))),
        "touching_sites": (
            "a non-empty list of site ids",
            _text_list(lambda s: bool(s.strip())),
        ),
        "road_zones": ("a list of one or two road zones", _zone_pair),
        "countries": (
            "a non-empty list of ISO 3166-1 alpha-2 country codes like 'GB'",
            _text_list(_is_country),
        ),
        "resource": (f"one of {', '.join(RESOURCES)}", _resource),
        "add_h": (SCENARIO["add_h"].expected(), _add_h),
        "factor": ("a number", _number),
        "seed": (SCENARIO["seed"].expected(), _seed),
    }
)


def _factor_expected(kind: DisruptionKind, value: Any = None) -> str:
    """What a kind's factor must be: its lower bound alone when only that is broken
    (``value`` below it), else its range (logistics.io.bounds.SCENARIO_FACTOR)."""
    bound = SCENARIO_FACTOR[kind.value]
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not (number and math.isfinite(value) and bound.below(value)):
        return bound.expected()
    if kind in ZERO_FACTOR_KINDS:
        return f"{bound.low_text()} (0 = no capacity)"
    return bound.low_text()


def _parse_disruption(
    reader: _Reader, index: int, spec: Any, header: int | None, keys: dict[str, int]
) -> Disruption | None:
    prefix = f"disruption[{index}]"
    if not isinstance(spec, dict):
        reader.add(header, prefix, "a [[disruption]] table", spec)
        return None

    def line(key: str) -> int | None:
        return keys.get(key, header)

    raw = spec.get("kind")
    if raw is None:
        reader.add(header, f"{prefix}.kind", f"a kind, one of {', '.join(KINDS)}", None)
        return None
    if not isinstance(raw, str) or raw not in KINDS:
        close = difflib.get_close_matches(str(raw), [str(k) for k in KINDS], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        reader.add(line("kind"), f"{prefix}.kind", f"one of {', '.join(KINDS)}{hint}", raw)
        return None
    kind = DisruptionKind(raw)
    allowed, required = KINDS[kind]
    ok = True
    values: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "kind":
            continue
        if key not in _COMMON and key not in allowed:
            close = difflib.get_close_matches(key, [*_COMMON, *allowed], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            reader.warn(line(key), f"{prefix}.{key}", f"unknown key for {kind} ignored{hint}")
            continue
        if key in ("start", "end"):
            try:
                values[key] = _time(value)
            except ValueError as exc:
                reader.add(line(key), f"{prefix}.{key}", str(exc), value)
                ok = False
            continue
        expected, parse = _FIELDS[key]
        if key == "factor":
            expected, parse = _factor_expected(kind, value), SCENARIO_FACTOR[kind.value].check
        try:
            parsed = parse(value)
        except ValueError:
            reader.add(line(key), f"{prefix}.{key}", expected, value)
            ok = False
            continue
        values[key] = parsed
    for key in required:
        if key not in spec:
            expected = _factor_expected(kind) if key == "factor" else _FIELDS[key][0]
            reader.add(header, f"{prefix}.{key}", f"{expected} ({kind} needs {key})", None)
            ok = False
    if kind == DisruptionKind.CLOSE_LANES and not any(k in spec for k in LANE_FILTERS):
        reader.warn(header, prefix, "close_lanes without filters closes every lane")
    if "start" in values and "end" in values and values["end"] <= values["start"]:
        reader.add(line("end"), f"{prefix}.end", "a time after start", spec["end"])
        ok = False
    if not ok:
        return None
    where = {k: line(k) or 0 for k in spec}
    where[""] = header or 0
    return Disruption(kind=kind, **values, lines=where)


def _check_windows(
    reader: _Reader,
    scenario_start: datetime | None,
    scenario_end: datetime | None,
    items: Iterable[tuple[int, Disruption]],
) -> None:
    """Each disruption's effective window must be non-empty; site_capacity's bounded."""
    for index, d in items:
        start = d.start if d.start is not None else scenario_start
        end = d.end if d.end is not None else scenario_end
        key = "end" if d.end is not None else "start"
        if start is not None and end is not None and end <= start:
            reader.add(
                d.lines.get(key) or d.lines.get(""),
                f"disruption[{index}].{key}",
                "a window that ends after it starts (with the scenario's start/end)",
                (d.end if d.end is not None else d.start) or "",
            )
        if d.kind == DisruptionKind.SITE_CAPACITY and (start is None) != (end is None):
            reader.add(
                d.lines.get(""),
                f"disruption[{index}]",
                "both start and end (here or at the top of the file), or neither",
                "start" if end is None else "end",
            )


def _parse(reader: _Reader, loaded: TomlDoc):
    doc = loaded.data
    top, tables = loaded.locate("disruption")
    name = reader.path.stem
    description = ""
    times: dict[str, datetime] = {}
    for key, value in doc.items():
        if key not in _TOP_KEYS:
            reader.warn(top.get(key), key, "unknown key ignored")
        elif key == "name":
            try:
                name = _text(value)
            except ValueError:
                reader.add(top.get(key), key, "a scenario name (text)", value)
        elif key == "description":
            if isinstance(value, str):
                description = value
            else:
                reader.add(top.get(key), key, "text", value)
        elif key in ("start", "end"):
            try:
                times[key] = _time(value)
            except ValueError as exc:
                reader.add(top.get(key), key, str(exc), value)
    if "start" in times and "end" in times and times["end"] <= times["start"]:
        reader.add(top.get("end"), "end", "a time after start", doc["end"])
        times.pop("end")
    specs = doc.get("disruption", [])
    if isinstance(specs, dict):  # [disruption] instead of [[disruption]]
        reader.add(
            top.get("disruption"),
            "disruption",
            "[[disruption]] tables (double brackets)",
            "[disruption]",
        )
        specs = []
    elif not isinstance(specs, list):
        reader.add(top.get("disruption"), "disruption", "[[disruption]] tables", specs)
        specs = []
    inline = len(tables) != len(specs)  # disruption = [{...}]: only the key's line is known
    items: list[tuple[int, Disruption]] = []
    for index, spec in enumerate(specs, start=1):
        header, keys = (top.get("disruption"), {}) if inline else tables[index - 1]
        d = _parse_disruption(reader, index, spec, header, keys)
        if d is not None:
            items.append((index, d))
    _check_windows(reader, times.get("start"), times.get("end"), items)
    return name, description, times, items, top


def read_scenario(path: str | Path, network: Network | None = None) -> Scenario:
    """Read and validate one scenario file; raise InputError listing every issue.

    Args:
        path: the TOML file.
        network: when given, the lanes, sites, carriers, territories, modes and
            countries the file names must exist in it (see
            :func:`logistics.io.scenarios_check.validate_against`).

    Returns:
        The scenario, its ``path``, ``sha256`` and the lines of its keys recorded.

    Raises:
        InputError: every issue of the file (unknown keys are logged warnings).
    """
    path = Path(path)
    reader = _Reader(path)
    if not path.is_file():
        raise InputError([Issue(str(path), None, None, "a scenario TOML file", what_is(path))])
    loaded = load_toml(path, reader.issues)
    if loaded is not None:
        name, description, times, items, top = _parse(reader, loaded)
        if network is not None:
            reader.issues.errors.extend(cross_check(reader.name, items, network))
    for warning in reader.issues.warnings:
        log.warning(warning)
    if loaded is None or reader.issues.errors:
        raise InputError(reader.issues.errors)
    return Scenario(
        name=name,
        description=description,
        start=times.get("start"),
        end=times.get("end"),
        disruptions=tuple(d for _, d in items),
        path=path,
        sha256=loaded.sha256,
        lines=dict(top),
    )
