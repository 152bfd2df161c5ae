"""events.csv: validated like every input, all problems at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import ORDERS, tiny, write_events

from logistics.errors import InputError
from logistics.io import read_orders
from logistics.io.events import read_events


def test_local_time_of_the_site_and_time_order(tmp_path: Path) -> None:
    """A time without an offset is local time of the event's site (else the order's
    centre); events come back in time order whatever the file order."""
    book = read_orders(ORDERS, tiny())
    path = write_events(
        tmp_path / "events.csv",
        ["P-0002,collected,2026-12-07T13:00,,,", "P-0001,collected,2026-12-07T13:00,,,"],
    )
    events, digest = read_events(path, tiny(), book)
    # Munich is UTC+1 in December, London UTC+0: P-0002's 13:00 comes first
    assert [(e.order_id, e.time.hour) for e in events] == [("P-0002", 12), ("P-0001", 13)]
    assert len(digest) == 64


def test_every_problem_reported_with_row_and_column(tmp_path: Path) -> None:
    """Unknown orders, event names, sites and lanes, bad times and events after the
    run are each reported as file:row:column, all at once."""
    from datetime import UTC, datetime

    book = read_orders(ORDERS, tiny())
    path = write_events(
        tmp_path / "events.csv",
        [
            "P-9999,collected,2026-12-07T13:00Z,,,",
            "P-0001,teleported,2026-12-07T13:00Z,,,",
            "P-0001,shipped,07/12/2026,,,",
            "P-0001,shipped,2026-12-07T13:00Z,NOWHERE,,",
            "P-0001,shipped,2026-12-07T13:00Z,,NO-LANE,",
            "P-0001,infused,2027-03-01T13:00Z,,,",
        ],
    )
    with pytest.raises(InputError) as caught:
        read_events(path, tiny(), book, now=datetime(2026, 12, 8, tzinfo=UTC))
    where = [(i.row, i.column) for i in caught.value.issues]
    assert where == [
        (2, "order_id"),
        (3, "event"),
        (4, "time"),
        (5, "site_id"),
        (6, "lane_id"),
        (7, "time"),
    ]
    assert str(caught.value.issues[0]).startswith("events.csv:2:order_id: expected an order")
