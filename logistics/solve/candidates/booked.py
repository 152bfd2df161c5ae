"""Booked orders: kept as booked, with the earliest itineraries from their booking
(the cheapest of those handing over first, as the router and the order generator
give them)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from logistics.model.orders import Order
from logistics.network.compiled import CompiledNetwork
from logistics.network.pareto import earliest_cheapest
from logistics.network.timebase import to_s
from logistics.solve.candidates.candidate import DAY_S, CandidateSet
from logistics.solve.candidates.chains import make_candidate


def freeze(cs: CandidateSet, stress: CompiledNetwork | None, k: int, order: Order) -> None:
    """The booked schedule of a committed (or later) order: its site and apheresis as
    booked, the earliest itineraries from there."""
    net, cn = cs.network, cs.cn
    therapy = net.therapies[order.therapy]
    assert order.committed_apheresis is not None and order.committed_site is not None
    ready = to_s(order.committed_apheresis)
    site = order.committed_site
    centre = net.sites[order.treatment_centre]
    inbound = earliest_cheapest(
        cn, cn.index[centre.site_id], float(ready), therapy.inbound_temperature, cn.index[site]
    )
    if inbound is None:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.inbound_temperature} itinerary"
        return
    chain_in, hold_in = inbound.chain()
    start_s = int(inbound.time)
    release = start_s + (therapy.manufacturing_days + therapy.release_days) * DAY_S
    out = cs.cn_out
    outbound = earliest_cheapest(
        out, cn.index[site], float(release), therapy.outbound_temperature, cn.index[centre.site_id]
    )
    if outbound is None:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.outbound_temperature} return"
        return
    chain_out, hold_out = outbound.chain()
    delivery = outbound.time
    zone = ZoneInfo(centre.timezone)
    day = datetime.fromtimestamp(ready, UTC).astimezone(zone).date()
    cand = make_candidate(
        cs,
        stress,
        k,
        day,
        ready,
        site,
        start_s,
        release,
        int(delivery),
        chain_in,
        chain_out,
        hold_in,
        hold_out,
    )
    if cand is None:
        cs.frozen_notes[k] = (
            f"booked at {site}, but {centre.site_id} does not open for the infusion "
            "inside the planning horizon"
        )
        return
    notes = []
    if (start_s - ready) > therapy.inbound_max_h * 3600:
        notes.append(
            f"booked inbound takes {(start_s - ready) / 3600:.1f} h, over the "
            f"{therapy.inbound_max_h:g} h window"
        )
    if (delivery - release) > therapy.outbound_max_h * 3600:
        notes.append(
            f"return takes {(delivery - release) / 3600:.1f} h, over the "
            f"{therapy.outbound_max_h:g} h hold time"
        )
    cs.frozen[k] = cand
    cs.frozen_notes[k] = "; ".join(notes) or "booked: kept as it is"
