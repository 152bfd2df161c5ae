"""Seeded synthetic order books for examples, tests and benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.model import ledger
from logistics.model.constants import Material, OrderStatus
from logistics.model.ledger import Kind, Ledger
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.network.router import Router

_PRIORITY_WEIGHTS = (0.1, 0.2, 0.4, 0.2, 0.1)  # priorities 1..5


def generate_orders(
    network: Network,
    n: int,
    start: date,
    days: int = 28,
    seed: int = 0,
    committed_share: float = 0.1,
) -> OrderBook:
    """``n`` pseudonymous orders on ``network`` with apheresis windows starting in
    ``[start, start+days)``, drawn from ``random.Random(seed)``.

    Each order picks a therapy with probability proportional to the batches its
    manufacturing capacity can start (a week's slot-days over its manufacturing days; a
    site shared by several therapies counts for each in equal parts), so every therapy
    loads its plants alike, then a treatment centre with apheresis slots in one of the
    therapy's markets (and countries, when it names any), a weekday earliest date and a
    window of 3-7 days.
    About ``committed_share`` of the orders starting in the first three days arrive
    already committed to a licensed site at the centre's apheresis-ready time.
    """
    rng = random.Random(seed)
    centres = sorted(
        s.site_id
        for s in network.sites.values()
        if s.kind == "treatment_centre" and s.site_id in network.capacity.sites_with("apheresis")
    )
    sharing: dict[str, int] = {}
    for therapy in network.therapies.values():
        for s in therapy.sites:
            sharing[s] = sharing.get(s, 0) + 1
    therapies, weights, centres_of = [], [], {}
    for tid, therapy in sorted(network.therapies.items()):
        eligible = [
            c
            for c in centres
            if network.sites[c].markets & set(therapy.markets)
            and therapy.allows_country(network.sites[c].country)
        ]
        slot_days = sum(
            sum(
                network.capacity.slots(s, "manufacturing", start + timedelta(days=d))
                for d in range(7)
            )
            / sharing[s]
            for s in therapy.sites
        )
        weight = slot_days / therapy.manufacturing_days  # batches it can start in a week
        if eligible and weight > 0:
            therapies.append(tid)
            weights.append(weight)
            centres_of[tid] = eligible
    if not therapies:
        raise ValueError("no treatment centre with apheresis slots in any therapy's market")
    weekdays = [start + timedelta(days=d) for d in range(days)]
    weekdays = [d for d in weekdays if d.weekday() < 5] or weekdays
    bookings = _Bookings(network)
    # one compiled network for every booking: a horizon grown booking by booking is
    # compiled again each time it grows (seconds each on a large network)
    first = datetime.combine(start, time.min, UTC)
    bookings.router.compiled(first, first + timedelta(days=min(days, 3) + 60))
    orders = []
    for k in range(n):
        tid = rng.choices(therapies, weights=weights)[0]
        centre_id = rng.choice(centres_of[tid])
        site = network.sites[centre_id]
        tz = ZoneInfo(site.timezone)
        earliest = rng.choice(weekdays)
        latest = earliest + timedelta(days=rng.randint(3, 7))
        priority = rng.choices(range(1, 6), weights=_PRIORITY_WEIGHTS)[0]
        status, site_id, apheresis = OrderStatus.NEW, None, None
        if (earliest - start).days < 3 and rng.random() < committed_share * 3:
            ready_t = time(site.apheresis_ready_min // 60, site.apheresis_ready_min % 60)
            ready = datetime.combine(earliest, ready_t, tz).astimezone(UTC)
            site_id = bookings.book(tid, centre_id, earliest, ready, rng)
            if site_id is not None:
                status, apheresis = OrderStatus.COMMITTED, ready
        orders.append(
            Order(
                order_id=f"ORD-{seed:02d}-{k + 1:05d}",
                therapy=tid,
                treatment_centre=centre_id,
                apheresis_earliest=datetime.combine(earliest, time.min, tz).astimezone(UTC),
                apheresis_latest=datetime.combine(latest, time.max, tz).astimezone(UTC),
                priority=priority,
                status=status,
                committed_site=site_id,
                committed_apheresis=apheresis,
            )
        )
    return OrderBook(orders=tuple(orders), source=f"generated(n={n}, seed={seed})")


class _Bookings:
    """Committed orders booked as a planner would have: a licensed site the fresh
    material reaches in time and whose product returns within the hold time, with an
    apheresis slot, manufacturing slots and room on capacity-limited departures free
    (both itineraries the earliest, as the solver keeps booked orders)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.router = Router(network)
        self.ledger = Ledger(network)

    def book(self, tid: str, centre: str, day: date, ready: datetime, rng: random.Random):
        therapy = self.network.therapies[tid]
        collection = (Kind.APHERESIS, centre, day)
        if self.ledger.full([collection]) is not None:
            return None
        for site_id in rng.sample(therapy.sites, len(therapy.sites)):
            inbound = self.router.with_material(Material.STARTING).earliest(
                centre, site_id, ready, therapy.inbound_temperature
            )
            if inbound is None or inbound.hours > therapy.inbound_max_h:
                continue
            release = inbound.arrival + timedelta(
                days=therapy.manufacturing_days + therapy.release_days
            )
            outbound = self.router.earliest(site_id, centre, release, therapy.outbound_temperature)
            if outbound is None or outbound.hours > therapy.outbound_max_h:
                continue
            keys = ledger.held(
                site=site_id,
                mfg_days=ledger.batch_days(
                    site_id, inbound.arrival, therapy.manufacturing_days, self.network
                ),
                centre=centre,
                apheresis_day=day,
                departures=ledger.shipper_departures((inbound, outbound), self.network),
            )
            if self.ledger.full(keys) is None:
                self.ledger.take(keys)
                return site_id
        return None
