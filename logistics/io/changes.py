"""changes.csv: what tonight's nightly run changed against last night's plan."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from logistics.io.rows import write_csv
from logistics.model.changes import CHANGE_COLUMNS, Change

CHANGES_FILE = "changes.csv"


def write_changes(changes: Iterable[Change], path: str | Path) -> Path:
    """Write ``changes`` to ``path`` (columns ``order_id, change, field, before, after,
    why``); a night without changes writes the header alone."""
    return write_csv(path, CHANGE_COLUMNS, (c.record() for c in changes))
