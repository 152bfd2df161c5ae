"""A therapy's ``countries`` (a national licence such as a hospital exemption) limits
the centres it supplies inside its markets: candidates, reasons, checker and synth."""

from __future__ import annotations

import dataclasses
from datetime import date

from solve_helpers import PARAMS, START

import logistics as lg
from logistics.check import check
from logistics.solve import solve
from logistics.solve.unserved import UnservedKind
from logistics.synth import generate_orders


def _only(net: lg.Network, tid: str, countries: tuple[str, ...]) -> lg.Network:
    therapy = dataclasses.replace(net.therapies[tid], countries=countries)
    return dataclasses.replace(net, therapies={**net.therapies, tid: therapy})


def test_centre_outside_the_countries_is_unserved_with_the_reason(tiny):
    """cart-auto licensed for centres in GB only (markets EU and GB): the London order
    is scheduled, the Munich one (DE, inside the EU market) is unserved as 'no
    licensed site', its reason naming GB and DE; the plan passes the checker."""
    net, book = tiny
    net = _only(net, "cart-auto", ("GB",))
    book = dataclasses.replace(book, orders=tuple(o for o in book.orders if not o.booked))
    result = solve(net, book, PARAMS)
    status = {p.order_id: p.status for p in result.plan.orders}
    assert status == {"P-0001": "scheduled", "P-0002": "unserved"}
    (missed,) = result.unserved
    assert missed.kind is UnservedKind.NO_LICENSED_SITE
    assert "only to centres in GB" in missed.reason and "TC-MUC is in DE" in missed.reason
    assert check(result.plan, net, book) == []


def test_synth_draws_centres_only_in_the_countries(tiny):
    """Generated orders of a therapy limited to DE all go to the one German centre of
    the tiny bundle (TC-MUC), never to London."""
    net, _ = tiny
    net = _only(net, "cart-auto", ("DE",))
    book = generate_orders(net, 12, START, 14, seed=3, committed_share=0)
    assert {o.treatment_centre for o in book} == {"TC-MUC"}


def test_default_academic_car_t_stays_in_spain():
    """The embedded bundle's hospital-exemption CAR-T (cart-academic) names Spain only,
    and a generated book of it alone (the other therapies taken out) sends every order
    to a Spanish centre, though its market is the whole EU."""
    net = lg.read_network()
    therapy = net.therapies["cart-academic"]
    assert therapy.countries == ("ES",) and therapy.markets == ("EU",)
    net = dataclasses.replace(net, therapies={"cart-academic": therapy})
    book = generate_orders(net, 60, date(2026, 12, 7), 28, seed=11, committed_share=0)
    assert {net.sites[o.treatment_centre].country for o in book} == {"ES"}
