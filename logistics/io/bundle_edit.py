"""Writing a bundle's files as text: CSV tables, capacity.csv from a
:class:`~logistics.model.capacity.Capacity`, and therapies.toml with new ``sites``
lists (edited in place, so that its comments stay).

Used by the generated networks (``logistics make-network``) and by the designed
bundle a ``logistics design`` folder carries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from logistics.model.calendar.hours import WEEKDAYS
from logistics.model.capacity import Capacity

__all__ = ["CAPACITY_COLUMNS", "capacity_csv", "csv_text", "therapies_with_sites"]

CAPACITY_COLUMNS = ("site_id", "resource", "weekday", "date", "slots")


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A CSV table (``\\n`` line ends, empty cells for missing or None values)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in header])
    return buf.getvalue()


def capacity_csv(capacity: Capacity) -> str:
    """capacity.csv of ``capacity``: seven weekday rows per (site, resource) of its
    weekly pattern (zeros included), then a row per dated override; by site and
    resource."""
    rows: list[dict[str, object]] = []
    for (site, resource), week in sorted(capacity.weekly.items()):
        rows += [
            {"site_id": site, "resource": resource, "weekday": day, "slots": n}
            for day, n in zip(WEEKDAYS, week, strict=True)
        ]
    for (site, resource, day), n in sorted(capacity.dated.items()):
        rows.append({"site_id": site, "resource": resource, "date": day.isoformat(), "slots": n})
    return csv_text(CAPACITY_COLUMNS, rows)


def therapies_with_sites(text: str, therapy_sites: Mapping[str, Sequence[str]]) -> str:
    """therapies.toml ``text`` with the ``sites`` list of each therapy in
    ``therapy_sites`` replaced (other therapies and every comment kept)."""
    out: list[str] = []
    therapy = ""
    lines = iter(text.splitlines())
    for line in lines:
        m = re.match(r"\s*\[therapy\.([^\]]+)\]", line)
        if m:
            therapy = m.group(1).strip().strip('"')
        if therapy in therapy_sites and re.match(r"\s*sites\s*=", line):
            while "]" not in line.split("#", 1)[0]:
                line = next(lines)
            out += _toml_list("sites", therapy_sites[therapy])
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def _toml_list(key: str, items: Sequence[str]) -> list[str]:
    lines = [f"{key} = ["]
    line = "   "
    for item in items:
        cell = f' "{item}",'
        if len(line) + len(cell) > 88:
            lines.append(line)
            line = "   "
        line += cell
    lines += [line, "]"]
    return lines
