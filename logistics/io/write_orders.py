"""Writing an order book as the contract's orders.csv."""

from __future__ import annotations

import csv
import os
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from logistics.model.network import Network
from logistics.model.orders import OrderBook

COLUMNS = (
    "order_id",
    "therapy",
    "treatment_centre",
    "apheresis_earliest",
    "apheresis_latest",
    "priority",
    "status",
    "committed_site",
    "committed_apheresis",
)


def write_orders(book: OrderBook, network: Network, path: str | Path) -> Path:
    """Write ``book`` to ``path``: window dates in the centre's local calendar,
    committed apheresis times in UTC with a ``Z``. The file is written beside
    ``path`` under a hidden name and then put in its place, so ``path`` is never
    left half written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _write(book, network, staged)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
    return path


def _write(book: OrderBook, network: Network, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for o in book.orders:
            tz = ZoneInfo(network.sites[o.treatment_centre].timezone)
            committed = (
                o.committed_apheresis.strftime("%Y-%m-%dT%H:%M:%SZ")
                if o.committed_apheresis
                else ""
            )
            writer.writerow(
                [
                    o.order_id,
                    o.therapy,
                    o.treatment_centre,
                    _bound(o.apheresis_earliest.astimezone(tz), time.min),
                    _bound(o.apheresis_latest.astimezone(tz), time.max),
                    o.priority,
                    o.status,
                    o.committed_site or "",
                    committed,
                ]
            )


def _bound(local: datetime, whole_day: time) -> str:
    """A date when the bound is the start/end of a local day, else a local datetime."""
    if local.time() == whole_day:
        return local.date().isoformat()
    return local.isoformat()
