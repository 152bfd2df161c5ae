"""Scenario files: one TOML file naming disruptions of the network and the order book.

A scenario is read and validated here; :mod:`logistics.scenarios.transforms` applies
it. Every problem of a file is collected and raised at once as an
:class:`~logistics.errors.InputError` whose issues name the file, the line of the key,
the key (``start``, ``disruption[2].factor``: disruptions are numbered from 1 in file
order) and what was expected.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue
from logistics.model.constants import MODES, RESOURCES
from logistics.model.network import Network

log = logging.getLogger("logistics")

# The lane filters of close_lanes, lane_delay and carrier_capacity: all given must match.
LANE_FILTERS = (
    "modes",
    "carriers",
    "lanes",
    "from_territory",
    "to_territory",
    "from_sites",
    "to_sites",
    "countries",
)
# Modes an airspace closure stops.
AIR_MODES = ("air", "onboard_courier")

_COMMON = ("kind", "start", "end", "description")
# kind -> (keys it takes besides the common ones, keys it requires)
KINDS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "close_lanes": (LANE_FILTERS, ()),
        "lane_delay": ((*LANE_FILTERS, "factor", "add_h"), ()),
        "customs_delay": (
            ("from_territory", "to_territory", "modes", "factor", "add_h"),
            ("from_territory", "to_territory"),
        ),
        "site_capacity": (("sites", "resource", "factor"), ("sites", "resource", "factor")),
        "demand": (("factor", "seed"), ("factor",)),
        "airspace_closure": (("countries",), ("countries",)),
        "carrier_capacity": ((*LANE_FILTERS, "factor"), ("carriers", "factor")),
    }
)
# kinds whose factor may be 0 (an outage, no capacity); the others need factor > 0
_ZERO_FACTOR_KINDS = ("site_capacity", "carrier_capacity")
_TOP_KEYS = ("name", "description", "start", "end", "disruption")


@dataclass(frozen=True, slots=True, kw_only=True)
class Disruption:
    """One ``[[disruption]]`` table.

    Filters left as ``None`` match everything. ``start``/``end`` (aware UTC) override the
    scenario's window for this disruption only. ``lines`` maps each key to its line in
    the file (for error reports; not part of equality).
    """

    kind: str
    start: datetime | None = None
    end: datetime | None = None
    description: str = ""
    modes: tuple[str, ...] | None = None
    carriers: tuple[str, ...] | None = None
    lanes: tuple[str, ...] | None = None
    from_territory: str | None = None
    to_territory: str | None = None
    from_sites: tuple[str, ...] | None = None
    to_sites: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    sites: tuple[str, ...] = ()
    resource: str | None = None
    factor: float = 1.0
    add_h: float = 0.0
    seed: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown disruption kind {self.kind!r}")
        for t in (self.start, self.end):
            if t is not None and t.tzinfo is None:
                raise ValueError("disruption times must be timezone-aware")
        if not math.isfinite(self.factor) or self.factor < 0:
            raise ValueError("factor must be a finite number >= 0")
        if self.factor == 0 and self.kind not in _ZERO_FACTOR_KINDS:
            raise ValueError(f"{self.kind}: factor must be > 0")
        if not math.isfinite(self.add_h) or self.add_h < 0:
            raise ValueError("add_h must be a finite number >= 0")
        if self.kind == "site_capacity" and self.resource not in RESOURCES:
            raise ValueError(f"site_capacity: resource must be one of {', '.join(RESOURCES)}")

    def filters(self) -> dict[str, Any]:
        """The lane filters that are set (name -> value)."""
        return {k: getattr(self, k) for k in LANE_FILTERS if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A named set of disruptions applying to departures in ``[start, end)``.

    ``start``/``end`` are aware UTC; ``None`` leaves that side open (neither: always).
    ``path`` and ``sha256`` say which file it came from (``None``/empty when built in
    code).
    """

    name: str
    description: str = ""
    start: datetime | None = None
    end: datetime | None = None
    disruptions: tuple[Disruption, ...] = ()
    path: Path | None = None
    sha256: str = field(default="", compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for t in (self.start, self.end):
            if t is not None and t.tzinfo is None:
                raise ValueError("scenario times must be timezone-aware")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("a scenario ends after it starts")

    @classmethod
    def baseline(cls) -> Scenario:
        """The scenario without disruptions: the inputs as they are."""
        return cls(name="baseline", description="The network and order book as they are")

    @property
    def file(self) -> str:
        """The file name used in error reports."""
        return self.path.name if self.path is not None else f"<scenario {self.name}>"

    def bounds(self, disruption: Disruption) -> tuple[datetime | None, datetime | None]:
        """The window of one disruption: its own start/end, else the scenario's."""
        start = disruption.start if disruption.start is not None else self.start
        end = disruption.end if disruption.end is not None else self.end
        return start, end


def example_scenarios() -> list[Path]:
    """The example scenario files shipped with the package (config/scenarios/)."""
    folder = embedded_path("logistics._config", "scenarios")
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


# ---------------------------------------------------------------------------------------
# Reading


class _Reader:
    """Collects the issues of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.issues: list[Issue] = []

    def add(self, line: int | None, key: str | None, expected: str, got: Any = None) -> None:
        self.issues.append(
            Issue(self.name, line, key, expected, None if got is None else _show(got))
        )

    def warn(self, line: int | None, key: str, message: str) -> None:
        log.warning(f"{self.name}:{line if line is not None else '-'}:{key}: {message}")


def _show(value: Any) -> str:
    """A TOML value as the user wrote it (roughly)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return repr(value)


_KEY_RE = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


def _locate(lines: list[str]) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Lines of the top-level keys, and of each ``[[disruption]]`` header and its keys."""
    top: dict[str, int] = {}
    tables: list[tuple[int, dict[str, int]]] = []
    current: dict[str, int] | None = top
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if stripped.startswith("[["):
            table = stripped[2:].split("]]")[0].strip()
            if table == "disruption":
                tables.append((number, {}))
                current = tables[-1][1]
            else:
                current = None
            top.setdefault(table, number)
        elif stripped.startswith("["):
            top.setdefault(stripped[1:].split("]")[0].strip(), number)
            current = None
        elif current is not None and (m := _KEY_RE.match(text)):
            current.setdefault(next(g for g in m.groups() if g), number)
    return top, tables


def _load(reader: _Reader) -> tuple[dict[str, Any], list[str]] | None:
    path = reader.path
    try:
        data = path.read_bytes()
    except OSError as exc:
        reader.issues.append(
            Issue(str(path), None, None, "a readable scenario file", exc.strerror or str(exc))
        )
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        reader.add(at, None, "UTF-8 text", f"byte 0x{data[exc.start]:02x}")
        return None
    lines = text.splitlines()
    try:
        return tomllib.loads(text), lines
    except tomllib.TOMLDecodeError as exc:
        line: int | None = getattr(exc, "lineno", None)  # Python >= 3.14, else in the text
        if line is None and (m := re.search(r"\(at line (\d+),", str(exc))):
            line = int(m.group(1))
        elif line is None and str(exc).endswith("(at end of document)"):
            line = max(len(lines), 1)
        reader.add(line, None, "valid TOML", str(exc).split(" (at")[0])
        return None


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
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError
    return value


def _resource(value: Any) -> str:
    if value not in RESOURCES:
        raise ValueError
    return value


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
        "countries": (
            "a non-empty list of ISO 3166-1 alpha-2 country codes like 'GB'",
            _text_list(_is_country),
        ),
        "resource": (f"one of {', '.join(RESOURCES)}", _resource),
        "add_h": ("a number of hours >= 0", _number),
        "factor": ("a number", _number),
        "seed": ("a whole number", _seed),
    }
)


def _factor_expected(kind: str) -> str:
    if kind in _ZERO_FACTOR_KINDS:
        return "a number >= 0 (0 = no capacity)"
    return "a number > 0"


def _parse_disruption(
    reader: _Reader, index: int, spec: Any, header: int | None, keys: dict[str, int]
) -> Disruption | None:
    prefix = f"disruption[{index}]"
    if not isinstance(spec, dict):
        reader.add(header, prefix, "a [[disruption]] table", spec)
        return None

    def line(key: str) -> int | None:
        return keys.get(key, header)

    kind = spec.get("kind")
    if kind is None:
        reader.add(header, f"{prefix}.kind", f"a kind, one of {', '.join(KINDS)}", None)
        return None
    if kind not in KINDS:
        close = difflib.get_close_matches(str(kind), list(KINDS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        reader.add(line("kind"), f"{prefix}.kind", f"one of {', '.join(KINDS)}{hint}", kind)
        return None
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
            expected = _factor_expected(kind)
        try:
            parsed = parse(value)
        except ValueError:
            reader.add(line(key), f"{prefix}.{key}", expected, value)
            ok = False
            continue
        bad_factor = key == "factor" and (
            parsed < 0 or (parsed == 0 and kind not in _ZERO_FACTOR_KINDS)
        )
        if bad_factor or (key == "add_h" and parsed < 0):
            reader.add(line(key), f"{prefix}.{key}", expected, value)
            ok = False
            continue
        values[key] = parsed
    for key in required:
        if key not in spec:
            expected = _factor_expected(kind) if key == "factor" else _FIELDS[key][0]
            reader.add(header, f"{prefix}.{key}", f"{expected} ({kind} needs {key})", None)
            ok = False
    if kind == "close_lanes" and not any(k in spec for k in LANE_FILTERS):
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
        if d.kind == "site_capacity" and (start is None) != (end is None):
            reader.add(
                d.lines.get(""),
                f"disruption[{index}]",
                "both start and end (here or at the top of the file), or neither",
                "start" if end is None else "end",
            )


def _parse(reader: _Reader, loaded: tuple[dict[str, Any], list[str]]):
    doc, lines = loaded
    top, tables = _locate(lines)
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

    With a ``network``, the lanes, sites, carriers, territories, modes and countries the
    file names must exist in it (see :func:`validate_against`).
    """
    path = Path(path)
    reader = _Reader(path)
    if not path.is_file():
        raise InputError([Issue(str(path), None, None, "a scenario TOML file", "no such file")])
    loaded = _load(reader)
    if loaded is None:
        raise InputError(reader.issues)
    name, description, times, items, top = _parse(reader, loaded)
    if network is not None:
        reader.issues.extend(_cross_check(reader.name, items, network))
    if reader.issues:
        raise InputError(reader.issues)
    return Scenario(
        name=name,
        description=description,
        start=times.get("start"),
        end=times.get("end"),
        disruptions=tuple(d for _, d in items),
        path=path,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        lines=dict(top),
    )


# ---------------------------------------------------------------------------------------
# Cross-checks against a network


def _unknown(
    file: str,
    line: int | None,
    key: str,
    values: Iterable[str],
    known: Iterable[str],
    what: str,
) -> list[Issue]:
    known = sorted(set(known))
    out = []
    for value in values:
        if value in known:
            continue
        close = difflib.get_close_matches(value, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(Issue(file, line, key, f"{what}{hint}", value))
    return out


def _cross_check(
    file: str, items: Iterable[tuple[int, Disruption]], network: Network
) -> list[Issue]:
    lanes = network.lane_by_id.keys()
    sites = network.sites.keys()
    carriers = {lane.carrier for lane in network.lanes}
    modes = {lane.mode for lane in network.lanes}
    countries = {s.country for s in network.sites.values()}
    territories = set(network.territories.territories) | {
        s.territory for s in network.sites.values()
    }
    known: dict[str, tuple[Iterable[str], str]] = {
        "lanes": (lanes, "a lane_id of the network (lanes.csv, or road:FROM>TO when generated)"),
        "carriers": (carriers, "a carrier of the network's lanes"),
        "modes": (modes, "a mode used by a lane of the network"),
        "from_sites": (sites, "a site_id of sites.csv"),
        "to_sites": (sites, "a site_id of sites.csv"),
        "sites": (sites, "a site_id of sites.csv"),
        "countries": (countries, "the country of a site of the network"),
        "from_territory": (territories, "a customs territory of the network"),
        "to_territory": (territories, "a customs territory of the network"),
    }
    issues: list[Issue] = []
    for index, d in items:
        prefix = f"disruption[{index}]"
        for key, (names, what) in known.items():
            value = getattr(d, key)
            if not value:
                continue
            values = (value,) if isinstance(value, str) else value
            line = d.lines.get(key) or d.lines.get("") or None
            issues += _unknown(file, line, f"{prefix}.{key}", values, names, what)
        if d.kind == "site_capacity" and d.resource is not None:
            having = network.capacity.sites_with(d.resource)
            line = d.lines.get("sites") or d.lines.get("") or None
            for site in d.sites:
                if site in sites and site not in having:
                    issues.append(
                        Issue(
                            file,
                            line,
                            f"{prefix}.sites",
                            f"a site with {d.resource} slots in capacity.csv",
                            site,
                        )
                    )
        if (
            d.kind == "customs_delay"
            and d.from_territory in territories
            and (d.to_territory in territories)
        ):
            rules = [
                r
                for r in network.customs
                if r.from_territory == d.from_territory and r.to_territory == d.to_territory
            ]
            if not rules:
                issues.append(
                    Issue(
                        file,
                        d.lines.get("to_territory") or d.lines.get("") or None,
                        f"{prefix}.to_territory",
                        f"a pair of territories with a rule in customs.csv (none from "
                        f"{d.from_territory})",
                        d.to_territory,
                    )
                )
    return issues


def validate_against(scenario: Scenario, network: Network) -> list[Issue]:
    """Issues for every lane, site, carrier, territory, mode or country the scenario
    names that the network does not have (an empty list when all are known)."""
    return _cross_check(scenario.file, enumerate(scenario.disruptions, start=1), network)
