"""Every number and date of the inputs is checked against its bound (issue 15, part 2).

Each case writes one hostile value into a copy of the tiny bundle (or a scenario,
solver.toml, command-line option) and runs the CLI: exit code 2, no traceback, and
exactly one problem at the expected ``file:row:column`` whose message names the bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.io import bounds
from logistics.io.bounds import Bound
from logistics.io.parsers import timezone

HOSTILE_NUMBERS = ["inf", "-inf", "nan", "1e308", "-1e308", "abc"]


def _refused(run: Any, where: str, *words: str) -> None:
    assert run.exception is None, f"{type(run.exception).__name__}: {run.exception}"
    assert "Traceback" not in run.text and "internal error" not in run.text, run.text
    assert run.exit_code == 2, run.text
    if where.startswith("command line"):
        assert "1 problem in the input" in run.text, run.text
    else:
        assert run.issues == [where], run.text
    line = next(line for line in run.text.splitlines() if line.startswith(where + ": expected"))
    for word in words:
        assert word in line, line


CSV_CASES = [
    # (file, row, column, value, words in the message)
    ("lanes.csv", 2, "duration_h", v, ("720",))
    for v in HOSTILE_NUMBERS
] + [
    ("lanes.csv", 3, "duration_p90_h", "1e308", ("720",)),
    ("lanes.csv", 4, "lead_time_h", "nan", ("168",)),
    ("lanes.csv", 2, "capacity", "99999999999", ("10000",)),
    ("lanes.csv", 2, "capacity", "2.5", ("whole number",)),
    ("lanes.csv", 5, "cost_eur", "inf", ("10_000_000",)),
    ("lanes.csv", 9, "valid_from", "0001-01-01", ("2000-01-01",)),
    ("lanes.csv", 9, "valid_to", "9999-12-31", ("2100-12-31",)),
    ("customs.csv", 2, "clearance_median_h", "nan", ("720",)),
    ("customs.csv", 3, "clearance_p90_h", "1e308", ("720",)),
    ("customs.csv", 4, "import_release_h", "-inf", ("720",)),
    ("capacity.csv", 2, "slots", "1000000000000", ("1000",)),
    ("capacity.csv", 5, "date", "9999-12-31", ("2100-12-31",)),
    ("capacity.csv", 5, "date", "0001-01-01", ("2000-01-01",)),
    ("sites.csv", 2, "lat", "nan", ("latitude",)),
    ("sites.csv", 3, "lon", "inf", ("longitude",)),
    ("sites.csv", 2, "timezone", "Europe", ("IANA",)),
    ("sites.csv", 3, "timezone", "Europe/", ("IANA",)),
    ("sites.csv", 4, "timezone", "../etc/passwd", ("IANA",)),
    ("holidays.csv", 2, "date", "9999-12-31", ("2100-12-31",)),
    ("orders.csv", 2, "apheresis_earliest", "0001-01-01", ("2000-01-01",)),
    ("orders.csv", 2, "apheresis_earliest", "9999-12-31", ("2100-12-31",)),
    ("orders.csv", 3, "apheresis_latest", "9999-12-31T10:00", ("2100-12-31",)),
    ("orders.csv", 4, "committed_apheresis", "0001-01-01T00:30", ("2000-01-01",)),
]


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "words"),
    CSV_CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CSV_CASES],
)
def test_csv_number_or_date_out_of_bounds(
    tiny: Path, cells, validate: Callable, file, row, column, value, words
) -> None:
    """A non-finite, huge, negative, non-numeric or out-of-range value (or a date
    outside 2000-2100, or a time-zone folder) in one CSV cell is refused with exit 2 at
    that cell, and the message states the bound; the bundle is left unchanged."""
    cells.set(tiny / file, row, column, value)
    before = (tiny / file).read_bytes()
    _refused(validate(tiny, tiny / "orders.csv"), f"{file}:{row}:{column}", *words)
    assert (tiny / file).read_bytes() == before


THERAPY_LINES = {
    "inbound_max_h": 4,
    "manufacturing_days": 5,
    "release_days": 6,
    "outbound_max_h": 8,
    "infusion_prep_days": 9,
}
TOML_VALUES = ["inf", "nan", "-inf", "1e308", '"48"', "{ a = 1 }", "[1, 2]", "true"]
THERAPY_CASES = [(k, v) for k in THERAPY_LINES for v in TOML_VALUES] + [
    ("manufacturing_days", "1000000000000000000"),
    ("release_days", "7.5"),
    ("infusion_prep_days", "-1"),
]


@pytest.mark.parametrize(("key", "value"), THERAPY_CASES)
def test_therapy_number_out_of_bounds(tiny: Path, validate: Callable, key, value) -> None:
    """therapies.toml: inf, nan, a huge number, a string, a table, an array or a boolean
    where a number of hours or days belongs is refused at its line and key, naming the
    bound (a whole number of days, hours up to a stated maximum)."""
    path = tiny / "therapies.toml"
    text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", path.read_text())
    path.write_text(text)
    bound = bounds.THERAPY[key]
    where = f"therapies.toml:{THERAPY_LINES[key]}:therapy.cart-auto.{key}"
    _refused(validate(tiny, tiny / "orders.csv"), where, bound.expected())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("dropout_per_day", "nan"),
        ("dropout_per_day", "0.9"),
        ("hold_cv", "inf"),
        ("lymphodepletion_before_delivery_h", "nan"),
    ],
)
def test_optional_therapy_number_out_of_bounds(tiny: Path, validate: Callable, key, value) -> None:
    """An optional therapy number (a probability, a coefficient of variation, hours)
    that is not finite or out of range is refused at the line that sets it."""
    path = tiny / "therapies.toml"
    path.write_text(path.read_text() + f"{key} = {value}\n")
    _refused(validate(tiny, tiny / "orders.csv"), f"therapies.toml:12:therapy.cart-auto.{key}")


NETWORK_CASES = [
    ("speed_kmh", v) for v in ("inf", "nan", "1e308", "0", '"fast"', "{ x = 1 }", "[70]", "true")
] + [
    ("max_km", "nan"),
    ("circuity", "0.5"),
    ("p90_factor", "1e308"),
    ("max_driving_h", "-inf"),
    ("cost_per_km_eur", "inf"),
]


@pytest.mark.parametrize(("key", "value"), NETWORK_CASES)
def test_network_toml_number_out_of_bounds(tiny: Path, validate: Callable, key, value) -> None:
    """network.toml [roads]: a non-finite, huge, zero, non-numeric number is refused at
    its line, naming the bound; no road leg is generated from it."""
    (tiny / "network.toml").write_text(f"[roads]\ngenerate = true\n{key} = {value}\n")
    bound = bounds.NETWORK_TOML[f"roads.{key}"]
    _refused(validate(tiny, tiny / "orders.csv"), f"network.toml:3:roads.{key}", bound.expected())


@pytest.mark.parametrize("value", ["nan", "inf", "1.5", '"often"', "{ p = 1 }"])
def test_cancel_probability_out_of_bounds(tiny: Path, validate: Callable, value) -> None:
    """network.toml [risk]: a cancellation probability that is not a number below 1 is
    refused."""
    (tiny / "network.toml").write_text(f"[risk]\ncancel_probability = {{ air = {value} }}\n")
    _refused(validate(tiny, tiny / "orders.csv"), "network.toml:2:risk.cancel_probability.air")


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    return path


SCENARIO_CASES = [
    # (body, line, key, words)
    ('[[disruption]]\nkind = "demand"\nfactor = 1e9\n', 3, "disruption[1].factor", ("10",)),
    ('[[disruption]]\nkind = "demand"\nfactor = nan\n', 3, "disruption[1].factor", ("10",)),
    ('[[disruption]]\nkind = "demand"\nfactor = inf\n', 3, "disruption[1].factor", ("10",)),
    ('[[disruption]]\nkind = "demand"\nfactor = 2\nseed = -1\n', 4, "disruption[1].seed", ()),
    ('[[disruption]]\nkind = "lane_delay"\nfactor = 1e308\n', 3, "disruption[1].factor", ()),
    ('[[disruption]]\nkind = "lane_delay"\nadd_h = 1e308\n', 3, "disruption[1].add_h", ("720",)),
    ('[[disruption]]\nkind = "lane_delay"\nadd_h = "3"\n', 3, "disruption[1].add_h", ("720",)),
    (
        '[[disruption]]\nkind = "site_capacity"\nsites = ["MFG-LEI"]\n'
        'resource = "manufacturing"\nfactor = { x = 1 }\n',
        5,
        "disruption[1].factor",
        (),
    ),
    ('start = "0001-01-01T00:00:00Z"\n', 1, "start", ("2000-01-01",)),
    ('end = "9999-12-31T23:00:00Z"\n', 1, "end", ("2100-12-31",)),
    ("start = 0001-01-01T00:00:00Z\n", 1, "start", ("2000-01-01",)),
    (
        '[[disruption]]\nkind = "close_lanes"\nmodes = ["air"]\nend = 9999-12-31T00:00:00Z\n',
        4,
        "disruption[1].end",
        ("2100-12-31",),
    ),
]


@pytest.mark.parametrize(("body", "line", "key", "words"), SCENARIO_CASES)
def test_scenario_value_out_of_bounds(
    tiny: Path, tmp_path: Path, cli: Callable, body, line, key, words
) -> None:
    """`logistics scenarios run` refuses a scenario whose factor is not finite or above
    its bound (a demand factor of 1e9 would add a billion orders), whose add_h or seed is
    out of range, or whose window lies outside 2000-2100: exit 2 before any solve."""
    spec = _scenario(tmp_path, body)
    run = cli(
        "scenarios",
        "run",
        str(spec),
        "--network",
        str(tiny),
        "--orders",
        str(tiny / "orders.csv"),
        "--out",
        str(tmp_path / "out"),
    )
    _refused(run, f"bad.toml:{line}:{key}", *words)
    assert not (tmp_path / "out").exists()


SOLVER_CASES = [
    ("[solver]\ntime_limit_s = inf\n", 2, "solver.time_limit_s"),
    ("[solver]\ntime_limit_s = nan\n", 2, "solver.time_limit_s"),
    ("[solver]\nworkers = 1000000\n", 2, "solver.workers"),
    ("[solver]\nseed = 1.5\n", 2, "solver.seed"),
    ('[solver]\nrisk_samples = "many"\n', 2, "solver.risk_samples"),
    ("[solver]\npricing_rounds = 1e308\n", 2, "solver.pricing_rounds"),
    ("[weights]\nrisk = inf\n", 2, "weights.risk"),
    ("[weights.priority]\n3 = nan\n", 2, "weights.priority.3"),
    ("weights = 3\n", 1, "weights"),
]


@pytest.mark.parametrize(("body", "line", "key"), SOLVER_CASES)
def test_solver_toml_out_of_bounds(
    tiny: Path, tmp_path: Path, cli: Callable, body, line, key
) -> None:
    """`logistics plan --config` refuses a solver.toml number that is not finite, out of
    its range or of the wrong type, at its line and key, before solving."""
    config = tmp_path / "solver.toml"
    config.write_text(body)
    run = cli(
        "plan",
        "--network",
        str(tiny),
        "--orders",
        str(tiny / "orders.csv"),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "out"),
    )
    _refused(run, f"solver.toml:{line}:{key}")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--n", "1000000000"), ("--n", "0"), ("--days", "100000"), ("--seed", "123456789")],
)
def test_make_orders_counts_bounded(tmp_path: Path, cli: Callable, option, value) -> None:
    """make-orders refuses a count beyond its bound (a billion orders would run without
    end) with exit 2 naming the option, and writes nothing."""
    out = tmp_path / "orders.csv"
    run = cli("make-orders", "--out", str(out), option, value)
    _refused(run, f"command line:-:{option}", str(bounds.CLI[f"make-orders {option}"].expected()))
    assert not out.exists()


def test_route_alternatives_bounded(tiny: Path, cli: Callable) -> None:
    """`logistics route --alternatives` beyond its bound is refused with exit 2."""
    run = cli(
        "route",
        "TC-LON",
        "MFG-LEI",
        "--depart",
        "2026-12-07T13:00",
        "--temperature",
        "2-8C",
        "--alternatives",
        "1000000",
        "--network",
        str(tiny),
    )
    _refused(run, "command line:-:--alternatives")


def test_route_depart_outside_supported_dates(tiny: Path, cli: Callable) -> None:
    """`logistics route --depart 9999-12-31T23:00` is refused (exit 2), not an overflow."""
    run = cli(
        "route",
        "TC-LON",
        "MFG-LEI",
        "--depart",
        "9999-12-31T23:00",
        "--temperature",
        "2-8C",
        "--network",
        str(tiny),
    )
    _refused(run, "command line:-:--depart", "2100-12-31")


@given(
    low=st.integers(-1000, 1000),
    span=st.integers(0, 1000),
    open_=st.booleans(),
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**30), 10**30),
        st.booleans(),
        st.text(max_size=3),
        st.none(),
    ),
)
def test_bound_accepts_exactly_its_range(low, span, open_, value) -> None:
    """Bound.problem is None exactly for finite numbers (not booleans) in
    [low, high] (low excluded when open); check returns the number or raises ValueError
    with the range."""
    bound = Bound(float, low, low + span, low_open=open_)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    inside = (
        number
        and value == value
        and abs(value) != float("inf")
        and (low < value if open_ else low <= value)
        and value <= low + span
    )
    assert (bound.problem(value) is None) == inside
    if inside:
        assert bound.check(value) == float(value)
    else:
        with pytest.raises(ValueError, match=re.escape(bound.expected())):
            bound.check(value)


def test_every_zone_of_the_default_bundle_is_a_zone() -> None:
    """Real IANA zones pass; folder names and paths do not."""
    assert timezone("Europe/Paris") == "Europe/Paris"
    for bad in ("Europe", "America", "Europe/", "/etc/localtime", "", "europe/paris"):
        with pytest.raises(ValueError):
            timezone(bad)


def test_read_scenario_raises_input_error_only(tmp_path: Path) -> None:
    """read_scenario on a huge demand factor raises InputError (not a later overflow)."""
    from logistics.scenarios import read_scenario

    spec = _scenario(tmp_path, '[[disruption]]\nkind = "demand"\nfactor = 1e300\n')
    with pytest.raises(InputError) as exc:
        read_scenario(spec)
    assert [i.column for i in exc.value.issues] == ["disruption[1].factor"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--time-limit", "inf"), ("--time-limit", "nan"), ("--seed", "99999999999")],
)
def test_plan_options_bounded(tiny: Path, tmp_path: Path, cli: Callable, option, value) -> None:
    """`logistics plan` refuses a non-finite time limit or a seed beyond its bound with
    exit 2 naming the option, before solving (no plan folder is written)."""
    out = tmp_path / "out"
    args = ["--network", str(tiny), "--orders", str(tiny / "orders.csv"), "--out", str(out)]
    run = cli("plan", *args, option, value)
    _refused(run, f"command line:-:{option}")
    assert not out.exists()
