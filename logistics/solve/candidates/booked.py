"""Booked orders: kept as booked, with the earliest itineraries from their booking."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from logistics.model.orders import Order
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import search
from logistics.network.timebase import INF, to_s
from logistics.solve.candidates.candidate import DAY_S, CandidateSet
from logistics.solve.candidates.chains import chain_of, cids, make_candidate


def freeze(cs: CandidateSet, stress: CompiledNetwork | None, k: int, order: Order) -> None:
    """The booked schedule of a committed (or later) order: its site and apheresis as
    booked, the earliest itineraries from there."""
    net, cn = cs.network, cs.cn
    therapy = net.therapies[order.therapy]
    assert order.committed_apheresis is not None and order.committed_site is not None
    ready = to_s(order.committed_apheresis)
    site = order.committed_site
    centre = net.sites[order.treatment_centre]
    labels, pred = search(
        cn,
        cn.index[centre.site_id],
        float(ready),
        therapy.inbound_temperature,
        targets=(cn.index[site],),
    )
    arrival = labels[cn.index[site]]
    if arrival == INF:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.inbound_temperature} itinerary"
        return
    chain_in = chain_of(cn, cids(pred), cn.index[centre.site_id], cn.index[site])
    start_s = int(arrival)
    release = start_s + (therapy.manufacturing_days + therapy.release_days) * DAY_S
    labels, pred = search(
        cn,
        cn.index[site],
        float(release),
        therapy.outbound_temperature,
        targets=(cn.index[centre.site_id],),
    )
    delivery = labels[cn.index[centre.site_id]]
    if delivery == INF:
        cs.frozen_notes[k] = f"booked at {site}, but no {therapy.outbound_temperature} return"
        return
    chain_out = chain_of(cn, cids(pred), cn.index[site], cn.index[centre.site_id])
    zone = ZoneInfo(centre.timezone)
    day = datetime.fromtimestamp(ready, UTC).astimezone(zone).date()
    cand = make_candidate(
        cs, stress, k, day, ready, site, start_s, release, int(delivery), chain_in, chain_out
    )
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
