"""Candidates: every way to serve an order, as (apheresis day, site, itineraries).

Per order: each allowed apheresis day (centre open at its ready time, apheresis slots,
inside the order's window) x each licensed site (the centre's territory among the
therapy's markets) x the earliest inbound itinerary meeting the fresh window ->
manufacturing from the handover at the site -> release -> the earliest outbound
itinerary within the shipper hold time, handed over while the centre is open.
Earliest-arrival answers come from the vectorised batch engine, one batch per
temperature class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from logistics.model.commitments import Commitment
from logistics.model.constants import Material
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.network.batch import BatchEngine
from logistics.network.compiled import CompiledNetwork
from logistics.solve.candidates import phases
from logistics.solve.candidates.booked import freeze
from logistics.solve.candidates.candidate import CandidateSet

Progress = Callable[[str, float], None]


def horizon(book: OrderBook, network: Network) -> tuple[datetime, datetime]:
    """The time span candidates can touch: from the first apheresis to the last
    possible infusion of the latest order (delivery, then a week to open and the
    lymphodepletion)."""
    if not book.orders:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        return now, now + timedelta(days=1)
    first = min(
        min(o.apheresis_earliest, o.committed_apheresis or o.apheresis_earliest)
        for o in book.orders
    )
    last = max(o.apheresis_latest for o in book.orders)
    longest = max(
        (
            t.inbound_max_h / 24
            + t.manufacturing_days
            + t.release_days
            + t.outbound_max_h / 24
            + t.infusion_prep_days
            + 7
            for t in network.therapies.values()
        ),
        default=30,
    )
    return first - timedelta(days=2), last + timedelta(days=longest + 3)


def build_candidates(
    network: Network,
    book: OrderBook,
    quantile: float | None = None,
    progress: Progress | None = None,
    commitments: Mapping[str, Commitment] | None = None,
) -> CandidateSet:
    """Every candidate of every order of ``book`` (booked orders as booked).

    ``quantile`` plans lane durations at that quantile (None: nominal); ``progress``
    is called with (message, fraction done); ``commitments`` (order id -> booking) keeps
    booked orders to the leg where their booking still runs. Orders with no candidate
    get a reason in ``CandidateSet.reasons``.
    """
    start, end = horizon(book, network)
    say = progress or (lambda _msg, _frac: None)
    say("compiling the network over the horizon", 0.0)
    cn = CompiledNetwork(network, start, end, quantile, Material.STARTING)
    stress = (
        CompiledNetwork(network, start, end, 0.9, Material.STARTING) if quantile != 0.9 else None
    )
    engine = BatchEngine(cn)
    cs = CandidateSet(
        network=network, book=book, cn=cn, by_order=[[] for _ in book.orders], stress=stress
    )
    options = cs.options = phases.apheresis_options(cs)
    say("routing inbound shipments", 0.1)
    inbound = phases.route_inbound(cs, engine, options)
    cs.first = {key: labels for key, (labels, _pred) in inbound.items()}
    pending = phases.manufacturing_starts(cs, options, inbound)
    say("routing outbound shipments", 0.4)
    releases, outbound = phases.route_outbound(cs, BatchEngine(cs.cn_out), pending)
    say("assembling candidates", 0.8)
    phases.assemble(cs, stress, pending, releases, outbound)
    for k in options:
        if not cs.by_order[k] and k not in cs.reasons:
            cs.reasons[k] = "no feasible schedule"
    for k, order in enumerate(book.orders):
        if order.booked:
            freeze(cs, stress, k, order, (commitments or {}).get(order.order_id))
    say("candidates ready", 1.0)
    return cs
