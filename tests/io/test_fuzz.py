"""A fuzzer of the readers (issue 15, part 4).

Hypothesis mutates one input of a small valid set (the tiny bundle with a network.toml,
its order book, a scenario using every disruption kind, a solver.toml) cell by cell,
TOML value by value and byte by byte, then runs the readers on it. Every reader must
return a result or raise ``InputError`` (nothing else), and leave the files it read
byte-identical; what a reader returns holds only finite numbers and dates in
2000-2101. A scenario that reads is also applied to the tiny network and book (which
must not raise).

Cases: ``LOGISTICS_FUZZ_CASES`` (default 500) spread over the four targets; the
profile is derandomised (the same cases on every run) unless
``LOGISTICS_FUZZ_RANDOM=1``. By hand: ``LOGISTICS_FUZZ_CASES=10000 pytest
tests/io/test_fuzz.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.io import read_network, read_orders
from logistics.scenarios import apply, read_scenario
from logistics.solve.params import load_params

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
CASES = int(os.environ.get("LOGISTICS_FUZZ_CASES", "500"))
RANDOM = os.environ.get("LOGISTICS_FUZZ_RANDOM") == "1"
# share of the cases per target: bundle, orders, scenario, solver.toml
SHARES = {"bundle": 0.4, "orders": 0.3, "scenario": 0.2, "solver": 0.1}

NETWORK_TOML = """\
[roads]
generate = true
carrier = "Road courier"
max_km = 900
border_max_km = 80
feeder_max_km = 400
circuity = 1.3
speed_kmh = 70
handling_h = 0.5
p90_factor = 1.25
lead_time_h = 1.0
cost_base_eur = 150
cost_per_km_eur = 1.6
temperatures = ["CRT", "2-8C", "-80C", "LN2"]
max_driving_h = 9
over_limit = "two_drivers"
second_driver_eur_per_h = 30
rest_h = 11

[roads.zones]
continent = ["DE", "NL"]
great_britain = ["GB"]

[roads.site_zones]
APT-AMS = "continent"

[roads.links.channel]
zones = ["great_britain", "continent"]
via = [[51.1, 1.1], [50.9, 1.8]]

[risk]
cancel_probability = { air = 0.02, road = 0.0 }
"""

SCENARIO = """\
name = "fuzz"
description = "every kind of disruption on the tiny bundle"
start = "2026-12-01T00:00:00Z"
end = "2026-12-31T00:00:00Z"

[[disruption]]
kind = "close_lanes"
modes = ["air"]
from_territory = "GB"
to_territory = "EU"

[[disruption]]
kind = "lane_delay"
lanes = ["RD-MUC-LEI"]
carriers = ["Courier B"]
factor = 1.5
add_h = 2

[[disruption]]
kind = "customs_delay"
from_territory = "GB"
to_territory = "EU"
modes = ["air"]
factor = 2.0
add_h = 1

[[disruption]]
kind = "site_capacity"
sites = ["MFG-LEI"]
resource = "manufacturing"
factor = 0.5

[[disruption]]
kind = "carrier_capacity"
carriers = ["Courier A"]
factor = 0.5

[[disruption]]
kind = "airspace_closure"
countries = ["NL"]
start = 2026-12-10T00:00:00Z
end = 2026-12-12T00:00:00Z

[[disruption]]
kind = "demand"
factor = 1.3
seed = 7
"""

SOLVER = """\
[weights]
unserved_penalty = 100000.0
v2v_per_h = 10.0
wait_per_h = 5.0
cost_per_eur = 0.1
risk = 2000.0
stability = 500.0

[weights.priority]
1 = 1.0
3 = 2.0
5 = 5.0

[solver]
time_limit_s = 60.0
deterministic_time_s = 10.0
seed = 0
workers = 2
relative_gap = 0.0001
quantile = 0.9
max_breach = 0.5
risk_samples = 10
pricing_rounds = 30
pricing_time_s = 5.0
"""

BUNDLE_FILES = [
    "sites.csv",
    "lanes.csv",
    "customs.csv",
    "capacity.csv",
    "holidays.csv",
    "therapies.toml",
    "network.toml",
]

HOSTILE_CELLS = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "1e-320",
    "99999999999999999999",
    "1_000",
    "0x10",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59:59+14:00",
    "2026-02-29",
    "--02-30",
    "--13-01",
    "Europe",
    "Europe/",
    "../etc/passwd",
    "John_Smith",
    "9434765919",
    "24/7",
    "Mo-Fr 25:00-26:00",
    "Su-Sa 00:00-24:00",
    "true",
    "😀",
    "x" * 5000,
    '"',
    '""',
    "'",
    ",",
    ";",
    "\n",
    "\r",
    "\x00",
    "\ufeff",
    "GB-",
    "TC-LON",
    "MFG-LEI",
]

HOSTILE_TOML = [
    "inf",
    "-inf",
    "nan",
    "+nan",
    "1e308",
    "-1e308",
    "1e400",
    "-1",
    "0",
    "10000000000000000000000",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0000001",
    "true",
    '""',
    '"x"',
    '"😀"',
    '"' + "y" * 5000 + '"',
    "{ a = 1 }",
    "{}",
    "[]",
    "[1, 2]",
    '["MFG-LEI", 3]',
    "[[1, 2], [3]]",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31",
    "00:00:00",
    '"0001-01-01T00:00:00Z"',
    '"9999-12-31T23:59:59+14:00"',
    '"2026-12-01T00:00:00"',
    '"Europe"',
    "'''multi\nline'''",
]


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


_HOSTILE_CELL = st.one_of(
    st.sampled_from(HOSTILE_CELLS),
    st.sampled_from(HOSTILE_CELLS),
    st.sampled_from(HOSTILE_CELLS),
    _TEXT,
)
_HOSTILE_TOML = st.one_of(
    st.sampled_from(HOSTILE_TOML),
    st.sampled_from(HOSTILE_TOML),
    st.sampled_from(HOSTILE_TOML),
    _TEXT,
)


def _hash(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


@cache
def _base() -> dict[str, bytes]:
    """The valid inputs, as bytes, by file name."""
    files = {p.name: p.read_bytes() for p in TINY.iterdir() if p.is_file()}
    files["network.toml"] = NETWORK_TOML.encode()
    files["scenario.toml"] = SCENARIO.encode()
    files["solver.toml"] = SOLVER.encode()
    return files


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    """One scratch folder, rewritten for each case (hypothesis runs many examples in
    one test call, so function-scoped tmp_path cannot serve)."""
    folder = Path(tempfile.mkdtemp(prefix="logistics-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_base_inputs_are_valid(work: Path) -> None:
    """The unmutated inputs read, so every failure of a mutation is the mutation's."""
    _write(work, _base())
    network = read_network(work)
    assert any(lane.generated for lane in network.lanes)
    book = read_orders(work / "orders.csv", network)
    scenario = read_scenario(work / "scenario.toml", network)
    assert len(scenario.disruptions) == 7
    apply(scenario, network, book)
    assert load_params(work / "solver.toml").quantile == 0.9


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for p in folder.iterdir():
        if p.is_file():
            p.unlink()
        else:
            shutil.rmtree(p)
    for name, data in files.items():
        (folder / name).write_bytes(data)


# --- mutations: each takes the file's bytes and a draw function, returns new bytes ---


def _cell(data: bytes, draw: Callable) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return data
    if not rows:
        return data
    header = len(rows) == 1 or draw(st.integers(0, 9)) == 0  # mostly a data row
    r = 0 if header else draw(st.integers(1, len(rows) - 1))
    c = draw(st.integers(0, max(len(rows[r]) - 1, 0)))
    value = draw(_HOSTILE_CELL)
    if rows[r]:
        rows[r][c] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogateescape")


def _toml_value(data: bytes, draw: Callable) -> bytes:
    lines = data.decode("utf-8", errors="surrogateescape").split("\n")
    keyed = [i for i, line in enumerate(lines) if "=" in line]
    if not keyed:
        return data
    i = draw(st.sampled_from(keyed))
    value = draw(_HOSTILE_TOML)
    key = lines[i].split("=", 1)[0]
    lines[i] = f"{key}= {value}"
    return "\n".join(lines).encode("utf-8", errors="surrogateescape")


def _line(data: bytes, draw: Callable) -> bytes:
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["drop", "repeat", "swap"]))
    if how == "drop":
        del lines[i]
    elif how == "repeat":
        lines.insert(i, lines[i])
    else:
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _bytes(data: bytes, draw: Callable) -> bytes:
    how = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
    if not data:
        return draw(st.binary(max_size=20))
    at = draw(st.integers(0, len(data) - 1))
    if how == "flip":
        bit = draw(st.sampled_from([0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF]))
        return data[:at] + bytes([data[at] ^ bit]) + data[at + 1 :]
    if how == "truncate":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data[:at] + data[at + draw(st.integers(1, 16)) :]


def _mutate(name: str, data: bytes, draw: Callable) -> bytes:
    value = _cell if name.endswith(".csv") else _toml_value
    kinds: list[Callable[[bytes, Callable], bytes]] = [_line, _bytes, value, value, value, value]
    for _ in range(draw(st.integers(1, 3))):  # up to three mutations of the same file
        data = draw(st.sampled_from(kinds))(data, draw)
    return data


# --- the readers of each target ---


def _sane(value: Any, seen: set[int], where: str = "result") -> None:
    """Every number a reader returns is finite and every date lies in 2000-2101 (the
    supported range, a default window's end past 2100 included)."""
    if id(value) in seen or isinstance(value, str | bytes | bool | int | type(None)):
        return
    seen.add(id(value))
    if isinstance(value, float):
        assert math.isfinite(value), f"{where} = {value!r}"
    elif isinstance(value, datetime | date):
        assert 2000 <= value.year <= 2101, f"{where} = {value!r}"
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            _sane(getattr(value, f.name), seen, f"{where}.{f.name}")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _sane(k, seen, f"{where}[{k!r}]")
            _sane(v, seen, f"{where}[{k!r}]")
    elif isinstance(value, tuple | list | frozenset | set):
        for k, v in enumerate(value):
            _sane(v, seen, f"{where}[{k}]")


def _only_input_errors(run: Callable[[], Any]) -> None:
    try:
        _sane(run(), set())
    except InputError as exc:
        assert exc.issues, "an InputError without issues"
        for issue in exc.issues:
            assert str(issue)  # formats without error


def _target(kind: str, folder: Path) -> None:
    if kind == "bundle":
        _only_input_errors(lambda: read_network(folder))
    elif kind == "orders":
        network = read_network(folder)
        _only_input_errors(lambda: read_orders(folder / "orders.csv", network))
        data = (folder / "orders.csv").read_bytes()
        _only_input_errors(lambda: read_orders(io.BytesIO(data), network))
    elif kind == "scenario":
        network = read_network(folder)
        book = read_orders(folder / "orders.csv", network)

        def scenario() -> Any:
            spec = read_scenario(folder / "scenario.toml", network)
            apply(spec, network, book)  # must not raise (open windows use sentinels)
            return spec

        _only_input_errors(scenario)
    else:
        _only_input_errors(lambda: load_params(folder / "solver.toml"))


def _run(kind: str, files: list[str], work: Path, data) -> None:
    name = data.draw(st.sampled_from(files), label="file")
    mutated = dict(_base())
    mutated[name] = _mutate(name, mutated[name], data.draw)
    _write(work, mutated)
    before = _hash(work)
    _target(kind, work)
    assert _hash(work) == before, "a reader changed its input"


def _settings(kind: str) -> settings:
    return settings(
        max_examples=max(1, round(CASES * SHARES[kind])),
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


@_settings("bundle")
@given(data=st.data())
def test_fuzz_bundle(work: Path, data) -> None:
    """A mutated bundle file: read_network returns or raises InputError, and changes
    no file."""
    _run("bundle", BUNDLE_FILES, work, data)


@_settings("orders")
@given(data=st.data())
def test_fuzz_orders(work: Path, data) -> None:
    """A mutated orders.csv: read_orders (from the path and from a byte stream)
    returns or raises InputError, and changes no file."""
    _run("orders", ["orders.csv"], work, data)


@_settings("scenario")
@given(data=st.data())
def test_fuzz_scenario(work: Path, data) -> None:
    """A mutated scenario file: read_scenario against the tiny network returns or
    raises InputError; a scenario that reads applies to the network and book."""
    _run("scenario", ["scenario.toml"], work, data)


@_settings("solver")
@given(data=st.data())
def test_fuzz_solver_toml(work: Path, data) -> None:
    """A mutated solver.toml: load_params returns or raises InputError."""
    _run("solver", ["solver.toml"], work, data)
