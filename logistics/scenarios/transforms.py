"""Applying a scenario: a pure transform (Network, OrderBook) -> (Network, OrderBook).

The inputs are never modified: changed lanes, customs rules, capacity and the order
book are new objects (``dataclasses.replace``); everything unchanged is shared.

- ``close_lanes``, ``lane_delay``, ``airspace_closure``, ``carrier_capacity``: a
  :class:`~logistics.model.disruptions.Window` is appended to each matching lane's
  ``windows`` (generated road legs are lanes of mode ``road`` and match too).
- ``customs_delay``: a window is appended to each matching customs rule's ``windows``.
- ``site_capacity``: dated capacity overrides for each local date the window touches.
- ``demand``: orders added (copies of ``new`` orders) or removed, seeded.

A window without effect (factor 1, add_h 0, not closed, capacity factor 1) is not
added, so such a disruption leaves the network equal to the input.
"""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.errors import InputError
from logistics.io.scenarios_check import validate_against
from logistics.model.capacity import Capacity
from logistics.model.constants import OrderStatus
from logistics.model.customs import CustomsRule
from logistics.model.disruptions import Window
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.model.scenario import AIR_MODES, Disruption, DisruptionKind, Scenario
from logistics.model.sites import Site

log = logging.getLogger("logistics")

# The window of a disruption without start or end: "always" for every plan horizon.
FAR_PAST = datetime(1900, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)
MAX_SHIFT_DAYS = 3  # extra orders: apheresis window moved by -3 .. +3 days

_K = DisruptionKind
_LANE_KINDS = (_K.CLOSE_LANES, _K.LANE_DELAY, _K.AIRSPACE_CLOSURE, _K.CARRIER_CAPACITY)


def span(scenario: Scenario, disruption: Disruption) -> tuple[datetime, datetime]:
    """The window of ``disruption`` of ``scenario``, open sides filled by 1900 / 2200."""
    start, end = scenario.bounds(disruption)
    return start or FAR_PAST, end or FAR_FUTURE


def lane_matches(disruption: Disruption, lane: Lane, network: Network) -> bool:
    """True when ``lane`` of ``network`` is one the disruption acts on (its filters all
    match).

    ``airspace_closure``: an ``air`` or ``onboard_courier`` lane from or to a site (its
    airport) in one of the countries. The other lane kinds: every filter given matches;
    ``countries`` matches a lane whose from or to site is in one of them,
    ``touching_sites`` one whose from or to site is one of them, ``road_zones`` a
    generated road leg between those road zones (one zone: within it).
    """
    a = network.sites[lane.from_site]
    b = network.sites[lane.to_site]
    d = disruption
    if d.kind == _K.AIRSPACE_CLOSURE:
        countries = d.countries or ()
        return lane.mode in AIR_MODES and (a.country in countries or b.country in countries)
    return (
        (d.modes is None or lane.mode in d.modes)
        and (d.carriers is None or lane.carrier in d.carriers)
        and (d.lanes is None or lane.lane_id in d.lanes)
        and (d.from_territory is None or a.territory == d.from_territory)
        and (d.to_territory is None or b.territory == d.to_territory)
        and (d.from_sites is None or lane.from_site in d.from_sites)
        and (d.to_sites is None or lane.to_site in d.to_sites)
        and (d.countries is None or a.country in d.countries or b.country in d.countries)
        and (d.touching_sites is None or bool({a.site_id, b.site_id} & set(d.touching_sites)))
        and (d.road_zones is None or _between_zones(lane, a, b, d.road_zones, network))
    )


def _between_zones(lane: Lane, a: Site, b: Site, zones: tuple[str, ...], network: Network) -> bool:
    """A generated road leg whose two ends lie in exactly the road zones ``zones`` (one
    zone: both ends in it), in either direction."""
    if not lane.generated:
        return False
    cfg = network.roads
    ends = {cfg.site_zone(s.site_id, s.country, s.subdivision) for s in (a, b)}
    return ends == set(zones)


def rule_matches(disruption: Disruption, rule: CustomsRule) -> bool:
    """True when ``disruption``, a ``customs_delay``, acts on ``rule``: same direction,
    and the rule's mode among ``modes`` (a rule for every mode matches any ``modes``)."""
    d = disruption
    return (
        rule.from_territory == d.from_territory
        and rule.to_territory == d.to_territory
        and (d.modes is None or rule.mode is None or rule.mode in d.modes)
    )


def _window(d: Disruption, start: datetime, end: datetime) -> Window | None:
    """The lane or customs window of a disruption; None when it has no effect."""
    if d.kind in (_K.CLOSE_LANES, _K.AIRSPACE_CLOSURE):
        return Window(start=start, end=end, closed=True)
    if d.kind == _K.CARRIER_CAPACITY:
        if d.factor == 1:
            return None
        return Window(start=start, end=end, capacity_factor=d.factor)
    if d.factor == 1 and d.add_h == 0:  # lane_delay, customs_delay
        return None
    return Window(start=start, end=end, factor=d.factor, add_h=d.add_h)


def _slots(base: int, factor: float) -> int:
    """floor(base x factor), robust to binary fractions (0.29 x 100 is 29, not 28)."""
    return max(0, math.floor(base * factor + 1e-9))


def _site_capacity(
    capacity: Capacity,
    network: Network,
    d: Disruption,
    start: datetime | None,
    end: datetime | None,
) -> Capacity:
    """Slots of ``d.sites`` scaled on every local date touched by [start, end); without
    a window, the weekly pattern and every dated override scaled."""
    resource = d.resource or ""
    weekly = dict(capacity.weekly)
    dated = dict(capacity.dated)
    for site_id in d.sites:
        if start is None or end is None:
            week = weekly.get((site_id, resource))
            if week is not None:
                weekly[(site_id, resource)] = tuple(_slots(s, d.factor) for s in week)
            for key, slots in capacity.dated.items():
                if key[0] == site_id and key[1] == resource:
                    dated[key] = _slots(slots, d.factor)
            continue
        tz = ZoneInfo(network.sites[site_id].timezone)
        day = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        while day <= last:
            dated[(site_id, resource, day)] = _slots(
                capacity.slots(site_id, resource, day), d.factor
            )
            day += timedelta(days=1)
    return Capacity(weekly=weekly, dated=dated)


def _shift(t: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``t`` moved by whole local days (same wall-clock time in ``tz``), in UTC."""
    return (t.astimezone(tz) + timedelta(days=days)).astimezone(UTC)


def _demand(
    orders: Sequence[Order],
    network: Network,
    d: Disruption,
    start: datetime,
    end: datetime,
) -> tuple[Order, ...]:
    """Orders after a demand change: ``new`` orders whose apheresis_earliest lies in the
    window are the pool; factor > 1 adds round(pool x (factor - 1)) copies, factor < 1
    removes round(pool x (1 - factor)) of them, drawn with ``random.Random(seed)``."""
    rng = random.Random(d.seed)
    pool = [o for o in orders if o.status == "new" and start <= o.apheresis_earliest < end]
    if d.factor < 1:
        k = math.floor(len(pool) * (1 - d.factor) + 0.5)
        dropped = {id(o) for o in rng.sample(pool, k)}
        return tuple(o for o in orders if id(o) not in dropped)
    k = math.floor(len(pool) * (d.factor - 1) + 0.5)
    if not pool or k == 0:
        return tuple(orders)
    taken = {o.order_id for o in orders}
    extra: list[Order] = []
    n = 0
    for _ in range(k):
        base = rng.choice(pool)
        days = rng.randint(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS)
        n += 1
        while f"{base.order_id}-D{n}" in taken:
            n += 1
        order_id = f"{base.order_id}-D{n}"
        taken.add(order_id)
        site = network.sites.get(base.treatment_centre)
        tz = ZoneInfo(site.timezone) if site is not None else ZoneInfo("UTC")
        extra.append(
            replace(
                base,
                order_id=order_id,
                status=OrderStatus.NEW,
                apheresis_earliest=_shift(base.apheresis_earliest, days, tz),
                apheresis_latest=_shift(base.apheresis_latest, days, tz),
                committed_site=None,
                committed_apheresis=None,
            )
        )
    return (*orders, *extra)


def apply(scenario: Scenario, network: Network, book: OrderBook) -> tuple[Network, OrderBook]:
    """The network and order book under ``scenario`` (the inputs are left as they are).

    Disruptions apply in file order. Raises InputError when the scenario names lanes,
    sites, carriers, territories, modes or countries the network does not have. The
    baseline (no disruptions) returns the inputs themselves.
    """
    if not scenario.disruptions:
        return network, book
    issues = validate_against(scenario, network)
    if issues:
        raise InputError(issues)
    lane_windows: dict[int, list[Window]] = defaultdict(list)
    rule_windows: dict[int, list[Window]] = defaultdict(list)
    capacity = network.capacity
    orders: tuple[Order, ...] = book.orders
    for index, d in enumerate(scenario.disruptions, start=1):
        start, end = span(scenario, d)
        where = f"scenario {scenario.name!r}: disruption[{index}] ({d.kind})"
        if d.kind in _LANE_KINDS:
            matched = [
                i
                for i, lane in enumerate(network.lanes)
                if lane_matches(d, lane, network)
                and (d.kind != _K.CARRIER_CAPACITY or lane.capacity is not None)
            ]
            if not matched:
                log.warning(f"{where} matches no lane")
            window = _window(d, start, end)
            if window is not None:
                for i in matched:
                    lane_windows[i].append(window)
        elif d.kind == _K.CUSTOMS_DELAY:
            matched = [i for i, r in enumerate(network.customs) if rule_matches(d, r)]
            if not matched:
                log.warning(f"{where} matches no customs rule")
            window = _window(d, start, end)
            if window is not None:
                for i in matched:
                    rule_windows[i].append(window)
        elif d.kind == _K.SITE_CAPACITY:
            capacity = _site_capacity(capacity, network, d, *scenario.bounds(d))
        elif d.kind == _K.DEMAND:
            orders = _demand(orders, network, d, start, end)
    lanes = tuple(
        replace(lane, windows=lane.windows + tuple(lane_windows[i])) if i in lane_windows else lane
        for i, lane in enumerate(network.lanes)
    )
    customs = tuple(
        replace(rule, windows=rule.windows + tuple(rule_windows[i])) if i in rule_windows else rule
        for i, rule in enumerate(network.customs)
    )
    changed = replace(network, lanes=lanes, customs=customs, capacity=capacity)
    new_book = book if orders == book.orders else replace(book, orders=orders)
    return changed, new_book
