"""Holdings number the capacities candidates hold and make the rows in compiled code:
the rows are the keys of :func:`ledger.held` in the order first held, each with the
candidates holding it (ascending, a candidate once per unit), also after candidates
are cut and others appended; :func:`binding` keeps the rows orders can overfill."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.model.ledger import held
from logistics.solve.holdings import CapacityRows, Holdings, binding, select

CENTRES = ["TC-A", "TC-B", "TC-C"]
D0 = date(2026, 3, 27)


class Cand(NamedTuple):
    """The fields of a candidate that say what it holds."""

    order: int
    site: str
    mfg_days: tuple[date, ...]
    apheresis_day: date
    departures: tuple[tuple[str, int], ...]


cands = st.builds(
    lambda k, site, first, n, day, deps: Cand(
        k,
        site,
        tuple(D0 + timedelta(days=first + i) for i in range(n)),
        D0 + timedelta(days=day),
        tuple(deps),
    ),
    st.integers(0, len(CENTRES) - 1),
    st.sampled_from(["MFG-1", "MFG-2"]),
    st.integers(0, 3),
    st.integers(1, 3),
    st.integers(0, 3),
    # a departure may repeat: the candidate then holds two units of it
    st.lists(st.tuples(st.sampled_from(["L1", "L2"]), st.integers(0, 2)), max_size=3),
)


def _reference(cs: list[Cand]) -> list[tuple]:
    """Rows made one key at a time: (key, candidates holding it, a candidate per unit)."""
    rows: dict = {}
    for i, c in enumerate(cs):
        keys = held(
            site=c.site,
            mfg_days=c.mfg_days,
            centre=CENTRES[c.order],
            apheresis_day=c.apheresis_day,
            departures=c.departures,
        )
        for key in keys:
            rows.setdefault(key, []).append(i)
    return list(rows.items())


def _rows(h: Holdings) -> list[tuple]:
    ids, start, index, value = h.rows()
    out = []
    for r, k in enumerate(ids.tolist()):
        members = np.repeat(
            index[start[r] : start[r + 1]], value[start[r] : start[r + 1]].astype(int)
        )
        out.append((h.keys[k], members.tolist()))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(cands, max_size=12), st.lists(cands, max_size=6), st.data())
def test_rows_are_the_keys_held_first_held_first(first, more, data):
    h = Holdings(CENTRES)
    h.add(first)
    assert _rows(h) == _reference(first)
    cut = data.draw(st.integers(0, len(first)))
    h.cut(cut)
    h.add(more)
    assert len(h) == cut + len(more)
    assert _rows(h) == _reference(first[:cut] + more)


@settings(max_examples=150, deadline=None)
@given(st.lists(cands, min_size=1, max_size=12), st.integers(0, 4))
def test_binding_rows_are_those_orders_can_overfill(cs, room):
    h = Holdings(CENTRES)
    h.add(cs)
    _ids, start, index, value = h.rows()
    orders = np.array([c.order for c in cs], dtype=np.int64)
    rooms = np.full(len(start) - 1, room, dtype=np.int64)
    kept = binding(start, index, value, orders, rooms)
    for r, (_key, members) in enumerate(_rows(h)):
        most: Counter = Counter()
        for i, units in Counter(members).items():
            most[cs[i].order] = max(most[cs[i].order], units)
        assert bool(kept[r]) == (sum(most.values()) > room)
    out, members, units = select(start, index, value, kept)
    picked = [r for r in range(len(kept)) if kept[r]]
    assert len(out) == len(picked) + 1
    for j, r in enumerate(picked):
        assert members[out[j] : out[j + 1]].tolist() == index[start[r] : start[r + 1]].tolist()
        assert units[out[j] : out[j + 1]].tolist() == value[start[r] : start[r + 1]].tolist()


def test_capacity_rows_list_a_candidate_once_per_unit():
    rows = CapacityRows(
        ["a", "b"], [1, 0], np.array([0, 2, 3]), np.array([4, 7, 5]), np.array([1.0, 2.0, 1.0])
    )
    assert len(rows) == 2
    assert rows[0] == ("a", 1, [4, 7, 7])
    assert rows[-1] == ("b", 0, [5])
    assert list(rows) == [("a", 1, [4, 7, 7]), ("b", 0, [5])]
    assert rows == [("a", 1, [4, 7, 7]), ("b", 0, [5])]
    assert rows[1:] == [("b", 0, [5])]


def test_holdings_die_with_their_last_reference():
    """No reference cycle: dropped holdings are freed by reference counting, as the
    solve runs with the cyclic collector paused (logistics.heap)."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        h = Holdings(CENTRES)
        h.add([Cand(0, "MFG-1", (D0,), D0, (("L1", 1),)), Cand(1, "MFG-2", (D0,), D0, ())])
        h.rows()
        del h
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
