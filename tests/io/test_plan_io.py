"""Plan outputs: orders.csv, legs.csv, summary.json and routes.geojson, and reading
a plan folder back.

The plan is built by hand around tests/data/tiny (sites TC-LON, TC-MUC, MFG-LEI,
APT-LHR, APT-AMS): P-0001 from London is scheduled at Leiden, by road to Heathrow, a
flight to Schiphol (GB -> EU customs) and road to the plant, and back the same way
(EU -> GB customs); P-0002 from Munich is unserved. In the written orders.csv row 2 is
P-0001 and row 3 is P-0002.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics import read_network
from logistics.errors import InputError
from logistics.io.manifest import MANIFEST_FILE, write_manifest
from logistics.io.plan import (
    LEGS_FILE,
    ORDER_COLUMNS,
    ORDERS_FILE,
    PLAN_LEG_COLUMNS,
    ROUTES_FILE,
    SUMMARY_FILE,
    exact_text,
    hours_text,
    hours_up_text,
    money_text,
    read_plan,
    write_plan,
)
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.network import Network
from logistics.model.plan import Plan, PlannedOrder
from logistics.solve.result import SolveResult
from logistics.solve.stats import ObjectiveBounds, SolveStats
from logistics.solve.termination import Termination, TerminationReason

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"

CONTRACT_ORDER_COLUMNS = [
    "order_id", "therapy", "treatment_centre", "status", "apheresis_time",
    "manufacturing_site", "manufacturing_start", "manufacturing_end", "release_time",
    "delivery_time", "lymphodepletion_start", "infusion_time", "v2v_h",
    "apheresis_to_delivery_h", "cost_eur", "p_breach", "reason",
]  # fmt: skip
CONTRACT_LEG_COLUMNS = [
    "order_id", "direction", "seq", "lane_id", "carrier", "mode", "from_site", "to_site",
    "depart", "arrive", "temperature", "customs_from", "customs_to", "customs_h",
    "cost_eur", "wait_h",
]  # fmt: skip


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _leg(lane, carrier, mode, a, b, depart, arrive, temp, cost, **kw) -> Leg:
    return Leg(
        lane_id=lane, carrier=carrier, mode=mode, from_site=a, to_site=b,
        depart=_t(depart), arrive=_t(arrive), temperature=temp, cost_eur=cost, **kw,
    )  # fmt: skip


def _plan() -> Plan:
    inbound = Itinerary(
        origin="TC-LON",
        destination="MFG-LEI",
        ready=_t("2026-12-08T13:00:00"),
        temperature="2-8C",
        legs=(
            _leg("RD-LON-LHR", "Courier A", "road", "TC-LON", "APT-LHR",
                 "2026-12-08T13:30:00", "2026-12-08T15:00:00", "2-8C", 150.0),
            _leg("AIR-LHR-AMS", "Courier A", "air", "APT-LHR", "APT-AMS",
                 "2026-12-08T18:30:00", "2026-12-08T23:30:00", "2-8C", 900.0,
                 customs_from="GB", customs_to="EU", customs_h=2.0),
            _leg("RD-AMS-LEI", "Courier A", "road", "APT-AMS", "MFG-LEI",
                 "2026-12-09T00:00:00", "2026-12-09T06:00:00", "2-8C", 120.0,
                 wait_open_h=5.25),
        ),
    )  # fmt: skip
    outbound = Itinerary(
        origin="MFG-LEI",
        destination="TC-LON",
        ready=_t("2026-12-25T08:00:00"),
        temperature="LN2",
        legs=(
            _leg("RD-LEI-AMS", "Courier A", "road", "MFG-LEI", "APT-AMS",
                 "2026-12-25T08:30:00", "2026-12-25T09:15:00", "LN2", 120.0),
            _leg("AIR-AMS-LHR", "Courier A", "air", "APT-AMS", "APT-LHR",
                 "2026-12-25T18:00:00", "2026-12-25T23:20:00", "LN2", 900.0,
                 customs_from="EU", customs_to="GB", customs_h=4.333333333333333),
            _leg("RD-LHR-LON", "Courier A", "road", "APT-LHR", "TC-LON",
                 "2026-12-25T23:50:00", "2026-12-29T08:00:00", "LN2", 150.0,
                 wait_open_h=78.66666666666667),
        ),
    )  # fmt: skip
    scheduled = PlannedOrder(
        order_id="P-0001",
        therapy="cart-auto",
        treatment_centre="TC-LON",
        status="scheduled",
        apheresis_time=_t("2026-12-08T13:00:00"),
        manufacturing_site="MFG-LEI",
        manufacturing_start=_t("2026-12-09T06:00:00"),
        manufacturing_end=_t("2026-12-18T06:00:00"),
        release_time=_t("2026-12-25T08:00:00"),
        delivery_time=_t("2026-12-29T08:00:00"),
        lymphodepletion_start=_t("2026-12-30T08:00:00"),
        infusion_time=_t("2027-01-04T08:00:00"),
        cost_eur=2340.0,
        p_breach=0.0123,
        reason="outbound waits for TC-LON to reopen after Christmas",
        inbound=inbound,
        outbound=outbound,
    )
    unserved = PlannedOrder(
        order_id="P-0002",
        therapy="cart-auto",
        treatment_centre="TC-MUC",
        status="unserved",
        reason="no manufacturing slot at MFG-LEI within 48 h of apheresis, the week of 2026-12-14",
    )
    return Plan(orders=(scheduled, unserved))


def _result(plan: Plan | None) -> SolveResult:
    reason = TerminationReason.OPTIMAL if plan is not None else TerminationReason.INFEASIBLE
    return SolveResult(
        termination=Termination(reason=reason),
        engine="cp-sat",
        plan=plan,
        bounds=ObjectiveBounds(
            primal=2340.0 if plan is not None else None,
            dual=2300.0 if plan is not None else None,
        ),
        wall_s=1.23456,
        params={"time_limit_s": 60, "quantile": None, "horizon": ("2026-12-07", "2027-01-31")},
        input_hashes={"sites.csv": "ab12", "orders.csv": "cd34"},
        stats=SolveStats(
            engine="cp-sat",
            orders=2,
            candidates=3,
            capacity_rows=1,
            greedy_objective=2400.0,
            risk={"lower_bound_gap": float("nan"), "slack": float("inf"), "samples": 17},
        ),
        versions={"logistics": "0.1.0"},
    )


@pytest.fixture(scope="module")
def network() -> Network:
    """The tiny bundle."""
    return read_network(TINY)


def _records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _where(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [
        f"{i.file}:{i.row if i.row is not None else '-'}:{i.column or '-'}"
        for i in exc.value.issues
    ]


def test_files_have_the_contract_columns_in_order(tmp_path: Path, network: Network) -> None:
    """write_plan writes the four files and their manifest; orders.csv and legs.csv
    carry exactly the contract's columns in the contract's order, with the values
    formatted as documented."""
    folder = write_plan(_result(_plan()), tmp_path / "runs" / "plan", network)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [ORDERS_FILE, LEGS_FILE, SUMMARY_FILE, ROUTES_FILE, MANIFEST_FILE]
    )
    assert list(ORDER_COLUMNS) == CONTRACT_ORDER_COLUMNS
    assert list(PLAN_LEG_COLUMNS) == CONTRACT_LEG_COLUMNS

    orders = _records(folder / ORDERS_FILE)
    assert orders[0] == CONTRACT_ORDER_COLUMNS
    assert [r[0] for r in orders[1:]] == ["P-0001", "P-0002"]
    row = dict(zip(orders[0], orders[1], strict=True))
    assert row["apheresis_time"] == "2026-12-08T13:00:00Z"
    assert row["delivery_time"] == "2026-12-29T08:00:00Z"
    assert row["v2v_h"] == "643.00"  # 12-08 13:00 -> 01-04 08:00, to the infusion
    assert row["apheresis_to_delivery_h"] == "499.00"
    assert row["cost_eur"] == "2340.00"
    assert row["p_breach"] == "0.0123"
    unserved = dict(zip(orders[0], orders[2], strict=True))
    assert unserved["status"] == "unserved"
    assert unserved["apheresis_time"] == unserved["v2v_h"] == unserved["p_breach"] == ""
    assert unserved["reason"].startswith("no manufacturing slot")

    legs = _records(folder / LEGS_FILE)
    assert legs[0] == CONTRACT_LEG_COLUMNS
    rows = [dict(zip(legs[0], r, strict=True)) for r in legs[1:]]
    assert [(r["direction"], r["seq"], r["lane_id"]) for r in rows] == [
        ("inbound", "1", "RD-LON-LHR"),
        ("inbound", "2", "AIR-LHR-AMS"),
        ("inbound", "3", "RD-AMS-LEI"),
        ("outbound", "1", "RD-LEI-AMS"),
        ("outbound", "2", "AIR-AMS-LHR"),
        ("outbound", "3", "RD-LHR-LON"),
    ]
    assert {r["order_id"] for r in rows} == {"P-0001"}
    air = rows[1]
    assert (air["customs_from"], air["customs_to"], air["customs_h"]) == ("GB", "EU", "2")
    assert air["depart"] == "2026-12-08T18:30:00Z"
    assert air["cost_eur"] == "900.00"
    assert rows[0]["customs_from"] == rows[0]["customs_to"] == ""
    assert rows[0]["customs_h"] == rows[0]["wait_h"] == "0"
    assert rows[2]["wait_h"] == "5.25"


def _as_written(plan: Plan) -> Plan:
    """``plan`` with its numbers rounded as the contract writes them: euros to the cent,
    ``wait_h`` to 0.01 h and ``customs_h`` up to the next 0.01 h; times unchanged."""

    def leg(x: Leg) -> Leg:
        up = math.ceil(round(x.customs_h * 100, 6)) / 100
        return replace(
            x, cost_eur=round(x.cost_eur, 2), customs_h=up, wait_open_h=round(x.wait_open_h, 2)
        )

    def it(x: Itinerary | None) -> Itinerary | None:
        return None if x is None else replace(x, legs=tuple(leg(g) for g in x.legs))

    return Plan(
        orders=tuple(
            replace(
                o, cost_eur=round(o.cost_eur, 2), inbound=it(o.inbound), outbound=it(o.outbound)
            )
            for o in plan.orders
        )
    )


def test_round_trip_gives_an_equal_plan(tmp_path: Path, network: Network) -> None:
    """read_plan(write_plan(result)) gives back the original Plan, itineraries included,
    with hours and euros rounded as written (customs 4.333 h read back as 4.34 h), and
    summary.json's content."""
    plan = _plan()
    folder = write_plan(_result(plan), tmp_path, network)
    back, summary = read_plan(folder)
    assert back == _as_written(plan)
    assert back.orders[0].outbound.legs[1].customs_h == 4.34
    assert back.orders[0].outbound.legs[2].wait_open_h == 78.67
    assert back.orders[0].inbound == plan.orders[0].inbound
    assert back.orders[1].inbound is None and back.orders[1].outbound is None
    assert summary["status"] == "OPTIMAL"


def test_writing_again_replaces_the_files(tmp_path: Path, network: Network) -> None:
    """An existing, non-empty plan folder is fine: its files are overwritten."""
    write_plan(_result(_plan()), tmp_path, network)
    smaller = Plan(orders=_plan().orders[1:])
    write_plan(_result(smaller), tmp_path, network)
    back, _ = read_plan(tmp_path)
    assert back == _as_written(smaller)
    assert json.loads((tmp_path / ROUTES_FILE).read_text(encoding="utf-8"))["features"] == []


_START = datetime(2026, 12, 7, tzinfo=UTC)
_seconds = st.integers(min_value=0, max_value=40 * 24 * 3600)
_hours = st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
_money = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def _random_plan(draw: st.DrawFn) -> Plan:
    """The hand-built plan with random leg times (whole seconds), hours and costs."""
    base = _plan()
    scheduled = base.orders[0]
    itineraries = {}
    for direction in ("inbound", "outbound"):
        it = getattr(scheduled, direction)
        legs = []
        for leg in it.legs:
            depart = _START + timedelta(seconds=draw(_seconds))
            arrive = depart + timedelta(seconds=draw(_seconds))
            legs.append(replace(
                leg, depart=depart, arrive=arrive, customs_h=draw(_hours),
                cost_eur=draw(_money), wait_open_h=draw(_hours),
            ))  # fmt: skip
        itineraries[direction] = replace(it, legs=tuple(legs))
    p_breach = draw(st.none() | st.floats(min_value=0, max_value=1).map(lambda x: round(x, 4)))
    order = replace(
        scheduled,
        cost_eur=draw(_money),
        p_breach=p_breach,
        delivery_time=_START + timedelta(seconds=draw(_seconds)),
        **itineraries,
    )
    return Plan(orders=(order, base.orders[1]))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=_random_plan())
def test_round_trip_property(plan: Plan, tmp_path: Path, network: Network) -> None:
    """For random whole-second leg times and random float hours and costs, the plan read
    back equals the plan written, its hours and euros rounded as documented."""
    folder = write_plan(_result(plan), tmp_path / "plan", network)
    back, _ = read_plan(folder)
    assert back == _as_written(plan)


@pytest.mark.parametrize(
    "value", [0.0, 2.0, 0.1, 1 / 3, 1e-05, 1 / 3600, 123456789.123, 0.1 + 0.2, 1e16]
)
def test_number_text_reads_back_the_same_float(value: float) -> None:
    """Exact decimals parse back to the same float; hours and euros are plain decimals
    within half a cent (hours up to one cent above for customs)."""
    text = exact_text(value)
    assert "e" not in text.lower() and float(text) == value
    for text in (hours_text(value), money_text(value), hours_up_text(value)):
        assert "e" not in text.lower()
        assert len(text.partition(".")[2]) <= 2
    assert abs(float(hours_text(value)) - value) <= 0.005 + 1e-9 * value
    assert abs(float(money_text(value)) - value) <= 0.005 + 1e-9 * value
    assert -1e-9 <= float(hours_up_text(value)) - value < 0.01 + 1e-9 * value
    assert money_text(2340.0) == "2340.00"
    assert exact_text(2.0) == hours_text(2.0) == hours_up_text(2.0) == "2"


def test_summary_json(tmp_path: Path, network: Network) -> None:
    """summary.json holds the solve's status, objective, bound, gap, wall time, KPIs,
    settings and input hashes; inf and nan become null so it is strict JSON."""
    result = _result(_plan())
    write_plan(result, tmp_path, network)
    text = (tmp_path / SUMMARY_FILE).read_text(encoding="utf-8")
    summary = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    for key in ("status", "objective", "best_bound", "gap", "wall_time_s", "kpis",
                "settings", "input_hashes"):  # fmt: skip
        assert key in summary
    assert summary["status"] == "OPTIMAL"
    assert summary["objective"] == 2340.0
    assert summary["best_bound"] == 2300.0
    assert math.isclose(summary["gap"], 40 / 2340)
    assert summary["wall_time_s"] == 1.235
    assert summary["kpis"]["served"] == 1 and summary["kpis"]["unserved"] == 1
    assert summary["kpis"]["v2v_median_h"] == 643.0  # to the infusion
    assert summary["kpis"]["to_delivery_median_h"] == 499.0
    assert summary["settings"]["horizon"] == ["2026-12-07", "2027-01-31"]
    assert summary["input_hashes"] == {"sites.csv": "ab12", "orders.csv": "cd34"}
    assert summary["stats"]["risk"]["lower_bound_gap"] is None
    assert summary["stats"]["risk"]["slack"] is None
    _, read_back = read_plan(tmp_path)
    assert read_back == summary


def test_no_plan_writes_summary_and_empty_tables(tmp_path: Path, network: Network) -> None:
    """A result without a plan writes summary.json and header-only CSVs, removes a stale
    routes.geojson, and reads back as an empty plan."""
    write_plan(_result(_plan()), tmp_path, network)
    write_plan(_result(None), tmp_path, network)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [ORDERS_FILE, LEGS_FILE, SUMMARY_FILE, MANIFEST_FILE]
    )
    assert _records(tmp_path / ORDERS_FILE) == [CONTRACT_ORDER_COLUMNS]
    assert _records(tmp_path / LEGS_FILE) == [CONTRACT_LEG_COLUMNS]
    plan, summary = read_plan(tmp_path)
    assert plan == Plan(orders=())
    assert summary["status"] == "INFEASIBLE"
    assert summary["objective"] is None and summary["gap"] is None
    assert summary["kpis"] == {}


def test_routes_geojson_has_one_linestring_per_leg(tmp_path: Path, network: Network) -> None:
    """routes.geojson is a FeatureCollection with one LineString per leg, from the
    from_site's lon/lat to the to_site's, with the leg's properties, the site names and
    the order's status and breach probability."""
    plan = _plan()
    write_plan(_result(plan), tmp_path, network)
    data = json.loads((tmp_path / ROUTES_FILE).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    legs = [
        (o, direction, seq, leg)
        for o in plan.orders
        for direction, it in (("inbound", o.inbound), ("outbound", o.outbound))
        if it is not None
        for seq, leg in enumerate(it.legs, start=1)
    ]
    assert len(features) == len(legs) == 6
    for feature, (o, direction, seq, leg) in zip(features, legs, strict=True):
        a, b = network.sites[leg.from_site], network.sites[leg.to_site]
        assert feature["geometry"]["type"] == "LineString"
        assert feature["geometry"]["coordinates"] == [[a.lon, a.lat], [b.lon, b.lat]]
        props = feature["properties"]
        assert props == {
            "order_id": o.order_id,
            "direction": direction,
            "seq": seq,
            "lane_id": leg.lane_id,
            "carrier": leg.carrier,
            "mode": leg.mode,
            "from_site": leg.from_site,
            "to_site": leg.to_site,
            "depart": leg.depart.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "arrive": leg.arrive.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "temperature": leg.temperature,
            "status": o.status,
            "from_name": a.name,
            "to_name": b.name,
            "cost_eur": round(leg.cost_eur, 2),
            "customs_from": leg.customs_from,
            "customs_to": leg.customs_to,
            "customs_h": round(leg.customs_h, 2),
            "wait_h": round(leg.wait_open_h, 2),
            "p_breach": o.p_breach,
        }


def test_routes_geojson_of_a_plan_without_legs(tmp_path: Path, network: Network) -> None:
    """A plan with no legs writes a valid, empty FeatureCollection."""
    write_plan(_result(Plan(orders=_plan().orders[1:])), tmp_path, network)
    data = json.loads((tmp_path / ROUTES_FILE).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert data["features"] == []


def _set_rows(path: Path, records: list[list[str]]) -> None:
    """Rewrite a plan file and list it again in the manifest (a deliberate edit, so the
    reader's own checks are what is tested, not the manifest's)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    write_manifest(path.parent)


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    records = _records(path)
    records[row - 1][records[0].index(column)] = value
    _set_rows(path, records)


def test_bad_time_is_reported_with_file_row_and_column(tmp_path: Path, network: Network) -> None:
    """A bad time in row 3 of orders.csv raises InputError naming orders.csv, row 3 and
    the column."""
    write_plan(_result(_plan()), tmp_path, network)
    _set_cell(tmp_path / ORDERS_FILE, 3, "apheresis_time", "8 Dec 2026 13:00")
    with pytest.raises(InputError) as exc:
        read_plan(tmp_path)
    assert _where(exc) == ["orders.csv:3:apheresis_time"]
    assert "8 Dec 2026 13:00" in str(exc.value)


def test_every_problem_is_reported_at_once(tmp_path: Path, network: Network) -> None:
    """Problems in both tables are collected into one InputError: a time without an
    offset, a served order without its delivery time, a leg arriving before it
    departs, a gap in the leg numbers and a leg of an unknown order."""
    write_plan(_result(_plan()), tmp_path, network)
    orders, legs = tmp_path / ORDERS_FILE, tmp_path / LEGS_FILE
    _set_cell(orders, 2, "manufacturing_start", "2026-12-09T06:00:00")  # no offset
    _set_cell(orders, 2, "delivery_time", "")
    _set_cell(legs, 3, "arrive", "2026-12-08T18:00:00Z")  # before its 18:30 departure
    _set_cell(legs, 7, "seq", "4")  # outbound 1, 2, 4
    records = _records(legs)
    records.append(["P-9999", *records[1][1:]])  # row 8
    _set_rows(legs, records)
    with pytest.raises(InputError) as exc:
        read_plan(tmp_path)
    assert sorted(_where(exc)) == sorted([
        "orders.csv:2:manufacturing_start",
        "orders.csv:2:delivery_time",
        "legs.csv:3:arrive",
        "legs.csv:7:seq",
        "legs.csv:8:order_id",
    ])  # fmt: skip


def test_missing_files_and_broken_summary(tmp_path: Path, network: Network) -> None:
    """A missing legs.csv and a summary.json that is not JSON are both reported."""
    write_plan(_result(_plan()), tmp_path, network)
    (tmp_path / LEGS_FILE).unlink()
    (tmp_path / SUMMARY_FILE).write_text('{\n  "status": \n}\n', encoding="utf-8")
    write_manifest(tmp_path)
    with pytest.raises(InputError) as exc:
        read_plan(tmp_path)
    assert _where(exc) == ["legs.csv:-:-", "summary.json:3:-"]
    with pytest.raises(InputError) as exc:
        read_plan(tmp_path / "nowhere")
    assert "a plan folder" in str(exc.value)


def test_unknown_columns_are_a_warning(
    tmp_path: Path, network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    """An extra column a user added (a BI tool's note) is kept out and logged, not refused."""
    plan = _plan()
    write_plan(_result(plan), tmp_path, network)
    records = _records(tmp_path / ORDERS_FILE)
    _set_rows(
        tmp_path / ORDERS_FILE, [[*r, "checked" if i else "note"] for i, r in enumerate(records)]
    )
    with caplog.at_level(logging.WARNING, logger="logistics"):
        back, _ = read_plan(tmp_path)
    assert back == _as_written(plan)
    assert "orders.csv:1:note: unknown column" in caplog.text
