"""Reading one CSV file against a column schema, collecting every issue."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logistics.errors import Issue
from logistics.io.personal import column_problem

_BAD_BYTES = re.compile(r"[\udc80-\udcff]+")


class Issues:
    """Collects issues and warnings while reading a bundle or an order book."""

    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[str] = []
        self.hashes: dict[str, str] = {}

    def add(
        self, file: str, row: int | None, column: str | None, expected: str, got: str | None
    ) -> None:
        self.errors.append(Issue(file, row, column, expected, got))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass(frozen=True, slots=True)
class Col:
    """A column: ``required`` columns must exist and be filled; others fall back to
    ``default`` (a value, or a callable of the row's raw cells) when empty or absent."""

    parse: Callable[[str], Any] | None = None
    required: bool = False
    default: Any = None


@dataclass(slots=True)
class Row:
    """A data row: its 1-based row number (header = 1), parsed values and raw cells."""

    row: int
    values: dict[str, Any]
    raw: dict[str, str]
    bad: set[str] = field(default_factory=set)

    def ok(self, *columns: str) -> bool:
        """True when these columns parsed (so cross-file checks can use them)."""
        return not self.bad.intersection(columns)


def what_is(path: Path) -> str:
    """What stands at ``path`` when it is not a readable file: ``no such file``, ``a
    folder`` or ``not a regular file``."""
    if path.is_dir():
        return "a folder"
    return "not a regular file" if path.exists() else "no such file"


def check_optional(path: Path, issues: Issues) -> bool:
    """True when the optional file ``path`` is there; something else than a file (a
    folder) at its place is an issue."""
    if path.is_file():
        return True
    if path.exists():
        issues.add(path.name, None, None, "a file", what_is(path))
    return False


def read_text(path: Path, issues: Issues) -> str | None:
    """Read a file as text, keeping undecodable bytes visible; record its hash."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        issues.add(path.name, None, None, "a readable file", exc.strerror or str(exc))
        return None
    issues.hashes[path.name] = hashlib.sha256(data).hexdigest()
    text = data.decode("utf-8", errors="surrogateescape")
    return text.removeprefix("\ufeff")


def _bad_utf8(cell: str) -> str | None:
    m = _BAD_BYTES.search(cell)
    if not m:
        return None
    return "bytes " + " ".join(f"0x{ord(c) - 0xDC00:02x}" for c in m.group())


def read_csv(
    path: Path, schema: Mapping[str, Col], issues: Issues, *, closed: bool = False
) -> list[Row]:
    """Parse ``path`` with ``schema``; every problem goes to ``issues``.

    A column whose name looks like personal data is an error; another unknown column
    is a warning, or an error when the file's columns are ``closed``.
    """
    text = read_text(path, issues)
    if text is None:
        return []
    return parse_records(path.name, csv_records(path.name, text, issues), schema, issues, closed)


def csv_records(name: str, text: str, issues: Issues) -> list[list[str]]:
    """The records of CSV ``text`` (file ``name`` in issues); none when it is malformed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        issues.add(name, len(records) + 1, None, "well-formed CSV quoting", str(exc))
        return []
    if not records:
        issues.add(name, 1, None, "a header row", "an empty file")
    return records


def parse_records(
    name: str,
    records: list[list[str]],
    schema: Mapping[str, Col],
    issues: Issues,
    closed: bool = False,
) -> list[Row]:
    """Parse records (the header first) of file ``name`` with ``schema``, as read_csv."""
    if not records:
        return []
    header = [h.strip() for h in records[0]]
    if not _header_ok(name, header, schema, issues, closed):
        return []
    rows: list[Row] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            if record and len(record) == len(header):
                issues.add(name, number, None, "a data row", "an empty row")
            continue
        if len(record) != len(header):
            issues.add(
                name,
                number,
                None,
                f"{len(header)} fields as in the header",
                f"{len(record)} fields",
            )
            continue
        cells = dict(zip(header, record, strict=True))
        rows.append(_parse_row(name, number, cells, schema, issues))
    return rows


def _header_ok(
    name: str,
    header: list[str],
    schema: Mapping[str, Col],
    issues: Issues,
    closed: bool = False,
) -> bool:
    ok = True
    seen: set[str] = set()
    for column in header:
        if bad := _bad_utf8(column):
            issues.add(name, 1, column, "UTF-8 text", bad)
            ok = False
        elif column in seen:
            issues.add(name, 1, column, "each column once", "a repeated column")
            ok = False
        elif column in schema:
            pass
        elif why := column_problem(column):  # an error; its cells are never read
            issues.add(name, 1, column, why, column)
        elif closed:
            issues.add(name, 1, column, f"one of the columns {', '.join(schema)}", column)
        else:
            issues.warn(f"{name}:1:{column}: unknown column kept and ignored")
        seen.add(column)
    for column, col in schema.items():
        if col.required and column not in seen:
            issues.add(name, 1, column, f"a column '{column}'", "no such column")
            ok = False
    return ok


def _parse_row(
    name: str, number: int, raw: dict[str, str], schema: Mapping[str, Col], issues: Issues
) -> Row:
    raw = {k: v.strip() for k, v in raw.items()}
    row = Row(number, {}, raw)
    for column, cell in raw.items():
        if bad := _bad_utf8(cell):
            issues.add(name, number, column, "UTF-8 text", bad)
            row.bad.add(column)
    for column, col in schema.items():
        cell = raw.get(column, "")
        if column in row.bad:
            continue
        if cell == "":
            if col.required:
                issues.add(name, number, column, "a value", "")
                row.bad.add(column)
            else:
                row.values[column] = col.default(raw) if callable(col.default) else col.default
            continue
        try:
            row.values[column] = col.parse(cell) if col.parse else cell
        except ValueError as exc:
            issues.add(name, number, column, str(exc), cell)
            row.bad.add(column)
    return row


def check_unique(name: str, rows: list[Row], column: str, issues: Issues) -> None:
    """Report every repeated value of ``column`` (after its first row)."""
    first: dict[Any, int] = {}
    for row in rows:
        if not row.ok(column) or row.values.get(column) is None:
            continue
        key = row.values[column]
        if key in first:
            issues.add(name, row.row, column, f"a unique id (already on row {first[key]})", key)
            row.bad.add(column)
        else:
            first[key] = row.row
