"""Candidates: every way to serve an order, as (apheresis day, site, itineraries).

Per order: each allowed apheresis day (centre open at its ready time, apheresis slots,
inside the order's window) x each licensed site (the centre's territory among the
therapy's markets) x the earliest inbound itinerary meeting the fresh window ->
manufacturing from the handover at the site -> release -> the earliest outbound
itinerary within the shipper hold time, handed over while the centre is open.
Earliest-arrival answers come from the compiled scalar search, run once per (origin,
ready time, temperature) to the sites asked for there
(:func:`logistics.network.earliest.earliest_chains`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from logistics.forked import fork_map, processes, shards_by
from logistics.heap import gc_paused
from logistics.model.commitments import Commitment
from logistics.model.constants import Material
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.network.compiled import CompiledNetwork
from logistics.solve.candidates import phases
from logistics.solve.candidates.booked import freeze
from logistics.solve.candidates.candidate import Candidate, CandidateSet

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
    workers: int = 1,
) -> CandidateSet:
    """Every candidate of every order of ``book`` (booked orders as booked).

    ``quantile`` plans lane durations at that quantile (None: nominal); ``progress``
    is called with (message, fraction done); ``commitments`` (order id -> booking) keeps
    booked orders to the leg where their booking still runs. Orders with no candidate
    get a reason in ``CandidateSet.reasons``. With ``workers`` > 1 forked processes
    build the candidates of other treatment centres at once; the set is the same but
    for ties: one outbound search serves the centres of one process that ask from
    the same site and release, and among equally early itineraries to a centre the
    one it finds can depend on the others (5,000-order book: 1 of 496,779 candidates,
    another itinerary with the same handover and cost; one search per centre was 2.3
    times slower).
    """
    start, end = horizon(book, network)
    say = progress or (lambda _msg, _frac: None)
    say("compiling the network over the horizon", 0.0)
    cn = CompiledNetwork(network, start, end, quantile, Material.STARTING)
    stress = (
        CompiledNetwork(network, start, end, 0.9, Material.STARTING) if quantile != 0.9 else None
    )
    cs = CandidateSet(
        network=network, book=book, cn=cn, by_order=[[] for _ in book.orders], stress=stress
    )
    cs.options = phases.apheresis_options(cs)
    orders = book.orders
    shards = shards_by(range(len(orders)), lambda k: orders[k].treatment_centre, processes(workers))
    with gc_paused():  # (millions of new tuples: no collection would free any)
        parts = fork_map(
            functools.partial(_part, cs, say, commitments or {}),
            [(i, ks) for i, ks in enumerate(shards)],
        )
        by_k: dict[int, list] = {}
        for j, part in enumerate(parts):  # (a child's crossed as plain tuples: see _part)
            for k, cands in part.candidates.items():
                by_k[k] = cands if j == 0 else list(map(Candidate._make, cands))
        for k in sorted(by_k):  # in the order of the book, however the work was split
            first = len(cs.candidates)
            cs.candidates.extend(by_k[k])
            cs.by_order[k].extend(range(first, len(cs.candidates)))
    for part in parts:
        cs.reasons.update(part.reasons)
        cs.first.update(part.first)
    frozen = {k: c for part in parts for k, c in part.frozen.items()}
    notes = {k: n for part in parts for k, n in part.frozen_notes.items()}
    cs.frozen.update((k, frozen[k]) for k in sorted(frozen))
    cs.frozen_notes.update((k, notes[k]) for k in sorted(notes))
    say("candidates ready", 1.0)
    return cs


@dataclass(frozen=True, slots=True)
class _Part:
    """The candidates (per order), reasons, booked schedules and inbound labels of
    one shard of the orders."""

    candidates: dict[int, list]  # a forked child's as plain tuples (their fields): at
    # 5,000 orders 250,000 pickle in 0.44 s and load in 0.18 s, against 0.75 s and 0.30 s
    reasons: dict[int, str]
    frozen: dict[int, Candidate]
    frozen_notes: dict[int, str]
    first: dict[tuple[str, int, str], np.ndarray]


def _part(
    template: CandidateSet,
    say: Progress,
    commitments: Mapping[str, Commitment],
    shard: tuple[int, list[int]],
) -> _Part:
    """Build the candidates of one shard's orders (the first shard reports progress)."""
    i, ks = shard
    book = template.book
    pack: Callable = tuple if i > 0 else (lambda c: c)  # the first shard stays here
    if i > 0:
        say = lambda _msg, _frac: None  # noqa: E731
    mine = set(ks)
    cs = replace(
        template,
        candidates=[],
        by_order=[[] for _ in book.orders],
        reasons={k: r for k, r in template.reasons.items() if k in mine},
        frozen={},
        frozen_notes={},
        first={},
    )
    options = {k: days for k, days in template.options.items() if k in mine}
    say("routing inbound shipments", 0.1)
    inbound = phases.route_inbound(cs, options)
    first = {key: labels for key, (labels, _pred) in inbound.items()}
    pending = phases.manufacturing_starts(cs, options, inbound)
    del inbound
    say("routing outbound shipments", 0.4)
    releases, outbound = phases.route_outbound(cs, pending)
    say("assembling candidates", 0.8)
    phases.assemble(cs, cs.stress, pending, releases, outbound)
    for k in options:
        if not cs.by_order[k] and k not in cs.reasons:
            cs.reasons[k] = "no feasible schedule"
    for k in ks:
        order = book.orders[k]
        if order.booked:
            freeze(cs, cs.stress, k, order, commitments.get(order.order_id))
    return _Part(
        candidates={
            k: [pack(cs.candidates[c]) for c in cs.by_order[k]] for k in ks if cs.by_order[k]
        },
        reasons=cs.reasons,
        frozen=cs.frozen,
        frozen_notes=cs.frozen_notes,
        first=first,
    )
