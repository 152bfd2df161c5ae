"""A candidate (one way to serve one order) and the set of all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from logistics.model.constants import Material
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import replay
from logistics.network.timebase import from_s

DAY_S = 86400


class Candidate(NamedTuple):
    """One way to serve one order (a named tuple: hundreds of thousands cross from the
    forked builders, and a tuple pickles in a third of a frozen dataclass's time)."""

    order: int  # index in the book
    ready: int  # apheresis time (end of collection), UTC seconds
    apheresis_day: date  # local date at the centre
    site: str
    start: int  # manufacturing start (handover at the site)
    end: int
    release: int
    delivery: int
    lymphodepletion: int  # start of lymphodepleting chemotherapy at the centre
    infusion: int
    cost: float
    risk: float  # breach probability (Monte Carlo), or the p90 stress test's share of
    # the two windows broken if every leg ran at its p90 (0, 0.5 or 1)
    mfg_days: tuple[date, ...]  # local dates at the site holding a slot
    departures: tuple[tuple[str, int], ...]  # capacity-limited (lane_id, depart) used
    inbound_cids: tuple[int, ...]  # compiled lane ids (CompiledNetwork.lanes), in order
    outbound_cids: tuple[int, ...]
    # when each lane of a chain is taken no earlier than (a later departure chosen by
    # pricing); empty: every lane as early as possible
    inbound_hold: tuple[float, ...] = ()
    outbound_hold: tuple[float, ...] = ()

    @property
    def v2v_h(self) -> float:
        """Vein-to-vein hours, apheresis to infusion (as published)."""
        return (self.infusion - self.ready) / 3600


@dataclass(slots=True)
class CandidateSet:
    """All candidates of a book, with what is needed to explain the empty ones."""

    network: Network
    book: OrderBook
    cn: CompiledNetwork  # for starting material (inbound); cn_out for the product
    candidates: list[Candidate] = field(default_factory=list)
    by_order: list[list[int]] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)  # order index -> why no candidate
    frozen: dict[int, Candidate] = field(default_factory=dict)  # booked orders as booked
    frozen_notes: dict[int, str] = field(default_factory=dict)
    stress: CompiledNetwork | None = None  # the p90 network of the stress test risk
    # (for starting material; its for_material view for the product)
    # per open order, its allowed (local apheresis day, ready time in UTC seconds)
    options: dict[int, list[tuple[date, int]]] = field(default_factory=dict)
    # (centre, ready, temperature) -> earliest handover at each site, inf beyond the
    # longest fresh window (the inbound routing of candidate building, kept for pricing)
    first: dict[tuple[str, int, str], np.ndarray] = field(default_factory=dict)
    # what building the model worked out per candidate (see solve.problem.build_problem)
    memo: Any = field(default=None, init=False, repr=False, compare=False)
    _homes: dict[tuple[int, int, int], int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def homes(self) -> dict[tuple[int, int, int], int]:
        """(site, release, centre) -> the earliest delivery at the centre of a product
        released at the site then, as the candidates built from earliest itineraries
        know it (compiled node indices), worked out once: facts of the network that
        every pricer of this set shares."""
        if self._homes is None:
            index = self.cn.index
            centre = [index[o.treatment_centre] for o in self.book.orders]
            self._homes = {
                (index[c.site], c.release, centre[c.order]): c.delivery
                for c in self.candidates
                if not c.outbound_hold
            }
        return self._homes

    @property
    def cn_out(self) -> CompiledNetwork:
        """The compiled network for the finished product (``cn`` is the one for
        starting material): the same lane ids, the customs of the product."""
        return self.cn.for_material(Material.FINISHED)

    def itinerary(self, cand: Candidate, direction: str) -> Itinerary:
        """The legs of a candidate's inbound or outbound itinerary."""
        net = self.network
        order = self.book.orders[cand.order]
        therapy = net.therapies[order.therapy]
        if direction == "inbound":
            origin, ready, temp, chain, hold = (
                order.treatment_centre,
                cand.ready,
                therapy.inbound_temperature,
                cand.inbound_cids,
                cand.inbound_hold,
            )
        else:
            origin, ready, temp, chain, hold = (
                cand.site,
                cand.release,
                therapy.outbound_temperature,
                cand.outbound_cids,
                cand.outbound_hold,
            )
        cn = self.cn if direction == "inbound" else self.cn_out
        lanes = [cn.lanes[k] for k in chain]
        if not lanes:
            return Itinerary(
                origin=origin, destination=origin, ready=from_s(ready), temperature=temp, legs=()
            )
        return replay(cn, cn.index[origin], float(ready), temp, lanes, hold)
