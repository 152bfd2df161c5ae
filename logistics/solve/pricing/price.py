"""Pricing: the least reduced cost over every schedule of one order.

A schedule (the data contract's rules, as in :mod:`logistics.solve.candidates`) is an
apheresis day, a licensed site, an inbound itinerary taking any departure of each
lane within the fresh window, a manufacturing start at the handover or at the first
opening of a later local day inside the window, and an outbound itinerary (any
departures) within the shipper hold time. Its reduced cost is its objective
coefficient plus the prices of the capacities it holds (apheresis day, manufacturing
days, shippers on limited departures) less the order's penalty plus its own price.

The risk term is left out (it is >= 0), so the least reduced cost found is a lower
bound on the true one: exact for every other term. Inbound itineraries come from
the (time, value) Pareto search, outbound ones from the least time-weighted value to
the order's centre, both in :mod:`logistics.network.pareto`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.model.ledger import Key, Kind, Ledger
from logistics.model.orders import OrderStatus
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import search
from logistics.network.infusion import infusion_time, prep_s
from logistics.network.pareto import Label, cheapest, lower_bounds, pareto
from logistics.network.timebase import INF
from logistics.solve.candidates import CandidateSet
from logistics.solve.candidates.candidate import DAY_S
from logistics.solve.candidates.phases import first_opening, start_options
from logistics.solve.params import Weights
from logistics.solve.problem import SCALE, held

_APHERESIS, _MANUFACTURING, _LANE = Kind.APHERESIS, Kind.MANUFACTURING, Kind.LANE


@dataclass(frozen=True, slots=True)
class Schedule:
    """One priced schedule of one order, enough to make its candidate: its itineraries
    as compiled lane ids and the time the material was presented to each (see
    ``Label.chain``), plain data a forked pricer sends back."""

    order: int
    rc: float  # reduced cost lower bound, model units
    day: date
    ready: int
    site: str
    start: int
    release: int
    inbound: tuple[tuple[int, ...], tuple[float, ...]]
    outbound: tuple[tuple[int, ...], tuple[float, ...]]
    delivery: int  # handover of the product at the centre


class Pricer:
    """Prices the schedules of a candidate set's orders against capacity prices."""

    def __init__(
        self,
        cs: CandidateSet,
        weights: Weights,
        options: Mapping[int, list[tuple[date, int]]],
        previous: Mapping[str, tuple[str, date]],
        used: Ledger | None = None,
    ) -> None:
        """``used`` is the capacity already taken (default: the frozen orders')."""
        self.cs, self.w, self.options, self.previous = cs, weights, options, previous
        net, cn = cs.network, cs.cn
        self.limited = frozenset(
            cl.cid for cl in cn.lanes if net.lanes[cl.index].capacity is not None
        )
        if used is None:
            used = Ledger(net)
            for c in cs.frozen.values():
                used.take(held(cs, c))
        self.ledger = used
        # a hook for network design (logistics.design): the vein-to-vein cap in
        # seconds; schedules beyond it are never priced
        self.v2v_cap_s: float | None = None
        self._latest: dict[tuple[int, str, int], float] = {}
        self._room: dict[Key, bool] = {}
        # the (lane, departure) pairs priced by the running search, and by each cached one
        self._seen: set[tuple[str, int]] = set()
        self._touched: dict[tuple, frozenset[tuple[str, int]]] = {}
        self._lower: dict[tuple[tuple[int, ...], str, bool, bool], list[float]] = {}
        self._first: dict[tuple[str, int, int, str, tuple[int, ...]], list[float]] = {}
        # earliest deliveries the candidates already know (their returns are earliest)
        self._home = cs.homes()
        self.pi: Mapping[Key, float] = {}
        self._lane_pi: dict[tuple[str, int], float] = {}
        self._inbound: dict[tuple, tuple[list[Label], float]] = {}
        self._outbound: dict[tuple, tuple[Label | None, float]] = {}
        # the options lower() worked out per order under the current prices
        self._bounded: dict[int, tuple[float, list[tuple], float]] = {}
        self._batches: dict[tuple[str, date, int], float] = {}
        # (site, first, last, therapy, centre, latest) -> (batch price, infusion) per
        # day a batch may start on (see _after), under the current prices
        self._days: dict[tuple, list[tuple[float, float]]] = {}
        self._starts: dict = {}  # (see first_opening: a fact of the network)
        self._dates: dict[tuple[str, int], date] = {}  # (site, time) -> local date
        self._made: dict[tuple, tuple[float, float]] = {}  # (see _made_at)

    def set_prices(self, pi: Mapping[Key, float]) -> None:
        """New capacity prices (model units); a cached search that priced a departure
        whose price changed is forgotten."""
        lane_pi = {(k[1], k[2]): v for k, v in pi.items() if isinstance(k[2], int)}
        changed = {key for key, _ in lane_pi.items() ^ self._lane_pi.items()}
        if changed:
            for cache in (self._inbound, self._outbound):
                for key in [k for k in cache if not self._touched[k].isdisjoint(changed)]:
                    del cache[key]
        self.pi, self._lane_pi = pi, lane_pi
        self._bounded.clear()
        self._batches.clear()
        self._days.clear()

    def _price(self, key: Key) -> float:
        """Price of one unit of ``key`` in weight units (inf when it has no room)."""
        room = self._room.get(key)
        if room is None:
            room = self._room[key] = self.ledger.free(key) > 0
        return self.pi.get(key, 0.0) / SCALE if room else INF

    def _lane_price(self, lane_id: str, depart: int) -> float:
        self._seen.add((lane_id, depart))
        return self._price((_LANE, lane_id, depart))

    def price(self, k: int, mu: float, keep: int = 3) -> tuple[float, list[Schedule]]:
        """The least reduced cost (lower bound, model units) of order ``k`` whose own
        price is ``mu`` when it is negative (inf when no schedule has a negative one),
        and up to ``keep`` schedules with negative reduced cost, the best found of
        each (apheresis day, site), best first.

        Each (day, site), and within it each manufacturing start, is first bounded
        from below (earliest arrivals, which no itinerary beats on a FIFO network,
        and the least lane costs); one whose bound cannot beat the best schedule
        found so far is never searched."""
        mu_then, options, shift = self._bounded.pop(k, (None, [], 0.0))
        if mu_then != mu:
            options, shift = self._options(k, mu)
        if not options:
            return INF, []
        return self._search(k, options, shift, keep)

    def lower(self, k: int, mu: float) -> float:
        """A lower bound on the least reduced cost of order ``k`` (model units), from
        the bounds of its (day, site) options alone, without searching (inf when it
        has no schedule): cheap where :meth:`price` is not."""
        options, shift = self._options(k, mu)
        self._bounded[k] = (mu, options, shift)  # for price(k) under these prices
        if not options:
            return INF
        # a schedule's coefficient is its value in model units rounded (see _search)
        return math.floor(min(o[0] for o in options) * SCALE - 0.5) - shift - 1.0

    def _options(self, k: int, mu: float) -> tuple[list[tuple], float]:
        """The (day, site) options of order ``k`` that some schedule can take, each as
        (bound on its value, day, ready, site, base, apheresis price), least bound
        first, and the ``shift`` of its reduced costs (rc = coefficient + prices -
        shift)."""
        cs, w = self.cs, self.w
        order = cs.book.orders[k]
        if order.booked or order.status == OrderStatus.CANCELLED or k not in self.options:
            return [], 0.0
        net, cn = cs.network, cs.cn
        therapy = net.therapies[order.therapy]
        t_in, t_out = therapy.inbound_temperature, therapy.outbound_temperature
        prio = w.priority_weight(order.priority)
        tw = prio * w.v2v_per_h / 3600  # per second of vein to vein
        shift = round(w.unserved_penalty * prio * SCALE) - mu
        centre = cn.index[order.treatment_centre]
        plants = tuple(sorted(cn.index[s] for s in therapy.sites))
        cost_out = self._bounds(((centre,), t_out, True))
        finish = self._finish(centre, therapy)
        fresh_s = therapy.inbound_max_h * 3600
        was = self.previous.get(order.order_id)
        options = []  # (floor, day, ready, site, base, apheresis price)
        for day, ready in self.options[k]:
            p_day = self._price((_APHERESIS, order.treatment_centre, day))
            if p_day == INF:
                continue
            wait_h = max(0.0, ready - order.apheresis_earliest.timestamp()) / 3600
            known = cs.first.get((order.treatment_centre, ready, t_in))
            first = self._earliest(cn, centre, ready, t_in, plants) if known is None else known
            latest = self._last_delivery(centre, therapy, ready, finish)
            for site in therapy.sites:
                v = cn.index[site]
                if first[v] - ready > fresh_s:
                    continue  # no itinerary reaches the site in the fresh window
                stay = w.stability if was is not None and was != (site, day) else 0.0
                base = prio * w.wait_per_h * wait_h + p_day + stay - tw * ready
                after = self._after(site, first[v], ready + fresh_s, therapy, centre, tw, latest)
                if after == INF:
                    continue
                cost_in = self._bounds(((v,), t_in, True))[centre]
                floor = base + w.cost_per_eur * (cost_in + cost_out[v]) + after
                options.append((floor, day, ready, site, base, p_day))
        options.sort(key=lambda o: o[0])
        return options, shift

    def _search(
        self, k: int, options: list[tuple], shift: float, keep: int
    ) -> tuple[float, list[Schedule]]:
        """:meth:`price` over the ``options`` of :meth:`_options`."""
        cs, w = self.cs, self.w
        order = cs.book.orders[k]
        cn = cs.cn
        therapy = cs.network.therapies[order.therapy]
        t_in, t_out = therapy.inbound_temperature, therapy.outbound_temperature
        tw = w.priority_weight(order.priority) * w.v2v_per_h / 3600
        centre = cn.index[order.treatment_centre]
        cost_out = self._bounds(((centre,), t_out, True))
        to_centre = self._bounds(((centre,), t_out, False), outbound=True)
        making = (therapy.manufacturing_days + therapy.release_days) * DAY_S
        finish = self._finish(centre, therapy)
        best: dict[tuple[date, str], tuple] = {}
        # A schedule is worth finding only below the least value found so far and
        # below the value whose reduced cost is 0 (the bound needs min(0, rc) only).
        least = (shift + 0.5) / SCALE
        least_rc = INF
        for floor, day, ready, site, base, p_day in options:
            if floor >= least:
                break
            v = cn.index[site]
            fresh = ready + therapy.inbound_max_h * 3600
            # a label worth this much or more cannot beat ``least``: the option's
            # bound less its inbound lane costs is what follows the handover at least
            cap = least - floor + w.cost_per_eur * self._bounds(((v,), t_in, True))[centre]
            for lab in self._inbound_labels(centre, ready, t_in, fresh, v, cap):
                for start in start_options(cn, site, int(lab.time), fresh, self._starts):
                    release = start + making
                    home = self._home_at(v, release, t_out, centre)
                    bound = base + lab.value + tw * finish(home) + w.cost_per_eur * cost_out[v]
                    if bound >= least:
                        break  # later starts only deliver later
                    p_mfg = self._batch_price(site, start, therapy.manufacturing_days)
                    if bound + p_mfg >= least:
                        continue
                    spent = base + lab.value + p_mfg
                    out = self._delivery(
                        site,
                        release,
                        therapy,
                        centre,
                        tw,
                        to_centre,
                        least - spent,
                        finish,
                        self._last_delivery(centre, therapy, ready, finish),
                    )
                    if out is None:
                        continue
                    value = base + lab.value + p_mfg + tw * finish(out.time) + out.value
                    if value >= least:
                        continue
                    least = value
                    paid = p_day + p_mfg + lab.paid + out.paid
                    # the coefficient is an integer no less than its value rounded
                    coef = math.ceil((value - paid) * SCALE - 0.5 - 1e-9)
                    rc = coef + paid * SCALE - shift
                    least_rc = min(least_rc, rc)
                    best[(day, site)] = (rc, day, ready, site, start, release, lab, out)
        found = sorted((b for b in best.values() if b[0] < -1.0), key=lambda b: b[0])
        return least_rc, [
            Schedule(k, rc, day, ready, site, start, release, a.chain(), b.chain(), int(b.time))
            for rc, day, ready, site, start, release, a, b in found[:keep]
        ]

    def fits(self, k: int) -> Schedule | None:
        """The best schedule of order ``k`` that fits the capacity left, whatever it
        costs (prices are ignored), or None when none does."""
        pi = self.pi
        self.set_prices({})
        found = self.price(k, -INF, keep=1)[1]
        self.set_prices(pi)
        return found[0] if found else None

    def _bounds(
        self, key: tuple[tuple[int, ...], str, bool], outbound: bool = False
    ) -> list[float]:
        """Static least time (or cost) to the targets, cached (``outbound``: of the
        finished product, whose customs may differ)."""
        cache = (*key, outbound)
        if cache not in self._lower:
            targets, temp, cost = key
            cn = self.cs.cn_out if outbound else self.cs.cn
            self._lower[cache] = lower_bounds(cn, targets, temp, cost=cost)
        return self._lower[cache]

    def _home_at(self, site: int, release: int, temp: str, centre: int) -> float:
        """Earliest delivery at ``centre`` of a product released at ``site``."""
        known = self._home.get((site, release, centre))
        if known is not None:
            return known
        return self._earliest(self.cs.cn_out, site, release, temp, (centre,))[centre]

    def _earliest(
        self, cn: CompiledNetwork, origin: int, t: int, temp: str, targets: tuple[int, ...]
    ) -> list[float]:
        """Earliest handover at ``targets`` from ``origin`` at ``t`` in ``cn``, no
        deadline (a lower bound on every itinerary's handover there), cached."""
        key = (cn.material, origin, t, temp, targets)
        if key not in self._first:
            lower = lower_bounds(cn, targets, temp)
            self._first[key] = search(cn, origin, float(t), temp, targets=targets, lower=lower)[0]
        return self._first[key]

    def _inbound_labels(
        self, centre: int, ready: int, temp: str, fresh: float, plant: int, cap: float = INF
    ) -> list[Label]:
        """Pareto labels at ``plant`` from the centre at ``ready``, handed over by
        ``fresh``, worth less than ``cap``; cached with the cap searched (a search
        under a higher cap serves every lower one)."""
        key = (centre, ready, temp, fresh, plant)
        found = self._inbound.get(key)
        if found is None or found[1] < cap:
            self._seen = set()
            labels = pareto(
                self.cs.cn,
                centre,
                float(ready),
                temp,
                fresh,
                cost_weight=self.w.cost_per_eur,
                price=self._lane_price,
                limited=self.limited,
                lower=self._bounds(((plant,), temp, False)),
                target=plant,
                value_cap=cap,
                lower_cost=self._bounds(((plant,), temp, True)),
            )[plant]
            found = self._inbound[key] = (labels, cap)
            self._touched[key] = frozenset(self._seen)
        return [lab for lab in found[0] if lab.value < cap]

    def _finish(self, centre: int, therapy) -> Callable[[float], float]:
        """The infusion time of a delivery at ``centre`` (non-decreasing)."""
        hours = self.cs.cn.open[centre]
        prep, early = prep_s(therapy)
        return functools.partial(infusion_time, hours, prep=prep, early=early)

    def _delivery(
        self,
        site: str,
        release: int,
        therapy,
        centre: int,
        tw: float,
        lower,
        cutoff: float,
        finish: Callable[[float], float],
        latest: float = INF,
    ) -> Label | None:
        """The outbound label at ``centre`` least in ``tw x infusion + value`` if
        that is below ``cutoff`` (else None), handed over by ``latest`` at the latest:
        A* to the centre, cached."""
        key = (site, release, therapy.therapy_id, centre, tw, latest)
        found, tried = self._outbound.get(key, (None, -INF))
        if found is not None or cutoff <= tried:
            return found
        self._seen = set()
        found = cheapest(
            self.cs.cn_out,
            self.cs.cn.index[site],
            float(release),
            therapy.outbound_temperature,
            min(release + therapy.outbound_max_h * 3600, latest),
            centre,
            time_weight=tw,
            cost_weight=self.w.cost_per_eur,
            price=self._lane_price,
            limited=self.limited,
            lower=lower,
            cutoff=cutoff,
            finish=finish,
            lower_cost=self._bounds(((centre,), therapy.outbound_temperature, True)),
        )
        self._outbound[key] = (found, cutoff)
        self._touched[key] = frozenset(self._seen)
        return found

    def _last_delivery(
        self, centre: int, therapy, ready: int, finish: Callable[[float], float]
    ) -> float:
        """The latest delivery whose infusion keeps the vein-to-vein cap
        (``v2v_cap_s``) for material ready at ``ready`` (inf without a cap): the
        infusion is a non-decreasing function of the delivery, so a bisection."""
        if self.v2v_cap_s is None:
            return INF
        key = (centre, therapy.therapy_id, ready)
        found = self._latest.get(key)
        if found is None:
            limit = ready + self.v2v_cap_s
            lo, hi = float(ready), float(limit)
            if finish(hi) <= limit:
                lo = hi
            while hi - lo > 1.0:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if finish(mid) <= limit else (lo, mid)
            found = self._latest[key] = lo if finish(lo) <= limit else -INF
        return found

    def _after(
        self, site: str, first: float, last: float, therapy, centre: int, tw: float, latest: float
    ) -> float:
        """A lower bound on ``batch price + tw x infusion`` of material handed over at
        ``site`` between ``first`` and ``last``: per local date a batch may start on,
        its batch price plus the infusion of the earliest delivery (by ``latest``) of
        a batch started that day at the earliest (no earlier than ``first``, nor than
        the day's first opening, as every handover waits for it); inf when none
        fits."""
        key = (site, first, last, therapy.therapy_id, centre, latest)
        days = self._days.get(key)
        if days is None:  # (orders of every priority at a centre share them)
            days = self._days[key] = self._start_days(site, first, last, therapy, centre, latest)
        return min((price + tw * infusion for price, infusion in days), default=INF)

    def _start_days(
        self, site: str, first: float, last: float, therapy, centre: int, latest: float
    ) -> list[tuple[float, float]]:
        """For :meth:`_after`: (batch price, infusion) of each local date a batch may
        start on, whose earliest delivery comes by ``latest``: at ``first`` on its
        own date, at the first opening on each later one."""
        zone = ZoneInfo(self.cs.network.sites[site].timezone)
        day = datetime.fromtimestamp(first, UTC).astimezone(zone).date()
        end = datetime.fromtimestamp(last, UTC).astimezone(zone).date()
        start, out = int(first), []
        while day <= end and start <= last:
            price = self._batch_price(site, start, therapy.manufacturing_days)
            if price < INF:
                home, infusion = self._made_at(site, start, therapy, centre)
                if home <= latest:
                    out.append((price, infusion))
            day += timedelta(days=1)
            start = int(first_opening(self.cs.cn, site, day, self._starts)[0])
        return out

    def _made_at(self, site: str, start: int, therapy, centre: int) -> tuple[float, float]:
        """The earliest delivery at ``centre`` of a batch started at ``site`` at
        ``start``, and its infusion: facts of the network, kept across prices (the
        first openings of later days are shared by every order of the centre)."""
        key = (site, start, therapy.therapy_id, centre)
        got = self._made.get(key)
        if got is None:
            making = (therapy.manufacturing_days + therapy.release_days) * DAY_S
            v = self.cs.cn.index[site]
            home = self._home_at(v, start + making, therapy.outbound_temperature, centre)
            got = self._made[key] = (home, self._finish(centre, therapy)(home))
        return got

    def _batch_price(self, site: str, start: int, days: int) -> float:
        """Price of a batch started at ``start`` (its local days' slots), cached per
        (site, first local day) under the current prices."""
        first = self._dates.get((site, start))
        if first is None:
            zone = ZoneInfo(self.cs.network.sites[site].timezone)
            first = datetime.fromtimestamp(start, UTC).astimezone(zone).date()
            self._dates[site, start] = first
        total = self._batches.get((site, first, days))
        if total is None:
            total = 0.0
            for d in range(days):
                total += self._price((_MANUFACTURING, site, first + timedelta(days=d)))
                if total == INF:
                    break
            self._batches[(site, first, days)] = total
        return total
