"""Reading and validating an order book against a network.

``read_orders`` takes orders.csv as a path, a text (or bytes) stream or a pandas
DataFrame; all three go through the same rules and give the same issues (the file
named as the path's name, ``<stream>`` or ``<DataFrame>``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeAlias
from zoneinfo import ZoneInfo

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io import schemas
from logistics.io.order_checks import network_problems
from logistics.io.table import (
    Issues,
    Row,
    check_unique,
    csv_records,
    parse_records,
    read_text,
    what_is,
)
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook, order_problems

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("logistics")
OrderSource: TypeAlias = "str | Path | IO[str] | IO[bytes] | pd.DataFrame | None"
_FIELDS = ("order_id", "therapy", "treatment_centre", "priority", "status", "committed_site")


def default_orders() -> Path:
    """The embedded example order book."""
    return embedded_path("logistics._examples", "orders.csv")


def read_orders(source: OrderSource, network: Network) -> OrderBook:
    """Read and validate an order book (the orders.csv contract) against ``network``.

    ``source`` is a path to orders.csv (None: the packaged example book), a readable
    text or bytes stream of its content, or a pandas DataFrame with its columns (a
    ``datetime.date`` or date string spans that local day, a Timestamp is an instant,
    naive ones in the centre's local time). Returns the OrderBook; raises InputError
    listing every issue (file, row, column, expected).
    """
    issues = Issues()
    name, records, source_name = _records(source, issues)
    rows = parse_records(name, records, schemas.ORDERS, issues, closed=True)
    check_unique(name, rows, "order_id", issues)
    orders = [order for row in rows if (order := _order(name, row, network, issues))]
    if issues.errors:
        raise InputError(issues.errors)
    for message in issues.warnings:
        log.warning(message)
    digest = issues.hashes.get(name, "")
    return OrderBook(orders=tuple(orders), source=source_name, sha256=digest)


def _records(source: OrderSource, issues: Issues) -> tuple[str, list[list[str]], str]:
    """(file name for issues, CSV records, source for the book) of any ``source``."""
    if source is None or isinstance(source, str | Path):
        path = Path(source) if source is not None else default_orders()
        if not path.is_file():
            raise InputError([Issue(str(path), None, None, "an orders CSV file", what_is(path))])
        text = read_text(path, issues)
        records = [] if text is None else csv_records(path.name, text, issues)
        return path.name, records, str(path)
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, bytes):
            data = data.decode("utf-8", errors="surrogateescape")
        text = data.removeprefix("\ufeff")
        name = "<stream>"
        issues.hashes[name] = _sha256(text)
        return name, csv_records(name, text, issues), name
    if hasattr(source, "itertuples") and hasattr(source, "columns"):
        name = "<DataFrame>"
        records = [[str(c) for c in source.columns]]
        records += [[_cell(v) for v in row] for row in source.itertuples(index=False)]
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(records)
        issues.hashes[name] = _sha256(buffer.getvalue())
        return name, records, name
    raise TypeError(f"read_orders takes a path, a stream or a DataFrame, not {type(source)}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()


def _cell(value: Any) -> str:
    """A DataFrame cell as the text of a CSV cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ in ("NaTType", "NAType"):
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _order(name: str, row: Row, network: Network, issues: Issues) -> Order | None:
    """The Order of one parsed row, or None after adding its issues to ``issues``."""
    v = row.values
    ids = {c: v[c] for c in ("therapy", "treatment_centre", "committed_site") if row.ok(c)}
    for column, expected, got in network_problems(network, **ids):
        issues.add(name, row.row, column, expected, got)
        row.bad.add(column)
    if not row.ok("treatment_centre"):
        return None  # dates are read in the centre's time zone
    tz = network.sites[v["treatment_centre"]].timezone
    fields: dict[str, Any] = {c: v[c] for c in _FIELDS if row.ok(c)}
    fields.update(_times(name, row, tz, issues))
    for column, expected, got in order_problems(fields):
        issues.add(name, row.row, column, expected, row.raw.get(column) or got)
        row.bad.add(column)
    if row.bad:
        return None
    return Order(**fields)


def _times(name: str, row: Row, tz: str, issues: Issues) -> dict[str, datetime | None]:
    """The row's apheresis window and committed apheresis, as aware UTC datetimes."""
    times: dict[str, datetime | None] = {}
    for column, end in (("apheresis_earliest", False), ("apheresis_latest", True)):
        raw = row.raw.get(column, "")
        if not raw:
            continue
        try:
            times[column] = p.day_bound(raw, tz, end=end)
        except ValueError as exc:
            issues.add(name, row.row, column, str(exc), raw)
            row.bad.add(column)
    first = times.get("apheresis_earliest")
    if first is not None and "apheresis_latest" not in times and row.ok("apheresis_latest"):
        # the end of the centre's local day 7 days after earliest (from the parsed
        # instant, not the raw text: a datetime may carry another offset; adding
        # days to the local date keeps the day's end right across DST changes)
        last = first.astimezone(ZoneInfo(tz)).date() + timedelta(days=7)
        times["apheresis_latest"] = p.day_bound(last.isoformat(), tz, end=True)
    raw = row.raw.get("committed_apheresis", "")
    if not raw:
        times["committed_apheresis"] = None
    else:
        try:
            times["committed_apheresis"] = p.local_datetime(raw, tz)
        except ValueError as exc:
            issues.add(name, row.row, "committed_apheresis", str(exc), raw)
            row.bad.add("committed_apheresis")
    return times
