"""Rule 4 of the plan check: capacities over all served orders together."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from logistics.check.legs import _utc
from logistics.check.times import local_date, weekday
from logistics.check.violations import Violation
from logistics.model.disruptions import effect_at
from logistics.model.network import Network
from logistics.model.orders import Order
from logistics.model.plan import PlannedOrder


def capacity_violations(
    network: Network, served: list[tuple[PlannedOrder, Order]]
) -> list[Violation]:
    """Rule 4 of :mod:`logistics.check.plan`: manufacturing slot-days, apheresis per
    centre and day, shipments per lane departure, over every served order together."""
    found: list[Violation] = []
    lanes = network.lane_by_id
    manufacturing: dict[tuple[str, date], list[str]] = defaultdict(list)
    apheresis: dict[tuple[str, date], list[str]] = defaultdict(list)
    # Frozen orders first: the first order that does not fit is one the planner
    # can still move.
    served = sorted(served, key=lambda pair: pair[0].status != "frozen")
    departures: dict[tuple[str, datetime], list[tuple[str, str]]] = defaultdict(list)
    for p, order in served:
        oid = order.order_id
        therapy = network.therapies.get(order.therapy)
        site = network.sites.get(p.manufacturing_site or "")
        if therapy is not None and site is not None and p.manufacturing_start is not None:
            first = local_date(p.manufacturing_start, site.timezone)
            for k in range(therapy.manufacturing_days):
                manufacturing[(site.site_id, first + timedelta(days=k))].append(oid)
        centre = network.sites.get(order.treatment_centre)
        if centre is not None and p.apheresis_time is not None:
            day = local_date(p.apheresis_time, centre.timezone)
            apheresis[(centre.site_id, day)].append(oid)
        for direction, itinerary in (("inbound", p.inbound), ("outbound", p.outbound)):
            for leg in itinerary.legs if itinerary is not None else ():
                lane = lanes.get(leg.lane_id)
                if lane is None or lane.capacity is None or leg.depart.tzinfo is None:
                    continue
                departures[(lane.lane_id, leg.depart.astimezone(UTC))].append((oid, direction))

    for (site_id, day), users in manufacturing.items():
        slots = network.capacity.slots(site_id, "manufacturing", day)
        if len(users) > slots:
            found.append(
                Violation(
                    "manufacturing_capacity",
                    f"{site_id} runs {len(users)} batches on {day.isoformat()} "
                    f"({weekday(day)}), but has {slots} manufacturing slot(s) that day: "
                    f"{', '.join(users)}",
                    users[slots],
                    "manufacturing capacity",
                )
            )
    for (site_id, day), users in apheresis.items():
        slots = network.capacity.slots(site_id, "apheresis", day)
        if len(users) > slots:
            found.append(
                Violation(
                    "apheresis_capacity",
                    f"{site_id} collects {len(users)} apheresis on {day.isoformat()} "
                    f"({weekday(day)}), but has {slots} apheresis slot(s) that day: "
                    f"{', '.join(users)}",
                    users[slots],
                    "apheresis capacity",
                )
            )
    for (lane_id, depart), shipments in departures.items():
        lane = lanes[lane_id]
        assert lane.capacity is not None
        capacity = math.floor(lane.capacity * effect_at(lane.windows, depart).capacity_factor)
        if len(shipments) > capacity:
            found.append(
                Violation(
                    "lane_capacity",
                    f"lane {lane_id} departing {_utc(depart)} carries {len(shipments)} "
                    f"shipments, but takes {capacity} shipper(s): "
                    f"{', '.join(f'{o} {d}' for o, d in shipments)}",
                    shipments[capacity][0],
                    "lane capacity",
                )
            )
    return found
