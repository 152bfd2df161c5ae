"""The compiled earliest-cheapest search gives the Python Pareto search's label.

:func:`logistics.network.pareto.earliest_cheapest` runs :func:`pareto` without prices
compiled (:func:`logistics.network.jit.cheapest`). On the tiny bundle (tests/data/tiny)
and the European one (data/europe), compiled over late March 2026 to early January
2027 for either material, hypothesis draws an origin and a target (half the time a
treatment centre and a manufacturing site, either way round, as Plan B asks), a ready
time around the DST changes, Easter, a summer weekend and Christmas, a temperature
class and banned lanes (some of the earliest itinerary's, as Plan B bans them, and
random ones). The compiled label must be ``pareto(...)[target][0]`` with the same
deadline, bounds, bans and cost cap, step for step (handover, value, site, in a van,
compiled lane, hold), so its ``chain()`` too; both None when the target cannot be
reached.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.model.constants import TEMPERATURES, Material, SiteKind
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import chain_to, search
from logistics.network.pareto import Label, earliest_at, earliest_cheapest, lower_bounds, pareto
from logistics.network.timebase import INF

from .horizon import ANCHORS, BUNDLES, compiled


def reference(
    cn: CompiledNetwork, o: int, r: float, temperature: str, d: int, bans: set[int]
) -> Label | None:
    """earliest_cheapest as it was written in Python: pareto()'s first label at ``d``."""
    at, cost = earliest_at(cn, o, r, temperature, d, banned=bans)
    if at == INF:
        return None
    return pareto(
        cn,
        o,
        r,
        temperature,
        at,
        lower=lower_bounds(cn, (d,), temperature),
        target=d,
        banned=bans,
        value_cap=cost + 1e-6 * max(1.0, cost),
        lower_cost=lower_bounds(cn, (d,), temperature, cost=True),
    )[d][0]


def steps(label: Label | None) -> list[tuple]:
    """Every label of the itinerary, the target's first."""
    out = []
    while label is not None:
        cid = label.lane.cid if label.lane is not None else None
        out.append((label.time, label.value, label.paid, label.site, label.van, cid, label.hold))
        label = label.parent
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_compiled_earliest_cheapest_equals_pareto(data) -> None:
    """The compiled search's label is the Python pareto()'s, step for step."""
    cn = compiled(data.draw(st.sampled_from(BUNDLES)))
    cn = cn.for_material(data.draw(st.sampled_from(list(Material))))
    ends = [
        [i for i, s in enumerate(cn.site_ids) if cn.network.sites[s].kind == kind]
        for kind in (SiteKind.TREATMENT_CENTRE, SiteKind.MANUFACTURING_SITE)
    ]
    if data.draw(st.booleans()):
        o, d = (
            data.draw(st.sampled_from(sites))
            for sites in ends[:: data.draw(st.sampled_from([1, -1]))]
        )
    else:
        o, d = (data.draw(st.integers(0, len(cn.site_ids) - 1)) for _ in range(2))
    r = float(data.draw(st.sampled_from(ANCHORS)) + data.draw(st.integers(-3 * 86400, 3 * 86400)))
    temperature = data.draw(st.sampled_from(TEMPERATURES))
    bans: set[int] = set()
    label, pred = search(cn, o, r, temperature, targets=(d,))
    if label[d] < INF and o != d:
        path = [cl.index for cl in chain_to(pred, o, d)]
        bans |= data.draw(st.sets(st.sampled_from(path), max_size=2))
    bans |= data.draw(st.sets(st.integers(0, len(cn.network.lanes) - 1), max_size=3))
    want = reference(cn, o, r, temperature, d, bans)
    first = earliest_at(cn, o, r, temperature, d, banned=bans) if data.draw(st.booleans()) else None
    got = earliest_cheapest(cn, o, r, temperature, d, banned=bans, first=first)
    assert steps(got) == steps(want)
    if want is not None:
        assert got is not None and got.chain() == want.chain()
