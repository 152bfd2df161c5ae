"""One set of order rules, whatever the way in: orders.csv on disk, a text or bytes
stream, a pandas DataFrame, or Orders built in code (checked at construction and by
``validate_orders``, which ``solve`` calls first). Each bad order gives the same
Issue (column, expected) by every route."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import logistics as lg
from logistics.errors import InputError
from logistics.model.orders import Order, OrderBook

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
HEADER = [
    "order_id",
    "therapy",
    "treatment_centre",
    "apheresis_earliest",
    "apheresis_latest",
    "priority",
    "status",
    "committed_site",
    "committed_apheresis",
]
GOOD_ROW = {
    "order_id": "P-0001",
    "therapy": "cart-auto",
    "treatment_centre": "TC-LON",
    "apheresis_earliest": "2026-12-07T13:00:00+00:00",
    "apheresis_latest": "2026-12-11T13:00:00+00:00",
    "priority": "3",
    "status": "new",
    "committed_site": "",
    "committed_apheresis": "",
}
BOOKED = {"status": "committed", "committed_apheresis": "2026-12-01T13:00:00+00:00"}
WINDOW = "a time on or after apheresis_earliest"

# (case id, cells changed in the good row, the issue every route must report)
CASES = [
    ("unknown-therapy", {"therapy": "nope"}, ("therapy", "a therapy of therapies.toml")),
    (
        "unknown-centre",
        {"treatment_centre": "TC-X"},
        ("treatment_centre", "a site_id from sites.csv"),
    ),
    (
        "centre-not-a-treatment-centre",
        {"treatment_centre": "MFG-LEI"},
        ("treatment_centre", "a site of kind treatment_centre"),
    ),
    (
        "window-reversed",
        {
            "apheresis_earliest": "2026-12-10T13:00:00+00:00",
            "apheresis_latest": "2026-12-08T13:00:00+00:00",
        },
        ("apheresis_latest", WINDOW),
    ),
    (
        "priority-out-of-range",
        {"priority": "7"},
        ("priority", "a priority from 1 (routine) to 5 (most urgent)"),
    ),
    (
        "unknown-status",
        {"status": "pending"},
        ("status", "one of new, committed, collected, manufacturing, shipped, infused, cancelled"),
    ),
    (
        "order-id-not-an-identifier",
        {"order_id": "P 1"},
        ("order_id", "an identifier of letters, digits, '_', '.' or '-'"),
    ),
    (
        "booked-without-site",
        BOOKED,
        ("committed_site", "the booked manufacturing site (status is committed)"),
    ),
    (
        "booked-without-apheresis",
        {"status": "committed", "committed_site": "MFG-LEI"},
        ("committed_apheresis", "the booked apheresis time (status is committed)"),
    ),
    (
        "committed-site-not-a-manufacturing-site",
        {**BOOKED, "committed_site": "TC-MUC"},
        ("committed_site", "a manufacturing_site from sites.csv"),
    ),
]


@pytest.fixture(scope="module")
def net():
    """The tiny bundle."""
    return lg.read_network(TINY)


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([[r[c] for c in HEADER] for r in rows])
    return buffer.getvalue()


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The rows as a DataFrame a user would build: integer priorities, timestamps,
    missing values as None."""

    def typed(column: str, cell: str):
        if cell == "":
            return None
        if column == "priority" and cell.isdigit():
            return int(cell)
        if "apheresis" in column:
            return pd.Timestamp(cell)
        return cell

    return pd.DataFrame([{c: typed(c, r[c]) for c in HEADER} for r in rows], columns=HEADER)


def _code(row: dict[str, str]) -> dict:
    """The Order fields of a CSV row, as a developer would write them."""
    fields: dict = {c: (row[c] or None) for c in HEADER}
    fields["priority"] = int(row["priority"]) if row["priority"].isdigit() else row["priority"]
    for c in ("apheresis_earliest", "apheresis_latest", "committed_apheresis"):
        if fields[c] is not None:
            fields[c] = datetime.fromisoformat(fields[c])
    return fields


def _issues(read) -> set[tuple[str | None, str]]:
    with pytest.raises(InputError) as info:
        read()
    return {(i.column, i.expected) for i in info.value.issues}


def _routes(net, tmp_path: Path, rows: list[dict[str, str]]) -> dict[str, object]:
    """Each way in for ``rows``: a callable reading (or building and validating) them."""
    text = _csv(rows)
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")

    def code():
        book = OrderBook(orders=tuple(Order(**_code(r)) for r in rows))
        lg.validate_orders(book, net)

    return {
        "file": lambda: lg.read_orders(path, net),
        "text-stream": lambda: lg.read_orders(io.StringIO(text), net),
        "bytes-stream": lambda: lg.read_orders(io.BytesIO(text.encode()), net),
        "dataframe": lambda: lg.read_orders(_frame(rows), net),
        "code": code,
    }


def test_good_row_is_read_by_every_route(net, tmp_path):
    """The good row gives one equal Order by every route (and no issue)."""
    routes = _routes(net, tmp_path, [GOOD_ROW])
    books = {name: route() for name, route in routes.items() if name != "code"}
    built = Order(**_code(GOOD_ROW))
    for name, book in books.items():
        assert book.orders == (built,), name


@pytest.mark.parametrize(("cells", "issue"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_order_same_issue_by_every_route(net, tmp_path, cells, issue):
    """A bad order raises InputError with the same (column, expected) issue whether it
    comes from a CSV file, a text or bytes stream, a DataFrame or is built in code."""
    routes = _routes(net, tmp_path, [{**GOOD_ROW, **cells}])
    found = {name: _issues(route) for name, route in routes.items()}
    for name, issues in found.items():
        assert issue in issues, (name, issues)
    assert len({frozenset(v) for v in found.values()}) == 1, found


def test_duplicate_ids_same_issue_and_row(net, tmp_path):
    """Two orders with one id: every route names the second at row 3 (header = 1) as
    'a unique id (already on row 2)'."""
    routes = _routes(net, tmp_path, [GOOD_ROW, GOOD_ROW])
    for name, route in routes.items():
        with pytest.raises(InputError) as info:
            route()
        rows = {(i.row, i.column, i.expected) for i in info.value.issues}
        assert rows == {(3, "order_id", "a unique id (already on row 2)")}, name


def test_issue_files_name_the_route(net, tmp_path):
    """Issues name orders.csv, <stream>, <DataFrame> or <code> as their file."""
    routes = _routes(net, tmp_path, [{**GOOD_ROW, "therapy": "nope"}])
    expected = {
        "file": "orders.csv",
        "text-stream": "<stream>",
        "bytes-stream": "<stream>",
        "dataframe": "<DataFrame>",
        "code": "<code>",
    }
    for name, route in routes.items():
        with pytest.raises(InputError) as info:
            route()
        assert {i.file for i in info.value.issues} == {expected[name]}, name


def test_tiny_book_same_by_path_stream_and_dataframe(net):
    """The tiny orders.csv read from its path, as a stream and through pandas.read_csv
    (NaN for empty cells, integer priorities, date strings) gives the same orders."""
    path = TINY / "orders.csv"
    by_path = lg.read_orders(path, net)
    with path.open(encoding="utf-8") as stream:
        by_stream = lg.read_orders(stream, net)
    by_frame = lg.read_orders(pd.read_csv(path), net)
    assert by_path.orders == by_stream.orders == by_frame.orders
    assert by_stream.source == "<stream>" and by_frame.source == "<DataFrame>"
    assert by_path.sha256 == by_stream.sha256


def test_naive_datetime_in_code_is_an_input_error():
    """An Order built in code with a naive datetime raises InputError naming the column
    (a CSV cell without offset is the centre's local time, so only code can do this)."""
    fields = _code(GOOD_ROW)
    fields["apheresis_earliest"] = datetime(2026, 12, 7, 13)
    assert _issues(lambda: Order(**fields)) == {
        ("apheresis_earliest", "an aware datetime (with a UTC offset)")
    }


def test_solve_validates_the_book_first(net):
    """solve() on a book built in code with an unknown centre raises InputError with the
    reader's issue, before any candidate is built (not a TypeError deep inside)."""
    order = Order(**_code(GOOD_ROW))
    book = OrderBook(orders=(dataclasses.replace(order, treatment_centre="TC-X"),))
    issues = _issues(lambda: lg.solve(net, book, lg.SolveParams(workers=1, time_limit_s=5)))
    assert issues == {("treatment_centre", "a site_id from sites.csv")}


def test_code_books_get_utc_times():
    """Aware datetimes in another offset are stored as UTC (the model's convention)."""
    fields = _code(GOOD_ROW)
    fields["apheresis_earliest"] = datetime.fromisoformat("2026-12-07T14:00:00+01:00")
    order = Order(**fields)
    assert order.apheresis_earliest.tzinfo is UTC
    assert order.apheresis_earliest == datetime(2026, 12, 7, 13, tzinfo=UTC)


def test_identifying_column_refused_by_every_route(net, tmp_path):
    """A column that looks like patient data (here ``dob``) is refused the same way in
    a CSV file, a stream and a DataFrame: header row 1, the column named."""
    header, row = _csv([GOOD_ROW]).splitlines()
    text = f"{header},dob\n{row},1970-01-01\n"
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    frame = _frame([GOOD_ROW]).assign(dob="1970-01-01")
    routes = {
        "file": lambda: lg.read_orders(path, net),
        "stream": lambda: lg.read_orders(io.StringIO(text), net),
        "dataframe": lambda: lg.read_orders(frame, net),
    }
    for name, route in routes.items():
        with pytest.raises(InputError) as info:
            route()
        assert [(i.row, i.column) for i in info.value.issues] == [(1, "dob")], name
