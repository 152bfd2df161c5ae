"""Reading valid bundles and order books: counts, defaults, encodings and time zones.

Edited bundles are private copies of tests/data/tiny (the ``tiny`` fixture). Sites of
tiny: row 2 TC-LON, 3 TC-MUC (Munich), 4 MFG-LEI, 5 APT-LHR, 6 APT-AMS. Lanes: row 2
AIR-LHR-AMS (air), 4 RD-LON-LHR (road), 8 RD-MUC-LEI (road, 10 h). Orders: row 2 P-0001
(London), 3 P-0002 (Munich, no apheresis_latest), 4 P-0003 (Munich, committed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics.errors import InputError
from logistics.io import default_bundle, read_network, read_orders, schemas
from logistics.model.calendar import OpeningHours

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
MUNICH = ZoneInfo("Europe/Berlin")


def _issues(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [
        f"{i.file}:{i.row if i.row is not None else '-'}:{i.column or '-'}"
        for i in exc.value.issues
    ]


def test_tiny_bundle_reads() -> None:
    """The tiny bundle and its orders read without problems, with the listed counts."""
    network = read_network(TINY)
    assert len(network.sites) == 5
    assert len(network.lanes) == 8  # no network.toml: no generated road legs
    assert not any(lane.generated for lane in network.lanes)
    assert set(network.therapies) == {"cart-auto"}
    assert len(network.customs) == 4
    assert {s.territory for s in network.sites.values()} == {"EU", "GB"}
    book = read_orders(TINY / "orders.csv", network)
    assert [o.order_id for o in book.orders] == ["P-0001", "P-0002", "P-0003"]


def test_tiny_bundle_validates_on_the_command_line(validate: Callable) -> None:
    """`logistics validate tiny --orders tiny/orders.csv` exits 0 and reports nothing."""
    run = validate(TINY, TINY / "orders.csv")
    assert run.exit_code == 0, run.text
    assert run.issues == []


def test_airport_without_opening_hours_is_always_open(tiny: Path, cells) -> None:
    """An airport with empty opening_hours and ph_open is open 24/7 and on public
    holidays; another site with them empty gets Mo-Fr 08:00-18:00 and closes on them."""
    cells.set(tiny / "sites.csv", 5, "opening_hours", "")
    cells.set(tiny / "sites.csv", 5, "ph_open", "")
    cells.set(tiny / "sites.csv", 4, "opening_hours", "")
    cells.set(tiny / "sites.csv", 4, "ph_open", "")
    sites = read_network(tiny).sites
    airport = sites["APT-LHR"].calendar
    assert airport.opening_hours == OpeningHours.parse("24/7")
    assert airport.ph_open is True
    plant = sites["MFG-LEI"].calendar
    assert plant.opening_hours == OpeningHours.parse("Mo-Fr 08:00-18:00")
    assert plant.ph_open is False


def test_lane_defaults(tiny: Path, cells) -> None:
    """Empty lead_time_h is 2 h for air and 0.5 h otherwise; an empty duration_p90_h is
    duration_h x 1.15."""
    lanes_csv = tiny / "lanes.csv"
    cells.set(lanes_csv, 2, "lead_time_h", "")
    cells.set(lanes_csv, 4, "lead_time_h", "")
    cells.set(lanes_csv, 8, "duration_p90_h", "")
    lanes = read_network(tiny).lane_by_id
    assert lanes["AIR-LHR-AMS"].lead_time_h == pytest.approx(2.0)
    assert lanes["RD-LON-LHR"].lead_time_h == pytest.approx(0.5)
    assert lanes["RD-MUC-LEI"].duration_p90_h == pytest.approx(11.5)


def test_date_window_spans_local_days_and_latest_defaults_to_a_week() -> None:
    """A date as apheresis_earliest starts at local midnight of the centre (Munich
    2026-12-07 -> 2026-12-06T23:00Z); an empty apheresis_latest is the end of the local
    day 7 days later (2026-12-14 in Munich)."""
    network = read_network(TINY)
    order = {o.order_id: o for o in read_orders(TINY / "orders.csv", network).orders}["P-0002"]
    assert order.apheresis_earliest == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    latest = order.apheresis_latest
    assert latest.astimezone(MUNICH).date() == date(2026, 12, 14)
    span = latest - order.apheresis_earliest
    assert timedelta(days=8) - timedelta(seconds=1) <= span <= timedelta(days=8)


def test_latest_default_uses_the_local_day_of_a_datetime_with_offset(tiny: Path, cells) -> None:
    """Earliest 2026-12-07T23:30Z is already 2026-12-08 in Munich: the default latest is
    the end of 2026-12-15 local, not of 2026-12-14."""
    cells.set(tiny / "orders.csv", 3, "apheresis_earliest", "2026-12-07T23:30:00Z")
    network = read_network(tiny)
    order = {o.order_id: o for o in read_orders(tiny / "orders.csv", network).orders}["P-0002"]
    assert order.apheresis_earliest == datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    assert order.apheresis_latest.astimezone(MUNICH).date() == date(2026, 12, 15)


def test_committed_apheresis_without_offset_is_local_time() -> None:
    """committed_apheresis 2026-12-01T13:00 at the Munich centre (CET, UTC+1) is
    12:00Z."""
    network = read_network(TINY)
    order = {o.order_id: o for o in read_orders(TINY / "orders.csv", network).orders}["P-0003"]
    assert order.committed_apheresis == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert order.committed_site == "MFG-LEI"


def test_committed_apheresis_with_offset_keeps_it(tiny: Path, cells) -> None:
    """An explicit offset wins over the centre's zone: 13:00Z stays 13:00Z."""
    cells.set(tiny / "orders.csv", 4, "committed_apheresis", "2026-12-01T13:00Z")
    network = read_network(tiny)
    order = {o.order_id: o for o in read_orders(tiny / "orders.csv", network).orders}["P-0003"]
    assert order.committed_apheresis == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


def test_unknown_extra_column_is_a_warning(tiny: Path, cells, validate: Callable) -> None:
    """An extra column nobody knows is kept and ignored with a warning naming it, never
    an error, in a bundle file."""
    cells.add_column(tiny / "lanes.csv", "notes", ["x"] * 8)
    network = read_network(tiny)
    assert len(network.lanes) == 8
    assert any(w.startswith("lanes.csv:1:notes:") for w in network.warnings)
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 0, run.text


def test_unknown_order_column_is_an_error(tiny: Path, cells, validate: Callable) -> None:
    """orders.csv has a closed set of columns: an unknown one (`ward`) fails with exit
    code 2 on the header row, and the message lists every allowed column."""
    cells.add_column(tiny / "orders.csv", "ward", ["7", "8", "9"])
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert run.issues == ["orders.csv:1:ward"]
    for column in schemas.ORDERS:
        assert column in run.text


def test_byte_order_mark_is_accepted(tiny: Path) -> None:
    """A UTF-8 byte order mark at the start of a CSV (as Excel writes it) is not part of
    the first column's name."""
    for name in ("sites.csv", "orders.csv"):
        path = tiny / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    network = read_network(tiny)
    assert "TC-LON" in network.sites
    assert len(read_orders(tiny / "orders.csv", network).orders) == 3


def test_quoted_newline_keeps_record_numbers(tiny: Path, cells) -> None:
    """A quoted cell spanning two lines is one record: a fault in the record after it
    is reported on its record number (4), not on its line number (5)."""
    sites_csv = tiny / "sites.csv"
    cells.set(sites_csv, 2, "name", "London teaching\nhospital")
    cells.set(sites_csv, 4, "lat", "95")
    assert sites_csv.read_text(encoding="utf-8").count("\n") == 7  # 6 records, 7 lines
    with pytest.raises(InputError) as exc:
        read_network(tiny)
    assert _issues(exc) == ["sites.csv:4:lat"]


def test_quoted_newline_alone_is_valid(tiny: Path, cells) -> None:
    """A quoted multi-line name is read as written."""
    cells.set(tiny / "sites.csv", 2, "name", "London teaching\nhospital")
    assert read_network(tiny).sites["TC-LON"].name == "London teaching\nhospital"


@pytest.mark.parametrize("column", ["patient_name", "dob", "NHS Number", "birth_date"])
def test_identifying_column_is_refused(tiny: Path, cells, validate: Callable, column: str) -> None:
    """A column that would carry patient-identifying data makes the run fail with exit
    code 2, and the problem names that column on the header row."""
    cells.add_column(tiny / "orders.csv", column, ["a", "b", "c"])
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert "Traceback" not in run.text
    assert run.issues == [f"orders.csv:1:{column}"]
    assert "identifying" in run.text


def test_default_bundle_is_the_embedded_one() -> None:
    """read_network() without a path reads the embedded data/europe bundle (skipped
    while that bundle has no sites.csv)."""
    source = Path(__file__).resolve().parents[2] / "data" / "europe"
    if not (source / "sites.csv").is_file():
        pytest.skip("data/europe/sites.csv does not exist yet")
    assert default_bundle().name == "europe"
    network = read_network()
    assert network.sites
    assert Path(network.source).resolve() == default_bundle().resolve()
