"""Cells of the plan files: times, hours, euros and probabilities as text and back,
and JSON-safe values for summary.json."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from logistics.io import parsers as p
from logistics.io.legs import utc_text


def time_text(t: datetime | None) -> str:
    """A UTC time with a ``Z`` to the second; empty for None."""
    return "" if t is None else utc_text(t)


def exact_text(x: float) -> str:
    """The shortest plain decimal (no exponent) that reads back as the same float:
    ``2.0`` -> ``2``, ``0.25`` -> ``0.25``, ``1e-05`` -> ``0.00001``."""
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    text = format(Decimal(repr(x)), "f")
    return text.removesuffix(".0")


def money_text(x: float) -> str:
    """Euros to the cent: ``2340`` -> ``2340.00``."""
    return f"{x:.2f}"


def hours_text(x: float) -> str:
    """Hours to 0.01, without trailing zeros: ``2.0`` -> ``2``, ``4.3333`` -> ``4.33``."""
    return _short(round(float(x), 2))


def hours_up_text(x: float) -> str:
    """Hours rounded up to 0.01 (for a duration a rule requires at least: the text never
    understates it): ``4.3333`` -> ``4.34``, ``2.0`` -> ``2``."""
    cents = math.ceil(round(float(x) * 100, 6))  # binary noise does not round 2.0 up
    return _short(cents / 100)


def _short(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def json_safe(value: Any) -> Any:
    """``value`` with only JSON types: inf and nan become null, times UTC text, tuples
    and sets lists, mapping keys text, numpy scalars Python numbers."""
    if isinstance(value, Enum):
        return json_safe(value.value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        return utc_text(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [json_safe(v) for v in items]
    if isinstance(value, Path):
        return str(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return json_safe(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def plan_time(text: str) -> datetime:
    """An ISO 8601 datetime with a ``Z`` or an offset, returned in UTC."""
    expected = "an ISO 8601 UTC time with Z or an offset, such as 2026-12-08T13:00:00Z"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(expected) from None
    if value.tzinfo is None or len(text) <= 10:
        raise ValueError(expected)
    return value.astimezone(UTC)


def probability(text: str) -> float:
    """A probability from 0 to 1 (``text`` a plain number); raises ValueError."""
    value = p.number(text)
    if value > 1:
        raise ValueError("a probability from 0 to 1")
    return value


def seq(text: str) -> int:
    """A leg number 1, 2, ... (``text`` digits only); raises ValueError."""
    if not text.isdigit() or int(text) < 1:
        raise ValueError("a leg number 1, 2, ... in travel order")
    return int(text)
