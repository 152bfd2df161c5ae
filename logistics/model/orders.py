"""Orders: one pseudonymous patient journey each.

An :class:`Order` checks at construction every rule that needs only the order itself
(:func:`order_problems`): identifiers, priority, status, aware datetimes, the window's
order and a booked order's site and apheresis. The CSV reader applies the same
function, so an order built in code and one read from orders.csv fail with the same
``Issue`` (column, expected). Rules that need the network live in
``logistics.io.order_checks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from logistics.errors import InputError, Issue
from logistics.model.constants import BOOKED_STATUSES, ORDER_STATUSES, OrderStatus

# The file named by issues of orders built in code (no file, no row).
CODE = "<code>"
ID_RE = re.compile(r"[A-Za-z0-9_.-]+")
# What each rule expects, worded as the CSV parsers word it (logistics.io.parsers).
ID_EXPECTED = "an identifier of letters, digits, '_', '.' or '-'"
PRIORITY_EXPECTED = "a priority from 1 (routine) to 5 (most urgent)"
STATUS_EXPECTED = f"one of {', '.join(ORDER_STATUSES)}"
AWARE_EXPECTED = "an aware datetime (with a UTC offset)"
WINDOW_EXPECTED = "a time on or after apheresis_earliest"
_IDS = ("order_id", "therapy", "treatment_centre", "committed_site")
_TIMES = ("apheresis_earliest", "apheresis_latest", "committed_apheresis")


def order_problems(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The order-only rules broken by ``values`` (field name -> value).

    ``values`` holds the fields of an :class:`Order`; a field left out is not checked
    (a reader leaves out cells it already reported). Returns (column, expected, got)
    triples, empty when every rule holds.
    """
    out: list[tuple[str, str, str]] = []
    for column in _IDS:
        value = values.get(column)
        if column in values and value is not None and not _is_ident(value):
            out.append((column, ID_EXPECTED, str(value)))
    if "priority" in values:
        prio = values["priority"]
        if isinstance(prio, bool) or not isinstance(prio, int) or not 1 <= prio <= 5:
            out.append(("priority", PRIORITY_EXPECTED, str(prio)))
    status = values.get("status")
    if "status" in values and status not in ORDER_STATUSES:
        out.append(("status", STATUS_EXPECTED, str(status)))
    aware = {}
    for column in _TIMES:
        value = values.get(column)
        if value is None:
            continue
        if not isinstance(value, datetime) or value.utcoffset() is None:
            out.append((column, AWARE_EXPECTED, str(value)))
        else:
            aware[column] = value
    first, last = aware.get("apheresis_earliest"), aware.get("apheresis_latest")
    if first is not None and last is not None and last < first:
        out.append(("apheresis_latest", WINDOW_EXPECTED, last.isoformat()))
    if status in BOOKED_STATUSES:
        if "committed_site" in values and values["committed_site"] is None:
            out.append(
                ("committed_site", f"the booked manufacturing site (status is {status})", "")
            )
        if "committed_apheresis" in values and values["committed_apheresis"] is None:
            out.append(
                ("committed_apheresis", f"the booked apheresis time (status is {status})", "")
            )
    return out


def _is_ident(value: object) -> bool:
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A request to collect, manufacture and deliver one patient's therapy.

    ``apheresis_earliest`` and ``apheresis_latest`` bound the instant the collected
    material is ready (aware; stored as UTC); a date in the input spans that whole
    local day. Raises InputError (file ``<code>``) listing every broken order-only
    rule (see :func:`order_problems`).
    """

    order_id: str
    therapy: str
    treatment_centre: str
    apheresis_earliest: datetime
    apheresis_latest: datetime
    priority: int = 3
    status: OrderStatus = OrderStatus.NEW
    committed_site: str | None = None
    committed_apheresis: datetime | None = None

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        problems = order_problems(values)
        if problems:
            raise InputError([Issue(CODE, None, c, e, g) for c, e, g in problems])
        object.__setattr__(self, "status", OrderStatus(self.status))
        for column in _TIMES:
            value = values[column]
            if value is not None and value.tzinfo is not UTC:
                object.__setattr__(self, column, value.astimezone(UTC))

    @property
    def booked(self) -> bool:
        """True when site and apheresis are booked and must not be re-planned."""
        return self.status in BOOKED_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderBook:
    """The orders to plan, with the hash of the file they came from."""

    orders: tuple[Order, ...]
    source: str = ""
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[Order]:
        return iter(self.orders)
