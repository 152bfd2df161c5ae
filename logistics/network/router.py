"""Routing API: earliest arrival, fallback alternatives, cheapest within a budget."""

from __future__ import annotations

import copy
import heapq
import weakref
from collections.abc import Iterable
from datetime import datetime, timedelta

from logistics.model.constants import TEMPERATURES, Material, SiteKind
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import build_itinerary, replay, search
from logistics.network.pareto import earliest_at, earliest_cheapest, lower_bounds, pareto
from logistics.network.timebase import INF, to_s


class Router:
    """Answers itinerary questions on one network at one planning quantile.

    The network is compiled lazily for a time horizon that grows to cover the
    questions asked (``margin_days`` beyond the latest ready time). Shipments carry
    ``material`` (customs rules may differ for apheresis starting material and the
    finished product).
    """

    def __init__(
        self,
        network: Network,
        quantile: float | None = None,
        *,
        margin_days: int = 30,
        material: Material = Material.FINISHED,
    ) -> None:
        self.network = network
        self.quantile = quantile
        self.material = Material(material)
        self.margin = timedelta(days=margin_days)
        self._cn: list[CompiledNetwork] = []  # shared by with_material() views
        self._gates = frozenset(s.site_id for s in network.sites.values() if s.kind == "crossing")

    def compiled(self, start: datetime, end: datetime | None = None) -> CompiledNetwork:
        """The compiled network covering [start, end + margin]."""
        end = (end or start) + self.margin
        cn = self._cn[0] if self._cn else None
        if cn is None or start < cn.start or end > cn.end:
            lo = (
                start - timedelta(days=1)
                if cn is None
                else min(cn.start, start - timedelta(days=1))
            )
            hi = end if cn is None else max(cn.end, end)
            cn = CompiledNetwork(self.network, lo, hi, self.quantile)
            self._cn[:] = [cn]
        return cn.for_material(self.material)

    def with_material(self, material: Material) -> Router:
        """This router for shipments of ``material``, sharing the compiled network
        (what either compiles later serves both)."""
        other = copy.copy(self)
        other.material = Material(material)
        return other

    def _check(self, *sites: str, temperature: str) -> None:
        for s in sites:
            if s not in self.network.sites:
                raise KeyError(f"unknown site {s!r}")
        if temperature not in TEMPERATURES:
            raise ValueError(f"unknown temperature class {temperature!r}")

    def signature(self, it: Itinerary) -> tuple[str, ...]:
        """The route of an itinerary as a planner tells routes apart: its listed
        lanes and the border crossings it passes (see ``Itinerary.signature``)."""
        return it.signature(self._gates)

    def earliest(
        self,
        origin: str,
        destination: str,
        ready: datetime,
        temperature: str,
        *,
        banned: Iterable[int] = (),
    ) -> Itinerary | None:
        """The earliest-arriving itinerary, the cheapest of those handing over at that
        time, or None when the destination is unreachable (``banned``: network lane
        indices not to take)."""
        self._check(origin, destination, temperature=temperature)
        cn = self.compiled(ready)
        return _earliest(cn, cn.index[origin], cn.index[destination], ready, temperature, banned)

    def earliest_all(self, origin: str, ready: datetime, temperature: str) -> dict[str, Itinerary]:
        """The earliest itinerary to every reachable site (the origin excluded)."""
        self._check(origin, temperature=temperature)
        cn = self.compiled(ready)
        o = cn.index[origin]
        r = float(to_s(ready))
        label, pred = search(cn, o, r, temperature)
        return {
            cn.site_ids[v]: build_itinerary(cn, o, v, r, temperature, pred)
            for v in range(len(label))
            if v != o and label[v] < INF
        }

    def alternatives(
        self,
        origin: str,
        destination: str,
        ready: datetime,
        temperature: str,
        n: int = 2,
        *,
        first: Itinerary | None = None,
    ) -> list[Itinerary]:
        """The fastest itinerary (or ``first``, an itinerary already chosen from
        ``origin`` at ``ready``) and up to ``n`` fallbacks that take another route.

        A fallback differs in its listed lanes (flight, ferry, tunnel, carrier) or the
        sites it passes through; the same route departing later is not a fallback.
        Found by banning, one at a time, the lanes of the routes already accepted
        (with the bans that produced them), as in Yen's k-shortest paths.
        """
        best = first or self.earliest(origin, destination, ready, temperature)
        if best is None:
            return []
        cn = self.compiled(ready)
        o, d, r = cn.index[origin], cn.index[destination], float(to_s(ready))
        lane_index = _lane_index(cn)
        accepted = [best]
        seen = {self.signature(best)}
        tried: set[frozenset[int]] = set()
        # (earliest handover, order found, bans, cost of one itinerary handing over
        # then): the cheapest itinerary handing over then is built only when its bans
        # come first (most never do)
        queue: list[tuple[float, int, frozenset[int], float]] = []
        bans_of: dict[int, frozenset[int]] = {id(best): frozenset()}
        frontier = [best]
        while frontier and len(accepted) <= n:
            for path in frontier:
                base = bans_of[id(path)]
                for leg in path.legs:
                    bans = base | {lane_index[leg.lane_id]}
                    if bans in tried:
                        continue
                    tried.add(bans)
                    at, cost = earliest_at(cn, o, r, temperature, d, banned=bans)
                    if at < INF:
                        heapq.heappush(queue, (at, len(tried), bans, cost))
            frontier = []
            while queue and len(accepted) <= n:
                at, _, bans, cost = heapq.heappop(queue)
                alt = _earliest(cn, o, d, ready, temperature, bans, (at, cost))
                if alt is None or self.signature(alt) in seen:
                    continue
                seen.add(self.signature(alt))
                accepted.append(alt)
                bans_of[id(alt)] = bans
                frontier.append(alt)
                break
        return accepted

    def cheapest(
        self, origin: str, destination: str, ready: datetime, temperature: str, budget_h: float
    ) -> Itinerary | None:
        """The cheapest itinerary handing over within ``budget_h`` hours of ``ready``
        (ties: the earlier one), from the Pareto search on (time, cost)."""
        self._check(origin, destination, temperature=temperature)
        cn = self.compiled(ready)
        o, d = cn.index[origin], cn.index[destination]
        r = float(to_s(ready))
        labels = pareto(
            cn,
            o,
            r,
            temperature,
            r + budget_h * 3600,
            lower=lower_bounds(cn, (d,), temperature),
            target=d,
        )[d]
        if not labels:
            return None
        lanes, hold = labels[-1].chain()  # least cost; the earliest of equal costs
        return replay(cn, o, r, temperature, [cn.lanes[k] for k in lanes], hold)


def earliest_arrival(
    network: Network,
    origin: str,
    ready: datetime,
    temperature: str,
    destination: str | None = None,
    *,
    quantile: float | None = None,
    material: Material | None = None,
) -> Itinerary | dict[str, Itinerary] | None:
    """Earliest arrival from ``origin`` with material ready at ``ready`` (aware).

    ``temperature`` is the shipment's class (``2-8C`` fresh, ``LN2`` cryopreserved);
    ``quantile`` plans on that quantile of lane durations instead of their nominal
    times; ``material`` chooses the customs rules (default: starting material to a
    manufacturing site, the finished product otherwise). With a ``destination``: its
    itinerary or None. Without: a dict of the earliest itinerary to every reachable
    site.

    >>> import logistics as lg
    >>> from datetime import datetime, UTC
    >>> net = lg.read_network("tests/data/tiny")
    >>> it = earliest_arrival(net, "TC-LON", datetime(2026, 12, 7, 13, tzinfo=UTC), "2-8C",
    ...                       "MFG-LEI")
    >>> [leg.lane_id for leg in it.legs]
    ['RD-LON-LHR', 'AIR-LHR-AMS', 'RD-AMS-LEI']
    >>> it.arrival.isoformat()   # Leiden opens 07:00 CET = 06:00Z
    '2026-12-08T06:00:00+00:00'
    """
    if material is None:
        to_plant = destination is not None and (
            network.sites[destination].kind == SiteKind.MANUFACTURING_SITE
        )
        material = Material.STARTING if to_plant else Material.FINISHED
    router = Router(network, quantile, material=material)
    if destination is None:
        return router.earliest_all(origin, ready, temperature)
    return router.earliest(origin, destination, ready, temperature)


def _earliest(
    cn: CompiledNetwork,
    o: int,
    d: int,
    ready: datetime,
    temperature: str,
    banned: Iterable[int] = (),
    first: tuple[float, float] | None = None,
) -> Itinerary | None:
    """The itinerary of :func:`earliest_cheapest` from node ``o`` to ``d``."""
    r = float(to_s(ready))
    best = earliest_cheapest(cn, o, r, temperature, d, banned=banned, first=first)
    if best is None:
        return None
    lanes, hold = best.chain()
    return replay(cn, o, r, temperature, [cn.lanes[k] for k in lanes], hold)


_LANE_INDEX: weakref.WeakKeyDictionary[CompiledNetwork, dict[str, int]] = (
    weakref.WeakKeyDictionary()
)


def _lane_index(cn: CompiledNetwork) -> dict[str, int]:
    """Compiled lane index by lane id (cached per compiled network)."""
    found = _LANE_INDEX.get(cn)
    if found is None:
        found = _LANE_INDEX[cn] = {cl.lane_id: cl.index for cl in cn.lanes}
    return found
