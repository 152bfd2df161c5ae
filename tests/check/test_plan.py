"""The independent plan checker: one valid hand-made plan that passes with no violation,
then one hand-made violating plan per violation kind, each asserting the kind(s)
reported.

The network is the tiny bundle (tests/data/tiny) copied to a temporary folder with its
own capacity.csv, so these tests pin the capacities they rely on:
MFG-LEI 2 manufacturing slots every day, TC-LON and TC-MUC 1 apheresis slot Mo-Fr.
Therapy cart-auto: inbound 2-8C within 48 h, 9 manufacturing days, 7 release days,
outbound LN2 within 216 h, licensed at MFG-LEI for the EU and GB markets.

Clocks in December 2026: London = UTC (GMT), Amsterdam and Munich = UTC+1 (CET).
Weekdays: 2026-12-01 Tue, 12-07 Mon, 12-08 Tue, 12-17 Thu, 12-18 Fri, 12-21 Mon,
12-24 Thu, 12-28 Mon, 12-29 Tue. Holidays: 12-25 and 12-26 in NL and England;
12-28 Boxing Day (observed) in England.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from logistics.check import Violation, check
from logistics.check.plan import KINDS
from logistics.io import read_network
from logistics.model.calendar import OpeningHours, SiteCalendar
from logistics.model.capacity import Capacity
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.model.plan import Plan, PlannedOrder

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"

CAPACITY = """site_id,resource,weekday,date,slots
MFG-LEI,manufacturing,Mo-Su,,2
TC-LON,apheresis,Mo-Fr,,1
TC-MUC,apheresis,Mo-Fr,,1
"""

# The tiny bundle's lanes: carrier, mode, from_site, to_site (cost in comments below).
LANES = {
    "RD-LON-LHR": ("Courier A", "road", "TC-LON", "APT-LHR"),  # 150 EUR, on demand
    "AIR-LHR-AMS": ("Courier A", "air", "APT-LHR", "APT-AMS"),  # 900 EUR, 07:10;18:30 Mo-Fr
    "RD-AMS-LEI": ("Courier A", "road", "APT-AMS", "MFG-LEI"),  # 120 EUR, on demand
    "RD-LEI-AMS": ("Courier A", "road", "MFG-LEI", "APT-AMS"),  # 120 EUR, on demand
    "AIR-AMS-LHR": ("Courier A", "air", "APT-AMS", "APT-LHR"),  # 900 EUR, 09:00;19:00 Mo-Fr
    "RD-LHR-LON": ("Courier A", "road", "APT-LHR", "TC-LON"),  # 150 EUR, on demand
    "RD-MUC-LEI": ("Courier B", "road", "TC-MUC", "MFG-LEI"),  # 1400 EUR, lead 1 h
    "RD-LEI-MUC": ("Courier B", "road", "MFG-LEI", "TC-MUC"),  # 1400 EUR, lead 1 h
}


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """The tiny bundle with this file's capacity.csv."""
    folder = tmp_path_factory.mktemp("tiny")
    for name in ("sites.csv", "lanes.csv", "customs.csv", "therapies.toml"):
        shutil.copy(TINY / name, folder / name)
    (folder / "capacity.csv").write_text(CAPACITY, encoding="utf-8")
    return read_network(folder)


def utc(text: str) -> datetime:
    """'2026-12-07T13:00' read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def leg(lane_id: str, depart: str, arrive: str, temperature: str, **fields) -> Leg:
    """A leg on a tiny lane with the lane's carrier, mode and sites."""
    carrier, mode, from_site, to_site = LANES[lane_id]
    return Leg(
        lane_id=lane_id,
        carrier=carrier,
        mode=mode,
        from_site=from_site,
        to_site=to_site,
        depart=utc(depart),
        arrive=utc(arrive),
        temperature=temperature,
        **fields,
    )


def itinerary(origin: str, destination: str, ready: str, temperature: str, legs) -> Itinerary:
    return Itinerary(
        origin=origin,
        destination=destination,
        ready=utc(ready),
        temperature=temperature,
        legs=tuple(legs),
    )


# ------------------------------------------------------------------------ the book

BOOK = OrderBook(
    orders=(
        # Window: the local days 2026-12-07 .. 12-11 in London (= UTC).
        Order(
            order_id="P-1",
            therapy="cart-auto",
            treatment_centre="TC-LON",
            apheresis_earliest=utc("2026-12-07T00:00"),
            apheresis_latest=utc("2026-12-11T23:59:59"),
        ),
        # Booked: manufactured at MFG-LEI, apheresis Tue 2026-12-01 13:00 Munich = 12:00Z.
        Order(
            order_id="P-2",
            therapy="cart-auto",
            treatment_centre="TC-MUC",
            apheresis_earliest=utc("2026-11-30T23:00"),
            apheresis_latest=utc("2026-12-01T22:59:59"),
            status="committed",
            committed_site="MFG-LEI",
            committed_apheresis=utc("2026-12-01T12:00"),
        ),
        Order(
            order_id="P-3",
            therapy="cart-auto",
            treatment_centre="TC-MUC",
            apheresis_earliest=utc("2026-12-06T23:00"),
            apheresis_latest=utc("2026-12-11T22:59:59"),
            status="cancelled",
        ),
        Order(
            order_id="P-4",
            therapy="cart-auto",
            treatment_centre="TC-MUC",
            apheresis_earliest=utc("2026-12-13T23:00"),
            apheresis_latest=utc("2026-12-18T22:59:59"),
        ),
    )
)

# ------------------------------------------------------------- the valid plan: P-1
#
# Inbound (2-8C), TC-LON -> MFG-LEI:
# - apheresis ready Mon 2026-12-07 13:00 London = 13:00Z (apheresis_ready 13:00), in
#   the window, TC-LON open (Mo-Fr 08:00-18:00).
# - RD-LON-LHR on demand, lead 0.5 h: leaves 13:30Z (TC-LON open), 1.5 h -> LHR 15:00Z.
# - AIR-LHR-AMS 18:30 London = 18:30Z (15:00Z + 2 h lead = 17:00Z <= 18:30Z), 3 h ->
#   21:30Z; GB->EU air customs 2 h, office 24/7 -> AMS 23:30Z, customs_h 2.
# - RD-AMS-LEI on demand, lead 0.5 h: leaves 00:00Z Tue, 0.75 h -> 00:45Z, Leiden is
#   closed until Tue 07:00 CET = 06:00Z: handed over 06:00Z (waited 5.25 h).
# - manufacturing_start Tue 2026-12-08 06:00Z: 17 h after apheresis (<= 48 h), the
#   plant open (Mo-Fr 07:00-19:00 local).
# Manufacturing: 9 days -> end Thu 2026-12-17 06:00Z; release 7 days -> Thu 2026-12-24
#   06:00Z. The batch holds a slot at MFG-LEI on the local dates 12-08 .. 12-16.
# Outbound (LN2), MFG-LEI -> TC-LON, ready 2026-12-24 06:00Z. The shipper waits at the
#   plant over Christmas (NL holidays 12-25, 12-26; TC-LON also closed on 12-28):
# - RD-LEI-AMS on demand, leaves Mon 2026-12-28 06:00Z (07:00 Leiden, open), 0.75 h ->
#   AMS 06:45Z.
# - AIR-AMS-LHR: 09:00 Amsterdam = 08:00Z is before 06:45Z + 2 h lead, so 19:00
#   Amsterdam = 18:00Z, 3 h -> 21:00Z; EU->GB air customs 2 h + 2 h import release ->
#   LHR Tue 2026-12-29 01:00Z, customs_h 4.
# - RD-LHR-LON on demand, leaves 06:30Z (>= 01:30Z), 1.5 h -> TC-LON 08:00Z = 08:00
#   London, the first opening after the holidays.
# - delivery_time Tue 2026-12-29 08:00Z: 122 h after release (<= 216 h).
# Infusion (5 prep days, TC-LON Mo-Fr 08:00-18:00): lymphodepletion could start at the
#   delivery; 5 days later is Sun 2027-01-03, closed, so the infusion is Mon 2027-01-04
#   08:00Z and lymphodepletion starts 5 days before it, Wed 2026-12-30 08:00Z (open).
# Cost: 150 + 900 + 120 inbound, 120 + 900 + 150 outbound = 2340 EUR.

P1_IN = (
    leg("RD-LON-LHR", "2026-12-07T13:30", "2026-12-07T15:00", "2-8C"),
    leg(
        "AIR-LHR-AMS",
        "2026-12-07T18:30",
        "2026-12-07T23:30",
        "2-8C",
        customs_from="GB",
        customs_to="EU",
        customs_h=2.0,
    ),
    leg("RD-AMS-LEI", "2026-12-08T00:00", "2026-12-08T06:00", "2-8C", wait_open_h=5.25),
)
P1_OUT = (
    leg("RD-LEI-AMS", "2026-12-28T06:00", "2026-12-28T06:45", "LN2"),
    leg(
        "AIR-AMS-LHR",
        "2026-12-28T18:00",
        "2026-12-29T01:00",
        "LN2",
        customs_from="EU",
        customs_to="GB",
        customs_h=4.0,
    ),
    leg("RD-LHR-LON", "2026-12-29T06:30", "2026-12-29T08:00", "LN2"),
)
P1 = PlannedOrder(
    order_id="P-1",
    therapy="cart-auto",
    treatment_centre="TC-LON",
    status="scheduled",
    apheresis_time=utc("2026-12-07T13:00"),
    manufacturing_site="MFG-LEI",
    manufacturing_start=utc("2026-12-08T06:00"),
    manufacturing_end=utc("2026-12-17T06:00"),
    release_time=utc("2026-12-24T06:00"),
    delivery_time=utc("2026-12-29T08:00"),
    lymphodepletion_start=utc("2026-12-30T08:00"),
    infusion_time=utc("2027-01-04T08:00"),
    cost_eur=2340.0,
    reason="inbound 17.0 h",
    inbound=itinerary("TC-LON", "MFG-LEI", "2026-12-07T13:00", "2-8C", P1_IN),
    outbound=itinerary("MFG-LEI", "TC-LON", "2026-12-24T06:00", "LN2", P1_OUT),
)

# ------------------------------------------------------- the valid plan: P-2 frozen
#
# Booked apheresis Tue 2026-12-01 13:00 Munich = 12:00Z, at MFG-LEI.
# - RD-MUC-LEI on demand, lead 1 h: leaves 13:00Z (14:00 Munich, open), 10 h -> 23:00Z;
#   Leiden closed until Wed 07:00 CET = 06:00Z: handed over Wed 2026-12-02 06:00Z (no
#   customs: DE and NL are both EU). Start 06:00Z, 18 h after apheresis.
# - end Fri 2026-12-11 06:00Z, release Fri 2026-12-18 06:00Z. Slots 12-02 .. 12-10:
#   with P-1 two batches on 12-08 .. 12-10, within the 2 slots.
# - RD-LEI-MUC on demand, lead 1 h: leaves 07:00Z (08:00 Leiden), 10 h -> 17:00Z = 18:00
#   Munich, closed (open until 18:00, exclusive) and the weekend: handed over Mon
#   2026-12-21 08:00 Munich = 07:00Z. 73 h after release.
# - infusion: 5 days after the delivery is Sat 12-26 (a holiday too); the first opening
#   after is Mon 2026-12-28 08:00 Munich = 07:00Z; lymphodepletion starts Wed 12-23
#   07:00Z.
# Cost: 1400 + 1400 = 2800 EUR.

P2 = PlannedOrder(
    order_id="P-2",
    therapy="cart-auto",
    treatment_centre="TC-MUC",
    status="frozen",
    apheresis_time=utc("2026-12-01T12:00"),
    manufacturing_site="MFG-LEI",
    manufacturing_start=utc("2026-12-02T06:00"),
    manufacturing_end=utc("2026-12-11T06:00"),
    release_time=utc("2026-12-18T06:00"),
    delivery_time=utc("2026-12-21T07:00"),
    lymphodepletion_start=utc("2026-12-23T07:00"),
    infusion_time=utc("2026-12-28T07:00"),
    cost_eur=2800.0,
    reason="booked: kept as it is",
    inbound=itinerary(
        "TC-MUC",
        "MFG-LEI",
        "2026-12-01T12:00",
        "2-8C",
        [leg("RD-MUC-LEI", "2026-12-01T13:00", "2026-12-02T06:00", "2-8C")],
    ),
    outbound=itinerary(
        "MFG-LEI",
        "TC-MUC",
        "2026-12-18T06:00",
        "LN2",
        [leg("RD-LEI-MUC", "2026-12-18T07:00", "2026-12-21T07:00", "LN2")],
    ),
)
P3 = PlannedOrder(
    order_id="P-3",
    therapy="cart-auto",
    treatment_centre="TC-MUC",
    status="unserved",
    reason="cancelled",
)
P4 = PlannedOrder(
    order_id="P-4",
    therapy="cart-auto",
    treatment_centre="TC-MUC",
    status="unserved",
    reason="capacity: manufacturing slots at MFG-LEI full",
)
VALID = Plan(orders=(P1, P2, P3, P4))


def with_p1(**changes) -> Plan:
    """The valid plan with P-1 changed."""
    return Plan(orders=(replace(P1, **changes), P2, P3, P4))


def kinds(violations: list[Violation]) -> list[str]:
    return sorted({v.kind for v in violations})


def therapy_variant(net: Network, **changes) -> Network:
    """The network with cart-auto changed."""
    therapy = replace(net.therapies["cart-auto"], **changes)
    return replace(net, therapies={**net.therapies, "cart-auto": therapy})


# ---------------------------------------------------------------------- valid plans


def test_valid_plan_has_no_violation(net):
    """The hand-made plan (scheduled, frozen, cancelled and unserved orders) passes."""
    assert check(VALID, net, BOOK) == []


def test_check_is_exported_and_checks_the_quantile(net):
    """check() takes a plain list of orders too and refuses a quantile outside (0, 1)."""
    assert check(VALID, net, list(BOOK)) == []
    with pytest.raises(ValueError, match="quantile"):
        check(VALID, net, BOOK, 1.5)


def test_quantile_reaches_the_leg_checks(net):
    """At p90 the 1.5 h London road leg takes 2 h: the nominal plan is too fast."""
    found = check(VALID, net, BOOK, quantile=0.9)
    assert "too_fast" in kinds(found)
    assert all(v.order_id == "P-1" for v in found if v.kind == "too_fast")


# ----------------------------------------------------------------- rule 1: coverage


def test_missing_order(net):
    """An order of the book without a row in the plan is 'missing_order'."""
    found = check(Plan(orders=(P1, P2, P3)), net, BOOK)
    assert kinds(found) == ["missing_order"]
    assert found[0].order_id == "P-4"


def test_extra_order(net):
    """A planned order that is not in the book is 'extra_order'."""
    extra = replace(P4, order_id="P-9")
    found = check(Plan(orders=(*VALID.orders, extra)), net, BOOK)
    assert kinds(found) == ["extra_order"]
    assert found[0].order_id == "P-9"


def test_duplicate_order(net):
    """An order planned twice is 'duplicate_order'."""
    found = check(Plan(orders=(*VALID.orders, P4)), net, BOOK)
    assert kinds(found) == ["duplicate_order"]
    assert found[0].order_id == "P-4"


def test_order_fields(net):
    """Therapy or treatment centre differing from the book is 'order_fields'."""
    plan = Plan(orders=(P1, P2, P3, replace(P4, therapy="cart-allo")))
    found = check(plan, net, BOOK)
    assert kinds(found) == ["order_fields"]
    assert "cart-allo" in found[0].message


# ------------------------------------------------------------------- rule 2: status


def test_commitment_booked_order_not_frozen(net):
    """A committed order re-planned as scheduled or left unserved breaks its
    'commitment'."""
    for p2 in (replace(P2, status="scheduled"), replace(P4, order_id="P-2")):
        found = check(Plan(orders=(P1, p2, P3, P4)), net, BOOK)
        assert kinds(found) == ["commitment"], p2.status


def test_commitment_frozen_elsewhere_or_at_another_time(net):
    """A frozen order at another site or apheresis time than booked is 'commitment'."""
    book = OrderBook(orders=(BOOK.orders[0], replace(BOOK.orders[1], committed_site="MFG-X")))
    found = check(Plan(orders=(P1, P2)), net, book)
    assert kinds(found) == ["commitment"]
    moved = replace(BOOK.orders[1], committed_apheresis=utc("2026-12-01T13:00"))
    found = check(Plan(orders=(P1, P2)), net, OrderBook(orders=(BOOK.orders[0], moved)))
    assert kinds(found) == ["commitment"]
    assert "2026-12-01 13:00Z" in found[0].message


def test_status_new_order_frozen(net):
    """A new order planned as frozen is 'status' (only booked orders are frozen)."""
    assert kinds(check(with_p1(status="frozen"), net, BOOK)) == ["status"]


def test_status_cancelled_order_served(net):
    """A cancelled order that is scheduled is 'status'."""
    book = OrderBook(orders=(replace(BOOK.orders[0], status="cancelled"), *BOOK.orders[1:]))
    found = check(VALID, net, book)
    assert kinds(found) == ["status"]
    assert found[0].order_id == "P-1"


def test_no_reason(net):
    """An unserved order needs a reason: 'no_reason'."""
    plan = Plan(orders=(P1, P2, P3, replace(P4, reason="  ")))
    assert kinds(check(plan, net, BOOK)) == ["no_reason"]


# ------------------------------------------------------- rule 3: each served order


def test_unknown_therapy(net):
    """A served order of a therapy the network does not know is 'unknown_therapy'."""
    book = OrderBook(orders=(replace(BOOK.orders[0], therapy="gene-x"), *BOOK.orders[1:]))
    found = check(with_p1(therapy="gene-x"), net, book)
    assert kinds(found) == ["unknown_therapy"]


def test_unknown_site(net):
    """A manufacturing site missing from the network is 'unknown_site' (and not
    licensed)."""
    found = kinds(check(with_p1(manufacturing_site="MFG-XX"), net, BOOK))
    assert "unknown_site" in found and "licence" in found


def test_naive_time(net):
    """A schedule without time zones is 'naive_time' and not checked further."""
    found = check(with_p1(apheresis_time=datetime(2026, 12, 7, 13)), net, BOOK)
    assert kinds(found) == ["naive_time"]


def test_licence_market(net):
    """Infusing in GB when the therapy is licensed for the EU only is 'licence'."""
    found = check(VALID, therapy_variant(net, markets=("EU",)), BOOK)
    assert kinds(found) == ["licence"]
    assert "GB" in found[0].message


def test_licence_country(net):
    """A therapy restricted to centres in Germany (a national licence inside its EU and
    GB markets) infused in London is 'licence' for P-1 only: P-2 is at TC-MUC (DE)."""
    found = check(VALID, therapy_variant(net, countries=("DE",)), BOOK)
    assert kinds(found) == ["licence"]
    assert [v.order_id for v in found] == ["P-1"]
    assert "TC-LON is in GB" in found[0].message


def test_licence_site(net):
    """Manufacturing at a site the therapy is not licensed for is 'licence' (both
    orders use MFG-LEI)."""
    found = check(VALID, therapy_variant(net, sites=("MFG-STEIN",)), BOOK)
    assert kinds(found) == ["licence"]
    assert {v.order_id for v in found} == {"P-1", "P-2"}


def test_apheresis_time(net):
    """Apheresis at 12:30 London when material is ready at 13:00 is 'apheresis_time'
    (the inbound's ready moves along: the 13:30Z pickup keeps its lead time)."""
    inbound = replace(P1.inbound, ready=utc("2026-12-07T12:30"))
    found = check(with_p1(apheresis_time=utc("2026-12-07T12:30"), inbound=inbound), net, BOOK)
    assert kinds(found) == ["apheresis_time"]


def test_apheresis_window(net):
    """Apheresis on Monday for an order whose window opens Tuesday is
    'apheresis_window'."""
    late = replace(BOOK.orders[0], apheresis_earliest=utc("2026-12-08T00:00"))
    found = check(VALID, net, OrderBook(orders=(late, *BOOK.orders[1:])))
    assert kinds(found) == ["apheresis_window"]


def test_frozen_order_keeps_its_booked_apheresis(net):
    """Apheresis rules apply to scheduled orders only: a frozen order outside its
    window (here the booked time lies before it) is not reported."""
    booked = replace(
        BOOK.orders[1],
        apheresis_earliest=utc("2026-12-02T00:00"),
        apheresis_latest=utc("2026-12-03T00:00"),
    )
    book = OrderBook(orders=(BOOK.orders[0], booked, *BOOK.orders[2:]))
    assert check(VALID, net, book) == []


def test_centre_closed(net):
    """With a lunch break 12:00-13:30 at TC-LON the 13:00 apheresis is 'centre_closed'
    (the 13:30Z pickup is open again)."""
    centre = net.sites["TC-LON"]
    hours = OpeningHours("Mo-Fr 08:00-12:00,13:30-18:00")
    calendar = SiteCalendar(hours, centre.timezone, centre.country, centre.subdivision)
    variant = replace(net, sites={**net.sites, "TC-LON": replace(centre, calendar=calendar)})
    found = check(VALID, variant, BOOK)
    assert kinds(found) == ["centre_closed"]


def test_inbound_leg_violations_carry_through(net):
    """A 13:10Z pickup, 10 min after the material is ready, breaks the 0.5 h lead time:
    the leg checker's 'lead_time' is reported with the order and 'inbound'."""
    early = replace(P1_IN[0], depart=utc("2026-12-07T13:10"), arrive=utc("2026-12-07T14:40"))
    inbound = replace(P1.inbound, legs=(early, *P1_IN[1:]))
    found = check(with_p1(inbound=inbound), net, BOOK)
    assert kinds(found) == ["lead_time"]
    assert found[0].order_id == "P-1"
    assert found[0].where == "inbound leg 1 (RD-LON-LHR)"


def test_itinerary_missing(net):
    """A served order without an inbound itinerary is 'itinerary_missing'."""
    found = check(with_p1(inbound=None, cost_eur=1170.0), net, BOOK)
    assert kinds(found) == ["itinerary_missing"]


def test_itinerary_fields(net):
    """An inbound itinerary declared LN2 for 2-8C material is 'itinerary_fields'."""
    found = check(with_p1(inbound=replace(P1.inbound, temperature="LN2")), net, BOOK)
    assert kinds(found) == ["itinerary_fields"]


def test_before_arrival(net):
    """The last road leg leaving at 06:00Z hands over at 06:45Z, after the 06:00Z
    manufacturing start: 'before_arrival'."""
    late = replace(P1_IN[2], depart=utc("2026-12-08T06:00"), arrive=utc("2026-12-08T06:45"))
    inbound = replace(P1.inbound, legs=(*P1_IN[:2], late))
    found = check(with_p1(inbound=inbound), net, BOOK)
    assert kinds(found) == ["before_arrival"]


def test_inbound_window(net):
    """17 h (P-1) and 18 h (P-2) from apheresis to manufacturing start are over a 12 h
    window: 'inbound_window'."""
    found = check(VALID, therapy_variant(net, inbound_max_h=12.0), BOOK)
    assert kinds(found) == ["inbound_window"]
    assert [v.order_id for v in found] == ["P-1", "P-2"]
    assert "17.00 h" in found[0].message


def test_site_closed(net):
    """Manufacturing starting Tue 18:30Z = 19:30 Leiden, after closing, is
    'site_closed'. End and release move along (Thu 12-17 and 12-24 18:30Z); the
    outbound still leaves on 12-28: 109.5 h to delivery."""
    found = check(
        with_p1(
            manufacturing_start=utc("2026-12-08T18:30"),
            manufacturing_end=utc("2026-12-17T18:30"),
            release_time=utc("2026-12-24T18:30"),
            outbound=replace(P1.outbound, ready=utc("2026-12-24T18:30")),
        ),
        net,
        BOOK,
    )
    assert kinds(found) == ["site_closed"]


@pytest.mark.parametrize(
    "changes",
    [
        {"manufacturing_end": utc("2026-12-16T06:00")},  # 8 days of manufacturing
        {"manufacturing_end": utc("2026-12-18T06:00")},  # release 6 days after the end
    ],
)
def test_durations(net, changes):
    """Manufacturing shorter than 9 days or release sooner than 7 days after it is
    'durations'."""
    assert kinds(check(with_p1(**changes), net, BOOK)) == ["durations"]


def test_outbound_leg_violations_carry_through(net):
    """An outbound flight at 2-8C for LN2 material is the leg checker's 'temperature',
    labelled 'outbound'."""
    warm = replace(P1_OUT[1], temperature="2-8C")
    outbound = replace(P1.outbound, legs=(P1_OUT[0], warm, P1_OUT[2]))
    found = check(with_p1(outbound=outbound), net, BOOK)
    assert kinds(found) == ["temperature"]
    assert found[0].where == "outbound leg 2 (AIR-AMS-LHR)"


def test_delivery(net):
    """A delivery_time an hour after the last leg's handover is 'delivery'."""
    found = check(with_p1(delivery_time=utc("2026-12-29T09:00")), net, BOOK)
    assert kinds(found) == ["delivery"]


def test_outbound_window(net):
    """122 h from release to delivery is over a 100 h shipper hold time:
    'outbound_window' (P-2 takes 73 h)."""
    found = check(VALID, therapy_variant(net, outbound_max_h=100.0), BOOK)
    assert kinds(found) == ["outbound_window"]
    assert [v.order_id for v in found] == ["P-1"]


def test_lymphodepletion_before_delivery(net):
    """Lymphodepletion on Tue 12-29 07:00Z, an hour before the 08:00Z delivery (and
    before TC-LON opens) is 'lymphodepletion' and 'treatment_closed'; starting at the
    delivery passes; with 24 h allowed before delivery, Thu 12-24 10:00Z (open, but
    118 h early) is still 'lymphodepletion'."""
    early = with_p1(lymphodepletion_start=utc("2026-12-29T07:00"))
    assert kinds(check(early, net, BOOK)) == ["lymphodepletion", "treatment_closed"]
    at_delivery = with_p1(
        lymphodepletion_start=utc("2026-12-29T08:00"), infusion_time=utc("2027-01-04T08:00")
    )
    assert check(at_delivery, net, BOOK) == []
    allowed = therapy_variant(net, lymphodepletion_before_delivery_h=24.0)
    before = with_p1(lymphodepletion_start=utc("2026-12-24T10:00"))
    assert kinds(check(before, allowed, BOOK)) == ["lymphodepletion"]


def test_infusion_prep(net):
    """An infusion Mon 2027-01-04 08:00Z after lymphodepletion on Thu 12-31 08:00Z
    (4 days) is 'infusion_prep' for 5 prep days; with 4 it passes."""
    short = with_p1(lymphodepletion_start=utc("2026-12-31T08:00"))
    assert kinds(check(short, net, BOOK)) == ["infusion_prep"]
    assert check(short, therapy_variant(net, infusion_prep_days=4), BOOK) == []


def test_infusion_on_a_closed_day(net):
    """An infusion on Sun 2027-01-03 (TC-LON Mo-Fr) is 'treatment_closed'."""
    found = check(
        with_p1(
            lymphodepletion_start=utc("2026-12-29T08:00"), infusion_time=utc("2027-01-03T08:00")
        ),
        net,
        BOOK,
    )
    assert kinds(found) == ["treatment_closed"]


def test_cost(net):
    """cost_eur 2000 for legs costing 2340 EUR is 'cost'; a cent off is fine."""
    assert kinds(check(with_p1(cost_eur=2000.0), net, BOOK)) == ["cost"]
    assert check(with_p1(cost_eur=2340.005), net, BOOK) == []


# --------------------------------------------------------------- rule 4: capacities


def test_manufacturing_capacity(net):
    """With one manufacturing slot, P-1 (12-08 .. 12-16) and the frozen P-2 (12-02 ..
    12-10) overlap on three dates: 'manufacturing_capacity' each, blaming P-1."""
    capacity = Capacity(
        weekly={**net.capacity.weekly, ("MFG-LEI", "manufacturing"): (1,) * 7},
        dated=net.capacity.dated,
    )
    found = check(VALID, replace(net, capacity=capacity), BOOK)
    assert kinds(found) == ["manufacturing_capacity"]
    assert len(found) == 3
    assert {v.order_id for v in found} == {"P-1"}
    first = found[0].message
    assert "MFG-LEI" in first and "2026-12-08" in first
    assert "2 batches" in first and "1 manufacturing slot" in first


def test_apheresis_capacity(net):
    """No apheresis slot at TC-LON on 2026-12-07 (a dated override) is
    'apheresis_capacity'."""
    capacity = Capacity(
        weekly=net.capacity.weekly,
        dated={**net.capacity.dated, ("TC-LON", "apheresis", datetime(2026, 12, 7).date()): 0},
    )
    found = check(VALID, replace(net, capacity=capacity), BOOK)
    assert kinds(found) == ["apheresis_capacity"]
    assert "TC-LON" in found[0].message and "2026-12-07" in found[0].message


def test_lane_capacity(net):
    """Two orders on the same 18:30Z flight that takes one shipper: 'lane_capacity'.
    P-5 is P-1's twin; TC-LON gets 2 apheresis slots and MFG-LEI 3 batches so only
    the flight is short."""
    lanes = tuple(
        replace(lane, capacity=1) if lane.lane_id == "AIR-LHR-AMS" else lane for lane in net.lanes
    )
    capacity = Capacity(
        weekly={
            **net.capacity.weekly,
            ("MFG-LEI", "manufacturing"): (3,) * 7,
            ("TC-LON", "apheresis"): (2,) * 7,
        },
        dated=net.capacity.dated,
    )
    variant = replace(net, lanes=lanes, capacity=capacity)
    twin = replace(BOOK.orders[0], order_id="P-5")
    book = OrderBook(orders=(*BOOK.orders, twin))
    plan = Plan(orders=(*VALID.orders, replace(P1, order_id="P-5")))
    assert check(VALID, variant, BOOK) == []
    found = check(plan, variant, book)
    assert kinds(found) == ["lane_capacity"]
    assert found[0].order_id == "P-5"
    assert "AIR-LHR-AMS" in found[0].message and "2026-12-07 18:30Z" in found[0].message


def test_every_own_kind_is_short_and_stable():
    """The checker's own kinds are short snake_case codes, listed once."""
    assert len(set(KINDS)) == len(KINDS)
    assert all(k.replace("_", "").isalpha() and k.islower() and len(k) <= 24 for k in KINDS)
