"""Every schedule the data contract allows for a tiny book, and the best plan.

Independent of the package (reads through contract_bundle.py, imports nothing from
``logistics``). A schedule of an order is: an apheresis day (centre's local date, the
material ready at ``apheresis_ready``, inside the order's window, with an apheresis
slot); a licensed manufacturing site in a market of the centre's territory; an
inbound itinerary taking *any* departure of each lane (not only the earliest) and
handed over at the site; a manufacturing start at the handover or at the start of a
later local day, within ``inbound_max_h`` of apheresis; a batch holding one slot on
each of ``manufacturing_days`` local dates from the start; release after
``release_days``; an outbound itinerary (any departures) handed over at the centre
within ``outbound_max_h`` of release; the infusion ``infusion_prep_days`` after the
lymphodepletion, which starts ``lymphodepletion_before_delivery_h`` before the
delivery at the earliest (the sites are open 24/7, so both start as early as that).
Capacity: apheresis slots per centre-day,
manufacturing slots per site-day, shippers per lane departure.

The objective is the one the solver documents (docs and ``Weights``): per served
order ``priority_weight x (v2v_per_h x v2v h + wait_per_h x wait h) + cost_per_eur x
cost`` (v2v: apheresis to infusion), per unserved order ``unserved_penalty x
priority_weight``, each term rounded to hundredths (the solver's integer units).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from contract_bundle import Bundle, CLane, COrder

SCALE = 100
Key = tuple[str, str, object]


@dataclass(frozen=True)
class Weights:
    """The objective's weights, as passed to the solver."""

    unserved_penalty: float
    v2v_per_h: float
    wait_per_h: float
    cost_per_eur: float
    priority: Mapping[int, float]


@dataclass(frozen=True)
class Schedule:
    """One way to serve one order: what it holds and what it costs."""

    order: int
    holds: frozenset[Key]
    value: int  # objective units (x SCALE)
    site: str
    ready: datetime
    delivery: datetime


@dataclass(frozen=True)
class Best:
    """The best plan: its objective, served orders and one schedule per served order."""

    objective: int
    served: int
    chosen: tuple[Schedule, ...]


def _departures(lane: CLane, bundle: Bundle, after: datetime, until: datetime):
    """Every departure of ``lane`` at or after ``after`` whose arrival is by ``until``."""
    if not lane.departures:
        yield after
        return
    zone = bundle.sites[lane.origin].zone
    day = after.astimezone(zone).date()
    while True:
        if day.weekday() in lane.days:
            for clock in lane.departures:
                depart = datetime.combine(day, clock, zone).astimezone(UTC)
                if depart + timedelta(hours=lane.duration_h) > until:
                    return
                if depart >= after:
                    yield depart
        day += timedelta(days=1)


def itineraries(
    bundle: Bundle, origin: str, target: str, ready: datetime, temp: str, until: datetime
) -> Iterator[tuple[datetime, float, tuple[tuple[str, datetime], ...]]]:
    """Every (handover at target, cost, capacity-limited (lane, departure)s) of the
    simple paths origin -> target carrying ``temp``, every departure of every lane,
    handed over by ``until``. Sites are 24/7: handover = arrival."""

    def walk(site, t, cost, seen, held):
        if site == target:
            yield t, cost, held
            return
        for lane in bundle.lanes:
            if lane.origin != site or lane.target in seen or temp not in lane.temperatures:
                continue
            for depart in _departures(lane, bundle, t + timedelta(hours=lane.lead_h), until):
                arrive = depart + timedelta(hours=lane.duration_h)
                use = ((lane.lane_id, depart),) if lane.capacity is not None else ()
                yield from walk(
                    lane.target, arrive, cost + lane.cost, seen | {lane.target}, held + use
                )

    yield from walk(origin, ready, 0.0, frozenset({origin}), ())


def schedules(bundle: Bundle, k: int, w: Weights) -> list[Schedule]:
    """Every schedule of order ``k``, one per distinct set of held resources (the
    cheapest, since feasibility depends only on what a schedule holds)."""
    order: COrder = bundle.orders[k]
    therapy = bundle.therapies[order.therapy]
    centre = bundle.sites[order.centre]
    prio = w.priority[order.priority]
    if centre.territory not in therapy.markets:
        return []
    best: dict[frozenset[Key], Schedule] = {}
    day = order.earliest.astimezone(centre.zone).date()
    while day <= order.latest.astimezone(centre.zone).date():
        ready = datetime.combine(day, centre.ready, centre.zone).astimezone(UTC)
        day_key = ("apheresis", order.centre, day)
        open_slots = bundle.slots(order.centre, "apheresis", day)
        day += timedelta(days=1)
        if not order.earliest <= ready <= order.latest or open_slots < 1:
            continue
        fresh = ready + timedelta(hours=therapy.inbound_max_h)
        for site_id in therapy.sites:
            site = bundle.sites[site_id]
            for handover, cost_in, lanes_in in itineraries(
                bundle, order.centre, site_id, ready, therapy.inbound_temperature, fresh
            ):
                for start in _starts(handover, fresh, site.zone):
                    first = start.astimezone(site.zone).date()
                    batch = [
                        ("manufacturing", site_id, first + timedelta(days=d))
                        for d in range(therapy.manufacturing_days)
                    ]
                    release = start + timedelta(
                        days=therapy.manufacturing_days + therapy.release_days
                    )
                    hold = release + timedelta(hours=therapy.outbound_max_h)
                    for delivery, cost_out, lanes_out in itineraries(
                        bundle, site_id, order.centre, release, therapy.outbound_temperature, hold
                    ):
                        lanes = [("lane", lane, dep) for lane, dep in lanes_in + lanes_out]
                        holds = frozenset([day_key, *batch, *lanes])
                        infusion = (
                            delivery
                            - timedelta(hours=therapy.lymphodepletion_before_delivery_h)
                            + timedelta(days=therapy.infusion_prep_days)
                        )
                        v2v_h = (infusion - ready).total_seconds() / 3600
                        wait_h = max(0.0, (ready - order.earliest).total_seconds() / 3600)
                        value = round(
                            (
                                prio * (w.v2v_per_h * v2v_h + w.wait_per_h * wait_h)
                                + w.cost_per_eur * (cost_in + cost_out)
                            )
                            * SCALE
                        )
                        if holds not in best or value < best[holds].value:
                            best[holds] = Schedule(k, holds, value, site_id, ready, delivery)
    return list(best.values())


def _starts(handover: datetime, fresh: datetime, zone) -> list[datetime]:
    """Manufacturing starts worth trying: at the handover, and at the start of each
    later local day while inside the fresh window (a later start the same day holds
    the same slots and delivers later)."""
    out = [handover]
    day = handover.astimezone(zone).date() + timedelta(days=1)
    while (start := datetime.combine(day, time.min, zone).astimezone(UTC)) <= fresh:
        out.append(start)
        day += timedelta(days=1)
    return out


def capacity(bundle: Bundle, key: Key) -> int:
    """Slots of one resource."""
    kind, what, when = key
    if kind == "lane":
        lane = next(la for la in bundle.lanes if la.lane_id == what)
        assert lane.capacity is not None
        return lane.capacity
    return bundle.slots(what, kind, when)  # type: ignore[arg-type]


def best_plan(bundle: Bundle, w: Weights, limit: int = 2_000_000) -> Best:
    """The least objective over every combination of schedules (each order: one of
    its schedules or unserved) that respects every capacity; depth-first with a bound
    (the objective only grows), refusing books with more than ``limit`` combinations."""
    options = [
        sorted(schedules(bundle, k, w), key=lambda s: s.value) for k in range(len(bundle.orders))
    ]
    penalty = [round(w.unserved_penalty * w.priority[o.priority] * SCALE) for o in bundle.orders]
    total = 1
    for o in options:
        total *= len(o) + 1
    assert total <= limit, f"{total} combinations: too many to enumerate"
    caps: dict[Key, int] = {}
    used: Counter[Key] = Counter()
    best = Best(objective=sum(penalty), served=0, chosen=())
    floor = [min([penalty[k], *(s.value for s in options[k])]) for k in range(len(options))]

    def dfs(k: int, value: int, chosen: tuple[Schedule, ...]) -> None:
        nonlocal best
        if value + sum(floor[k:]) >= best.objective:
            return
        if k == len(options):
            best = Best(value, len(chosen), chosen)
            return
        for s in options[k]:
            if all(used[r] < caps.setdefault(r, capacity(bundle, r)) for r in s.holds):
                used.update(s.holds)
                dfs(k + 1, value + s.value, (*chosen, s))
                used.subtract(s.holds)
        dfs(k + 1, value + penalty[k], chosen)

    dfs(0, 0, ())
    return best
