"""Patient identifiers are refused (issue 15, part 3): orders.csv has a closed set of
columns, a column named like personal data is an error in every file, and order ids
must be pseudonymous (docs/data-contract.md, "No patient-identifying data")."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.io import read_network, read_orders, schemas
from logistics.io.personal import column_problem, order_id_problem

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "column",
    ["patientname", "born", "NHS No.", "e-mail", "Patient Name", "Date of Birth", "mother_dob"],
)
def test_personal_column_refused_in_orders(
    tiny: Path, cells, validate: Callable, column: str
) -> None:
    """A column named like personal data (the issue's `patientname`, `born`,
    `NHS No.`, `e-mail`) fails with exit 2 on the header row, saying why."""
    cells.add_column(tiny / "orders.csv", column, ["Jane Roe", "1970-01-01", "x"])
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert f"orders.csv:1:{column}: expected no patient-identifying column" in run.text
    assert "Traceback" not in run.text


def test_notes_column_refused_listing_allowed_columns(
    tiny: Path, cells, validate: Callable
) -> None:
    """A free-text `notes` column holding a name and a birth date is not in the closed
    set of orders.csv: exit 2, and the message lists every allowed column."""
    cells.add_column(tiny / "orders.csv", "notes", ["John Smith b. 02/03/1985", "", ""])
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert run.issues == ["orders.csv:1:notes"]
    assert f"expected one of the columns {', '.join(schemas.ORDERS)}" in run.text


@pytest.mark.parametrize("file", ["sites.csv", "lanes.csv", "capacity.csv", "customs.csv"])
def test_personal_column_refused_in_bundle_files(
    tiny: Path, cells, validate: Callable, file: str
) -> None:
    """In a bundle file an unknown column is only a warning, but one named like
    personal data (`patient_name`) is an error there too."""
    rows = cells.read_rows(tiny / file)
    cells.add_column(tiny / file, "patient_name", ["x"] * (len(rows) - 1))
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert run.issues == [f"{file}:1:patient_name"]


BAD_IDS = [
    ("John_Smith", "at least one digit"),
    ("john.smith", "at least one digit"),
    ("ANNA-BERG", "at least one digit"),
    ("jsmith@nhs.net", "e-mail"),
    ("9434765919", "national or NHS number"),
    ("943-476-5919", "national or NHS number"),
    ("P-943.476.5919", "national or NHS number"),
    ("010190-1234", "national or NHS number"),
    ("19900101-1234", "national or NHS number"),
    ("P-123456789", "national or NHS number"),
    ("1985-03-02", "date of birth"),
    ("P-19850302", "date of birth"),
    ("02.03.1985", "date of birth"),
    ("JS-02031985", "date of birth"),
    ("P" + "0" * 70, "at most 64"),
]


@pytest.mark.parametrize(("order_id", "why"), BAD_IDS)
def test_personal_order_id_refused(tiny: Path, cells, validate: Callable, order_id, why) -> None:
    """An order id that is a name, an e-mail (or its local part), a 10-digit NHS-like
    number, other national-number digits or a birth date is refused with exit 2 at
    orders.csv:2:order_id, the message saying what was recognised."""
    cells.set(tiny / "orders.csv", 2, "order_id", order_id)
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert run.issues == ["orders.csv:2:order_id"], run.text
    assert "pseudonymous order id" in run.text and why in run.text


@pytest.mark.parametrize(
    "order_id", ["ORD-000123", "P-UK-0042", "cart_17", "ORD-23-00001", "A1", "ORD-2026-000123"]
)
def test_ordinary_ids_accepted(tiny: Path, cells, order_id: str) -> None:
    """Ordinary pseudonymous ids stay valid."""
    cells.set(tiny / "orders.csv", 2, "order_id", order_id)
    book = read_orders(tiny / "orders.csv", read_network(tiny))
    assert book.orders[0].order_id == order_id


def _book_ids() -> list[tuple[str, str]]:
    """(file, id) of every order id in the repository's order books."""
    out = []
    for path in [ROOT / "examples" / "orders.csv", *sorted((ROOT / "tests").rglob("*.csv"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if rows and rows[0] and rows[0][0] == "order_id":
            out += [(str(path.relative_to(ROOT)), r[0]) for r in rows[1:] if r]
    return out


def test_repository_order_ids_are_pseudonymous() -> None:
    """Every id of examples/orders.csv and of the order books under tests/ passes the
    rules (except the one bad bundle that tests a bad id on purpose)."""
    ids = _book_ids()
    assert len(ids) > 700
    bad = [(f, i) for f, i in ids if order_id_problem(i) and "orders-id-" not in f]
    assert bad == []


@given(seed=st.integers(0, 9_999), k=st.integers(1, 100_000))
def test_make_orders_ids_are_pseudonymous(seed: int, k: int) -> None:
    """Every id `logistics make-orders` can write within its bounds (--seed 0..9999,
    --n up to 100000: ORD-<seed:02d>-<k:05d>) passes the rules."""
    assert order_id_problem(f"ORD-{seed:02d}-{k:05d}") is None


@given(
    first=st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True),
    last=st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True),
    sep=st.sampled_from(["_", ".", "-", ""]),
)
def test_name_like_ids_refused(first: str, last: str, sep: str) -> None:
    """Firstname_Lastname in any case and with any separator is refused."""
    for text in (f"{first}{sep}{last}", f"{first}{sep}{last}".lower()):
        assert order_id_problem(text) is not None


@given(
    year=st.integers(1900, 2099),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    style=st.sampled_from(["{y}-{m}-{d}", "{y}{m}{d}", "{d}.{m}.{y}", "P_{d}{m}{y}"]),
)
def test_birth_dates_refused(year: int, month: int, day: int, style: str) -> None:
    """A calendar date in an id (ISO, compact, European order) is refused."""
    text = style.format(y=f"{year:04d}", m=f"{month:02d}", d=f"{day:02d}")
    assert "date of birth" in (order_id_problem(text) or "")


@given(prefix=st.from_regex(r"[A-Z]{1,4}", fullmatch=True), number=st.integers(0, 999_999))
def test_prefix_and_sequence_number_accepted(prefix: str, number: int) -> None:
    """An id of a letter prefix and a sequence number up to 6 digits is accepted."""
    assert order_id_problem(f"{prefix}-{number:06d}") is None


@pytest.mark.parametrize(
    "column", ["order_id", "therapy", "site_name", "carrier", "notes", "ward", "comment"]
)
def test_ordinary_columns_are_not_personal(column: str) -> None:
    """Column names of the contract and harmless extras are not taken for personal
    data (in bundle files they stay warnings)."""
    assert column_problem(column) is None
