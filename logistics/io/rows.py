"""Rows of the report tables (comparison.csv, impact.csv, risk.csv): numbers as
written, and the CSV writer they share."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["NO_DELIVERY_H", "hours", "rounded", "write_csv"]

NO_DELIVERY_H = 1e6  # simulated hours this large mean "never delivered"


def rounded(x: Any, digits: int) -> float | None:
    """``x`` as a float rounded to ``digits`` decimals; None for a missing or undefined
    (NaN) value; infinities kept."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return x if math.isinf(x) else round(x, digits)


def hours(x: Any) -> float | None:
    """Simulated hours ``x``, 2 decimals; from :data:`NO_DELIVERY_H` on (samples that
    never arrive, interpolated with ones that do) infinite."""
    value = rounded(x, 2)
    return math.inf if value is not None and value >= NO_DELIVERY_H else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    return str(value)


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``rows`` (the ``columns`` of each, in that order) to ``path`` as UTF-8 CSV
    with a header: an empty cell for None, ``true``/``false``, ``inf``; creates the
    folder; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:  # (most cells are text already: 10,000 orders' timeline)
            writer.writerow([v if type(v) is str else _cell(v) for v in map(row.get, columns)])
    return path
