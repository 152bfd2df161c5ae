"""examples/orders.csv is what the README's make-orders command writes, and a night
the default network can carry: capacity-tight, not overbooked."""

from __future__ import annotations

import re
import shlex
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

import logistics as lg
from logistics.synth import generate_orders

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "orders.csv"


def _readme_args() -> dict[str, str]:
    """The options of the README's `logistics make-orders --out examples/orders.csv` line."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^logistics make-orders --out examples/orders\.csv .*$", readme, re.M)
    assert line, "the README records the command that writes examples/orders.csv"
    argv = shlex.split(line.group(0))[2:]
    return dict(zip(argv[::2], argv[1::2], strict=True))


@pytest.fixture(scope="module")
def europe() -> lg.Network:
    return lg.read_network()


@pytest.fixture(scope="module")
def book(europe: lg.Network) -> lg.OrderBook:
    return lg.read_orders(EXAMPLE, europe)


def test_example_is_the_readme_command(europe: lg.Network, book: lg.OrderBook):
    """Regenerating with the README's options (count, start, days, seed) gives the
    example's orders exactly; if the network changed, rerun the README command."""
    args = _readme_args()
    again = generate_orders(
        europe,
        int(args["--n"]),
        date.fromisoformat(args["--start"]),
        int(args["--days"]),
        int(args["--seed"]),
    )
    assert again.orders == book.orders, "examples/orders.csv is stale: rerun the README command"


def test_example_is_tight_but_not_overbooked(europe: lg.Network, book: lg.OrderBook):
    """The orders ask for 70-90 % of the manufacturing slot-days of the README's four
    weeks, and each therapy for at most 95 % of its plants' share (a plant shared by n
    therapies counts 1/n for each): busy plants, no therapy over its capacity."""
    args = _readme_args()
    start, days = date.fromisoformat(args["--start"]), int(args["--days"])
    cap = europe.capacity

    def slot_days(site: str) -> int:
        return sum(cap.slots(site, "manufacturing", start + timedelta(d)) for d in range(days))

    live = [o for o in book.orders if o.status != "cancelled"]
    asked = Counter()
    for o in live:
        asked[o.therapy] += europe.therapies[o.therapy].manufacturing_days
    total = sum(slot_days(s) for s in cap.sites_with("manufacturing"))
    assert 0.70 <= sum(asked.values()) / total <= 0.90
    sharing = Counter(s for t in europe.therapies.values() for s in t.sites)
    for tid, therapy in europe.therapies.items():
        share = sum(slot_days(s) / sharing[s] for s in therapy.sites)
        assert asked[tid] / share <= 0.95, tid
