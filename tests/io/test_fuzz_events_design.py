"""The fuzzer of the readers added with nightly runs and network design: events.csv
(:func:`logistics.io.events.read_events`) and design.csv with network.toml ``[design]``
(:func:`logistics.io.design.read_design`). Each case replaces one cell with a hostile
value, or flips, drops or inserts bytes; the reader must return or raise InputError,
and leave its files byte-identical. Cases: ``LOGISTICS_FUZZ_CASES`` (default 500) / 5
per reader, derandomised as in test_fuzz.py."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.io import read_network, read_orders
from logistics.io.design import read_design
from logistics.io.events import read_events

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
CASES = max(20, int(os.environ.get("LOGISTICS_FUZZ_CASES", "500")) // 5)
NOW = datetime(2026, 12, 6, tzinfo=UTC)
EVENTS = (
    "order_id,event,time,site_id,lane_id,note\n"
    "P-0003,collected,2026-12-01T13:30,TC-MUC,,on time\n"
    "P-0003,shipped,2026-12-01T15:00Z,TC-MUC,RD-MUC-LEI,\n"
    "P-0002,cancelled,2026-12-02T09:00+01:00,,,patient withdrew\n"
)
DESIGN = (
    "site_id,status,fixed_cost_eur,lines,batch_cost_eur,min_lines,max_lines,line_cost_eur\n"
    "MFG-LEI,existing,1000000,2,5000,1,3,20000\n"
)
DESIGN_TOML = '[design]\nv2v_cap_days = 35\nmax_open = 1\nmust_open = ["MFG-LEI"]\n'
HOSTILE = ["", "nan", "inf", "-1", "1e308", "0001-01-01", "9999-12-31T23:59", "Europe",
           "John_Smith", "😀", "x" * 5000, '"', "a,b", "2026-02-30", "-0", "0x10"]  # fmt: skip

PROFILE = settings(
    max_examples=CASES,
    deadline=None,
    derandomize=os.environ.get("LOGISTICS_FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
)


def mutated(text: str, data: st.DataObject) -> bytes:
    """``text`` with one cell replaced by a hostile value, or its bytes damaged."""
    if data.draw(st.booleans(), "cell or bytes"):
        lines = text.splitlines()
        row = data.draw(st.integers(0, len(lines) - 1), "row")
        cells = lines[row].split(",")
        col = data.draw(st.integers(0, len(cells) - 1), "column")
        cells[col] = data.draw(st.sampled_from(HOSTILE) | st.text(max_size=12), "value")
        lines[row] = ",".join(cells)
        return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    raw = bytearray(text.encode())
    for _ in range(data.draw(st.integers(1, 3), "damages")):
        at = data.draw(st.integers(0, len(raw)), "at")
        kind = data.draw(st.sampled_from(["flip", "drop", "insert", "cut"]), "kind")
        if kind == "flip" and at < len(raw):
            raw[at] ^= 1 << data.draw(st.integers(0, 7), "bit")
        elif kind == "drop" and at < len(raw):
            del raw[at]
        elif kind == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4), "bytes")
        else:
            del raw[at:]
    return bytes(raw)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


NET = read_network(TINY)
BOOK = read_orders(TINY / "orders.csv", NET)


@PROFILE
@given(data=st.data())
def test_fuzz_events(data) -> None:
    """A damaged events.csv reads or raises InputError, and is not changed."""
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "events.csv"
        path.write_bytes(mutated(EVENTS, data))
        before = digest(folder)
        with contextlib.suppress(InputError):
            read_events(path, NET, BOOK, now=NOW)
        assert digest(folder) == before
    finally:
        shutil.rmtree(folder)


@PROFILE
@given(data=st.data(), which=st.sampled_from(["design.csv", "network.toml"]))
def test_fuzz_design(data, which: str) -> None:
    """A damaged design.csv or [design] table reads or raises InputError (bundle or
    design), and neither is changed."""
    folder = Path(tempfile.mkdtemp()) / "bundle"
    try:
        shutil.copytree(TINY, folder)
        (folder / "design.csv").write_text(DESIGN, encoding="utf-8")
        (folder / "network.toml").write_text(DESIGN_TOML, encoding="utf-8")
        original = DESIGN if which == "design.csv" else DESIGN_TOML
        (folder / which).write_bytes(mutated(original, data))
        before = digest(folder)
        with contextlib.suppress(InputError):
            read_design(folder, read_network(folder))
        assert digest(folder) == before
    finally:
        shutil.rmtree(folder.parent)
