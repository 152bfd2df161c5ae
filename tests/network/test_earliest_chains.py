"""earliest_chains, the search candidate building runs, against the scalar search.

On the tiny bundle (tests/data/tiny) and the European one (data/europe), compiled over
late March 2026 to early January 2027, hypothesis draws an origin (often a treatment
centre or a plant), a ready time around the DST changes, Easter, King's Day, a summer
weekend, Christmas or New Year, a temperature class, one to several target sites
(often plants or centres, as candidate building asks: the licensed plants inbound,
the orders' centres outbound), a deadline or none, and A* bounds: none, the targets'
time bounds (``lower_bounds(cn, targets, temperature)``, as inbound routing passes
them) or the elementwise minimum of each target's own bounds (as outbound routing
does). Then earliest_chains gives:

- at each target exactly the scalar search's label (that of the plain one-to-all
  search, and of the search stopping at the same targets with the same bounds), and
  no entry where that label is inf;
- as its chain, the compiled lane ids of :func:`chain_to` on that stopping search;
- a chain that, replayed lane by lane (:func:`replay`), hands over at the label.
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.model.constants import TEMPERATURES
from logistics.network import jit
from logistics.network.earliest import chain_to, earliest_chains, replay, search
from logistics.network.pareto import lower_bounds
from logistics.network.timebase import INF, to_s

from .horizon import ANCHORS, BUNDLES, compiled

HOURS = [12.0, 24.0, 48.0, 72.0, 216.0]  # deadlines after ready (48 h inbound, 216 h out)


@functools.cache
def kinds(bundle: str) -> dict[str, list[int]]:
    """The site indices of each site kind, and of every site (``""``)."""
    cn = compiled(bundle)
    out: dict[str, list[int]] = {"": list(range(len(cn.site_ids)))}
    for v, site_id in enumerate(cn.site_ids):
        out.setdefault(cn.network.sites[site_id].kind, []).append(v)
    return out


def sites_of(bundle: str) -> st.SearchStrategy[int]:
    """A site: half the time a treatment centre or plant (when the bundle has one)."""
    by_kind = kinds(bundle)
    ends = [*by_kind.get("treatment_centre", []), *by_kind.get("manufacturing_site", [])]
    return st.sampled_from(ends or by_kind[""]) | st.sampled_from(by_kind[""])


def targets_of(bundle: str) -> st.SearchStrategy[list[int]]:
    """One to several sites, all of one kind (plants, centres) or of any kind."""
    pools = [
        p for k, p in kinds(bundle).items() if k in ("", "manufacturing_site", "treatment_centre")
    ]
    return st.sampled_from(pools).flatmap(
        lambda pool: st.lists(
            st.sampled_from(pool), min_size=1, max_size=min(6, len(pool)), unique=True
        )
    )


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_earliest_chains_equal_search(data) -> None:
    """earliest_chains gives the scalar search's label at each target it reaches, none
    where that is inf, and the chain of chain_to, which replays to the label."""
    bundle = data.draw(st.sampled_from(BUNDLES))
    cn = compiled(bundle)
    n = len(cn.site_ids)
    origin = data.draw(sites_of(bundle))
    ready = float(data.draw(st.sampled_from(ANCHORS)) + data.draw(st.integers(-86400, 3 * 86400)))
    temperature = data.draw(st.sampled_from(TEMPERATURES))
    targets = data.draw(targets_of(bundle))
    deadline = ready + data.draw(st.sampled_from([INF, *HOURS])) * 3600
    bounds = data.draw(st.sampled_from(["none", "targets", "each"]))
    lower: list[float] | np.ndarray | None = None
    if bounds == "targets":  # inbound: the bounds to the targets together
        lower = lower_bounds(cn, tuple(sorted(targets)), temperature)
    elif bounds == "each":  # outbound: per node the least of each target's bounds
        each = [np.asarray(lower_bounds(cn, (v,), temperature)) for v in targets]
        lower = np.minimum.reduce(each)
    ahead = None if lower is None else jit.ahead(lower, 2 * n)

    found = earliest_chains(cn, origin, ready, temperature, targets, deadline=deadline, ahead=ahead)
    plain, _ = search(cn, origin, ready, temperature, deadline=deadline)
    label, steps = search(
        cn, origin, ready, temperature, targets=targets, deadline=deadline, lower=lower
    )
    assert sorted(found) == sorted(v for v in targets if plain[v] < INF)
    for v, (at, cids) in found.items():
        assert at == plain[v] == label[v], cn.site_ids[v]
        lanes = chain_to(steps, origin, v)
        assert cids == tuple(cl.cid for cl in lanes), cn.site_ids[v]
        it = replay(cn, origin, ready, temperature, lanes)
        assert it.destination == cn.site_ids[v]
        assert to_s(it.arrival) == at, cn.site_ids[v]
