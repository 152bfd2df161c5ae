"""The one vectorised lane traversal agrees with the scalar exception.

On the tiny bundle (tests/data/tiny) and the European one (data/europe), compiled over
late March 2026 to early January 2027, hypothesis draws a lane (half the time one that
crosses a customs border) and ready times around the DST changes, Easter, a summer
weekend and Christmas, or a few seconds either side of an edge of the lane's tables
(its origin's hours, dispatch window or departures less the lead time; its customs
office's hours or its destination's hours less the lead time and duration). Then:

- :meth:`CompiledNetwork.traverse` (scalar) and :class:`LaneTraversal` over one-owner
  lookups (as the Monte Carlo builds it, fractional seconds too) give the same four
  times, from the lane's origin in a courier's van or not;
- the Monte Carlo's lane step with its delays fixed at the planned durations and
  clearances hands over when the scalar traversal does, in a van or not;
- the scalar search loop (compiled in network/jit.py, ``traverse`` inlined) hands over
  at every site when its chain replayed with the scalar traverse does, and no lane
  into a site, taken after its from-site's label, hands over there earlier.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.model.constants import TEMPERATURES
from logistics.network.compiled import TEMP_BIT, CompiledNetwork
from logistics.network.earliest import chain_to, replay, search
from logistics.network.timebase import INF, to_s
from logistics.network.traversal import LaneTraversal, TableBuilder
from logistics.risk.distributions import Spread
from logistics.risk.simulate import _LaneModel

from .horizon import ANCHORS, BUNDLES, compiled

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def edges(cn: CompiledNetwork, cid: int) -> list[float]:
    """Instants where the lane's traversal can change, shifted to ready times."""
    cl = cn.lanes[cid]
    out: list[float] = []
    if cl.departures is not None:
        out += [d - cl.lead for d in cl.departures]
    else:
        hours = cn.open[cl.u] if cl.window < 0 else cn.windows[cl.window]
        out += [x - cl.lead for x in (*hours.starts, *hours.ends)]
    later = cl.lead + cl.duration
    if cl.customs >= 0:
        office = cn.offices[cl.customs]
        out += [x - later for x in (*office.starts, *office.ends)]
    dest = cn.open[cl.v]
    out += [x - later - cl.clearance - cl.release for x in (*dest.starts, *dest.ends)]
    lo, hi = cn.horizon_s()
    return [x for x in out if lo <= x < hi - 30 * 86400] or [float(ANCHORS[0])]


@st.composite
def lane_and_times(draw):
    """(bundle, compiled lane index, ready times in UTC seconds, whole or not)."""
    bundle = draw(st.sampled_from(BUNDLES))
    cn = compiled(bundle)
    crossing = [cl.cid for cl in cn.lanes if cl.customs >= 0]
    pool = crossing if crossing and draw(st.booleans()) else range(len(cn.lanes))
    cid = draw(st.sampled_from(list(pool)))
    near_edge = st.sampled_from(edges(cn, cid)).flatmap(
        lambda x: st.integers(-3, 3).map(lambda d: x + d)
    )
    near_anchor = st.sampled_from(ANCHORS).flatmap(
        lambda x: st.integers(-3 * 86400, 3 * 86400).map(lambda d: x + d)
    )
    times = draw(st.lists(st.one_of(near_edge, near_anchor), min_size=1, max_size=12))
    times = [t + draw(st.sampled_from([0.0, 0.25, 0.999999])) for t in times]
    return bundle, cid, [float(t) for t in times]


def one_owner(cn: CompiledNetwork, cid: int, van: bool) -> LaneTraversal:
    """The lane as the Monte Carlo builds it: int owners in its own tables, taken from
    a courier's van (``van``) or not."""
    cl = cn.lanes[cid]
    tables = TableBuilder()
    deps = tables.departures(cl.departures) if cl.departures is not None else -1
    window = -1
    if cl.departures is None:
        window = tables.window([cn.open[cl.u] if cl.window < 0 else cn.windows[cl.window]])
    office = tables.hours(cn.offices[cl.customs]) if cl.customs >= 0 else -1
    to = tables.hours(cn.open[cl.v])
    hours, dep_table = tables.build()
    return LaneTraversal(
        hours,
        dep_table,
        lead=float(cl.lead_from(van)),
        departures=deps,
        window=window,
        office=office,
        to=to,
        duration=float(cl.duration),
        clearance=float(cl.clearance + cl.release),
    )


@SETTINGS
@given(case=lane_and_times(), van=st.booleans())
def test_one_owner_traversal_equals_scalar(case, van) -> None:
    """A one-lane LaneTraversal with int owners (the Monte Carlo's) gives the scalar
    traverse's four times, for fractional ready times too, from the lane's origin in
    a courier's van or not."""
    bundle, cid, times = case
    cn = compiled(bundle)
    cl = cn.lanes[cid]
    got = one_owner(cn, cid, van).traverse(np.asarray(times))
    for row, t in enumerate(times):
        assert tuple(float(np.asarray(x)[row]) for x in got) == cn.traverse(cl, t, van)


@SETTINGS
@given(case=lane_and_times(), van=st.booleans())
def test_monte_carlo_step_at_planned_delays_equals_scalar(case, van) -> None:
    """The Monte Carlo's lane step, its duration and clearance fixed at the planned
    (compiled) ones and no cancellations, hands over when the scalar traverse does,
    in a courier's van or not."""
    bundle, cid, times = case
    cn = compiled(bundle)
    cl = cn.lanes[cid]
    tables = TableBuilder()
    model = _LaneModel(cn, cl.index, tables, cn.network)
    model.bind(*tables.build())
    model.durations = (Spread(cl.duration, cl.duration),)
    model.dur_random = model.clr_random = False
    model.cancel = 0.0
    if cl.customs >= 0:
        model.clearance, model.release = (Spread(cl.clearance, cl.clearance),), cl.release
    got = model.step(np.asarray(times), np.random.default_rng(0), len(times), van)
    assert np.asarray(got).tolist() == [cn.traverse(cl, t, van)[3] for t in times]
    assert model.van_after(van) == cl.van_after(van)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_search_loop_agrees_with_traverse(data) -> None:
    """From a random origin and ready time, the scalar search loop (traverse inlined)
    hands over at every site it reaches when the chain it gives, replayed with the
    scalar traverse, does; and no lane into a site, taken after its from-site's label
    (in a van or not as that label's chain leaves it), hands over there earlier."""
    bundle = data.draw(st.sampled_from(BUNDLES))
    cn = compiled(bundle)
    origin = data.draw(st.integers(0, len(cn.site_ids) - 1))
    ready = float(data.draw(st.sampled_from(ANCHORS)) + data.draw(st.integers(-86400, 86400)))
    temperature = data.draw(st.sampled_from(TEMPERATURES))
    label, steps = search(cn, origin, ready, temperature)
    van = [False] * len(label)
    for v, at in enumerate(label):
        if v != origin and at < INF:
            lanes = chain_to(steps, origin, v)
            assert to_s(replay(cn, origin, ready, temperature, lanes).arrival) == at
            van[v] = _van_at_end(lanes)
    bit = TEMP_BIT[temperature]
    for cl in cn.lanes:
        u, v = cl.u, cl.v
        if not cl.temps & bit or label[u] == INF or (cn.end_point[u] and u != origin):
            continue
        assert cn.traverse(cl, label[u], van[u])[3] >= label[v], cl.lane_id


def _van_at_end(lanes) -> bool:
    """Whether the material is in a courier's van after a chain of compiled lanes."""
    van = False
    for cl in lanes:
        van = cl.van_after(van)
    return van
