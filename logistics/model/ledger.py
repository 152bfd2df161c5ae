"""The capacity ledger: which capacities serving an order holds, their size, their use.

Three kinds of capacity bind a plan (:class:`Kind`): manufacturing slots of a site on
a local day (a batch holds one on every day it runs), apheresis slots of a treatment
centre on a local day, and shippers on one departure of a capacity-limited lane. A
capacity is named by a :data:`Key`, ``(kind, site or lane id, when)``: ``when`` is
the local date for slots and the departure in whole UTC seconds since the epoch for
a lane (the solver's clock, so its candidates need no conversion).

The solver's capacity rows (:mod:`logistics.solve.problem`), a sweep's displaced
orders (:mod:`logistics.scenarios.impact`) and the synthetic bookings
(:mod:`logistics.synth`) all count through here; the independent checker keeps its own
copy of these rules on purpose.

>>> from datetime import date
>>> held(site="MFG", mfg_days=(date(2026, 1, 5),), centre="TC",
...      apheresis_day=date(2026, 1, 5), departures=())[1]
(<Kind.APHERESIS: 'apheresis'>, 'TC', datetime.date(2026, 1, 5))
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from logistics.model.disruptions import effect_at
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.plan import PlannedOrder

__all__ = [
    "UNLIMITED",
    "Key",
    "Kind",
    "Ledger",
    "batch_days",
    "describe",
    "held",
    "held_by_order",
    "shipper_departures",
    "size",
]

UNLIMITED = 10**9  # the size of a lane without a shipper limit


class Kind(StrEnum):
    """What a capacity counts."""

    MANUFACTURING = "manufacturing"  # batches at a site on a local day
    APHERESIS = "apheresis"  # collections at a treatment centre on a local day
    LANE = "lane"  # shippers on one departure of a lane


# (kind, site id or lane id, local date or departure in UTC seconds)
Key = tuple[Kind, str, date | int]

# The members as plain module names: Kind.X is an attribute lookup through the enum
# machinery, too slow for the solver's loops over every candidate.
_MANUFACTURING, _APHERESIS, _LANE = Kind.MANUFACTURING, Kind.APHERESIS, Kind.LANE


def batch_days(site_id: str, start: datetime, days: int, network: Network) -> tuple[date, ...]:
    """The local dates at ``site_id`` of ``network`` a batch starting at ``start`` runs
    on (``days`` of them, the first the local date of ``start``)."""
    first = start.astimezone(ZoneInfo(network.sites[site_id].timezone)).date()
    return tuple(first + timedelta(days=d) for d in range(days))


def shipper_departures(
    itineraries: Iterable[Itinerary | None], network: Network
) -> list[tuple[str, int]]:
    """(lane id, departure in UTC seconds) of every leg of ``itineraries`` on a lane
    with a shipper limit (lanes the network does not have are skipped)."""
    out = []
    for itinerary in itineraries:
        for leg in itinerary.legs if itinerary is not None else ():
            lane = network.lane_by_id.get(leg.lane_id)
            if lane is not None and lane.capacity is not None:
                out.append((lane.lane_id, int(leg.depart.timestamp())))
    return out


def held(
    *,
    site: str,
    mfg_days: Iterable[date],
    centre: str,
    apheresis_day: date,
    departures: Iterable[tuple[str, int]],
) -> list[Key]:
    """The capacities one way of serving an order holds.

    Args:
        site, mfg_days: the manufacturing site and the local dates its batch runs on.
        centre, apheresis_day: the treatment centre and the local date of collection.
        departures: (lane id, UTC seconds) of its legs on shipper-limited lanes.

    Returns:
        The keys, manufacturing days first, then apheresis, then the departures.
    """
    keys: list[Key] = [(_MANUFACTURING, site, d) for d in mfg_days]
    keys.append((_APHERESIS, centre, apheresis_day))
    keys.extend([(_LANE, lane_id, depart) for lane_id, depart in departures])
    return keys


def held_by_order(p: PlannedOrder, network: Network) -> list[Key]:
    """The capacities a served order of a plan holds, from its times: manufacturing
    slots on every local day of its batch, an apheresis slot on the local day of
    collection and a shipper on each shipper-limited departure. Parts the network
    does not know (site, therapy, lane) or the row does not give are left out."""
    keys: list[Key] = []
    therapy = network.therapies.get(p.therapy)
    site = network.sites.get(p.manufacturing_site or "")
    if therapy is not None and site is not None and p.manufacturing_start is not None:
        days = batch_days(site.site_id, p.manufacturing_start, therapy.manufacturing_days, network)
        keys.extend((Kind.MANUFACTURING, site.site_id, d) for d in days)
    centre = network.sites.get(p.treatment_centre)
    if centre is not None and p.apheresis_time is not None:
        day = p.apheresis_time.astimezone(ZoneInfo(centre.timezone)).date()
        keys.append((Kind.APHERESIS, centre.site_id, day))
    keys.extend(
        (Kind.LANE, lane_id, depart)
        for lane_id, depart in shipper_departures((p.inbound, p.outbound), network)
    )
    return keys


def size(key: Key, network: Network) -> int:
    """The size of capacity ``key`` on ``network``, its disruptions applied: the slots of
    the site that day (a scenario's cut is already in ``network.capacity``), or for a
    lane ``floor(capacity x capacity_factor)`` of the windows covering the departure
    (:data:`UNLIMITED` for a lane without a shipper limit)."""
    kind, what, when = key
    if isinstance(when, date):  # slots of a site on a local day
        return network.capacity.slots(what, kind, when)
    lane = network.lane_by_id[what]
    if lane.capacity is None:
        return UNLIMITED
    factor = effect_at(lane.windows, datetime.fromtimestamp(when, UTC)).capacity_factor
    return math.floor(lane.capacity * factor)


def describe(key: Key) -> str:
    """Capacity ``key`` in words: ``manufacturing slots at MFG-NL-LEI on 2026-12-08``,
    ``shippers on AIR-LHR-AMS departing 2026-12-08T06:40Z``."""
    kind, what, when = key
    if isinstance(when, date):
        return f"{kind} slots at {what} on {when.isoformat()}"
    return f"shippers on {what} departing {datetime.fromtimestamp(when, UTC):%Y-%m-%dT%H:%MZ}"


class Ledger:
    """The use of every capacity of one network, counted against its size.

    ``used`` counts holders per key; sizes are computed once per key.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        self.used: Counter[Key] = Counter()
        self._sizes: dict[Key, int] = {}

    def size(self, key: Key) -> int:
        """The size of ``key`` (see :func:`size`)."""
        found = self._sizes.get(key)
        if found is None:
            found = self._sizes[key] = size(key, self.network)
        return found

    def free(self, key: Key) -> int:
        """Room left on ``key`` (negative when over-used)."""
        return self.size(key) - self.used[key]

    def full(self, keys: Sequence[Key]) -> Key | None:
        """The first of ``keys`` without room for one more holder, or None."""
        return next((k for k in keys if self.used[k] >= self.size(k)), None)

    def take(self, keys: Iterable[Key]) -> None:
        """Count one more holder on each of ``keys``."""
        self.used.update(keys)
