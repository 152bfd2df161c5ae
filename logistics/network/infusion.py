"""Infusion: when a delivered product can be infused at its treatment centre.

Lymphodepleting chemotherapy starts ``infusion_prep_days`` (elapsed days) before the
infusion, on an instant the centre is open (its opening hours and public holidays),
and only once the product is on site, or at most the therapy's
``lymphodepletion_before_delivery_h`` before delivery. The infusion itself is also
given while the centre is open. So the earliest infusion of a product delivered at
``d`` is ``T = next_open(next_open(d - early) + prep)``: no lymphodepletion starts
before ``L0 = next_open(d - early)`` and no infusion is open before
``next_open(L0 + prep)``. Lymphodepletion then starts exactly ``prep`` before the
infusion when the centre is open then, else at ``L0``.

The function is non-decreasing in ``d``, so an itinerary that delivers earlier
never infuses later: search engines may keep minimising handover times.
"""

from __future__ import annotations

import numpy as np

from logistics.model.therapies import Therapy
from logistics.network.compiled import OpenTimes
from logistics.network.timebase import INF
from logistics.network.traversal import TimeTable

DAY_S = 86400


def prep_s(therapy: Therapy) -> tuple[int, int]:
    """(lymphodepletion to infusion, how early before delivery lymphodepletion may
    start) of a therapy, in seconds."""
    return therapy.infusion_prep_days * DAY_S, round(
        therapy.lymphodepletion_before_delivery_h * 3600
    )


def _is_open(hours: OpenTimes, t: float) -> bool:
    return hours.next_open(t) == t


def infusion(hours: OpenTimes, delivery: float, prep: int, early: int) -> tuple[float, float]:
    """(lymphodepletion start, infusion) in UTC seconds of a product delivered at
    ``delivery`` to a centre open at ``hours``; inf when the centre does not open
    again inside the compiled horizon."""
    if delivery == INF:
        return INF, INF
    first = hours.next_open(delivery - early)
    if first == INF:
        return INF, INF
    when = hours.next_open(first + prep)
    if when == INF:
        return INF, INF
    late = when - prep
    return (late if late >= first and _is_open(hours, late) else first), when


def infusion_time(hours: OpenTimes, delivery: float, prep: int, early: int) -> float:
    """The infusion of :func:`infusion` alone (the hot path of pricing)."""
    return hours.next_open(hours.next_open(delivery - early) + prep)


def infusion_at(
    table: TimeTable, centre: int, delivery: np.ndarray, prep: int, early: int
) -> np.ndarray:
    """The infusion times of many deliveries (vectorised :func:`infusion`, infusion
    only) at the centre that is owner ``centre`` of ``table``; inf where there is none."""
    return table.next_open(centre, table.next_open(centre, delivery - early) + prep)
