"""What the property tests of the search loops share: the two bundles compiled over
one horizon (late March 2026 to early January 2027, once per process) and ready times
at its awkward moments."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

import logistics as lg
from logistics.network.compiled import CompiledNetwork
from logistics.network.timebase import to_s

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = [str(ROOT / "tests" / "data" / "tiny"), str(ROOT / "data" / "europe")]
START, END = datetime(2026, 3, 20, tzinfo=UTC), datetime(2027, 1, 5, tzinfo=UTC)
ANCHORS = [
    to_s(datetime.fromisoformat(t))
    for t in (
        "2026-03-28T23:30:00+00:00",  # the night of the spring DST change
        "2026-03-29T01:00:00+00:00",
        "2026-04-02T16:00:00+00:00",  # Maundy Thursday afternoon, Easter ahead
        "2026-04-05T09:00:00+00:00",
        "2026-04-26T15:00:00+00:00",  # the eve of King's Day (Netherlands)
        "2026-06-12T17:00:00+00:00",  # a Friday evening before a weekend
        "2026-10-24T22:00:00+00:00",  # the night of the autumn DST change
        "2026-10-25T01:00:00+00:00",
        "2026-12-24T15:00:00+00:00",  # Christmas
        "2026-12-31T12:00:00+00:00",  # New Year
    )
]


@functools.cache
def compiled(bundle: str) -> CompiledNetwork:
    """The bundle compiled over the test horizon."""
    return CompiledNetwork(lg.read_network(bundle), START, END)
