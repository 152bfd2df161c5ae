"""Independent feasibility check of a whole plan against the data contract.

Written from the contract alone, like :mod:`logistics.check.legs`: this module never
imports the routing engine (``logistics.network``) or the solver (``logistics.solve``).
Every rule is recomputed from the network, the order book and the plan, and every
violation is listed (the violation kind in brackets).

1. Coverage: exactly one planned order per order of the book [missing_order,
   extra_order, duplicate_order]; its therapy and treatment centre are the order's
   [order_fields]. Only the first planned order of an order id is checked further; an
   extra order (not in the book) is not checked further nor counted in capacities.
2. Status: a booked order (committed .. infused) is ``frozen`` at its committed site
   and apheresis time [commitment]; a cancelled order is ``unserved``, a new one
   ``scheduled`` or ``unserved`` [status]; an unserved order says why [no_reason].
3. Every served order (scheduled or frozen), whatever its status violation:
   - the book's therapy and centre exist [unknown_therapy, unknown_site], and so does
     the manufacturing site [unknown_site]; the plan's times are aware [naive_time];
   - licensing: the site is licensed for the therapy and one of the centre's markets
     (its customs territory unless territories.csv says otherwise) is one of the
     therapy's, and its country one of the therapy's ``countries`` when it names any
     [licence];
   - apheresis, scheduled orders only (frozen ones keep their booked time): the
     centre's ``apheresis_ready`` local time on some local date [apheresis_time],
     within the order's window [apheresis_window], while the centre is open
     [centre_closed];
   - inbound: an itinerary from the centre to the site, ready at apheresis, in the
     therapy's inbound class [itinerary_missing, itinerary_fields], whose legs pass
     :func:`~logistics.check.legs.check_legs` (their kinds carry through, labelled
     "inbound"); manufacturing starts once the material is handed over
     [before_arrival], within ``inbound_max_h`` of apheresis [inbound_window], while the
     site is open [site_closed];
   - manufacturing and release take at least their days [durations];
   - outbound likewise from the site, ready at release, in the outbound class; delivery
     is the last leg's handover [delivery], within ``outbound_max_h`` of release
     [outbound_window];
   - infusion: lymphodepletion starts no earlier than the delivery (less the therapy's
     ``lymphodepletion_before_delivery_h``) [lymphodepletion], at least
     ``infusion_prep_days`` x 24 h before the infusion [infusion_prep], both while the
     centre is open [treatment_closed];
   - ``cost_eur`` is the sum of the lanes' costs within 0.01 EUR [cost].
   A missing itinerary (None) stands for "no legs" when centre and site are the same
   place (a plan read back from files has no leg rows then).
4. Capacities over all served orders together: a batch holds one manufacturing slot on
   each of ``manufacturing_days`` local dates from the date of its start
   [manufacturing_capacity]; apheresis counts per centre and local date
   [apheresis_capacity]; shipments per lane departure within the lane's capacity
   [lane_capacity]. A capacity violation carries the first order that does not fit
   (frozen orders first, then plan order); its message names every order using it.

Times are compared with one second of tolerance (:data:`~logistics.check.legs.TOLERANCE`).

Rules 1 to 3 stay in this one module (over 450 lines) on purpose: they read top to
bottom in the order the contract states them, for one order at a time. Rule 4 is in
:mod:`logistics.check.capacity`, the time helpers in :mod:`logistics.check.times`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from logistics.check.capacity import capacity_violations
from logistics.check.legs import TOLERANCE, _utc, _when, check_legs
from logistics.check.times import (
    TOL_H,
    holiday_note,
    is_wall_time,
    same,
    span_h,
    stamp,
)
from logistics.check.violations import Violation
from logistics.model.itinerary import Itinerary
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.orders import Order
from logistics.model.plan import Plan, PlannedOrder
from logistics.model.sites import Site
from logistics.model.therapies import Therapy

__all__ = ["COST_TOLERANCE_EUR", "KINDS", "check"]

COST_TOLERANCE_EUR = 0.01
"""How far ``cost_eur`` may differ from the sum of the lanes' costs."""

KINDS = (
    "missing_order",
    "extra_order",
    "duplicate_order",
    "order_fields",
    "commitment",
    "status",
    "no_reason",
    "unknown_therapy",
    "unknown_site",
    "naive_time",
    "licence",
    "apheresis_time",
    "apheresis_window",
    "centre_closed",
    "itinerary_missing",
    "itinerary_fields",
    "before_arrival",
    "inbound_window",
    "site_closed",
    "durations",
    "delivery",
    "outbound_window",
    "lymphodepletion",
    "infusion_prep",
    "treatment_closed",
    "cost",
    "manufacturing_capacity",
    "apheresis_capacity",
    "lane_capacity",
)
"""The kinds this module reports itself; leg kinds of :mod:`logistics.check.legs`
(``lead_time``, ``too_fast``, ...) carry through as they are."""

_SCHEDULE = (
    "apheresis_time",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
    "lymphodepletion_start",
    "infusion_time",
)


def check(
    plan: Plan,
    network: Network,
    orders: Iterable[Order],
    quantile: float | None = None,
) -> list[Violation]:
    """Every violated rule of ``plan`` for the order book ``orders`` (an
    :class:`~logistics.model.orders.OrderBook` or any iterable of orders) on
    ``network``; an empty list when the plan is feasible.

    ``quantile`` is the planning quantile of lane durations and customs clearance the
    plan was made with (None: nominal times).
    """
    if quantile is not None and not 0 < quantile < 1:
        raise ValueError(f"a planning quantile lies strictly between 0 and 1, got {quantile}")
    book = list(orders)
    return _PlanCheck(network, quantile).run(plan, book)


class _PlanCheck:
    """One run of the checker: the network's indexes and the violations found."""

    def __init__(self, network: Network, quantile: float | None) -> None:
        self.network = network
        self.quantile = quantile
        self.lanes: Mapping[str, Lane] = network.lane_by_id
        self.found: list[Violation] = []

    def add(self, kind: str, order_id: str | None, where: str, message: str) -> None:
        self.found.append(Violation(kind, message, order_id, where))

    # ------------------------------------------------------------------- the run

    def run(self, plan: Plan, book: list[Order]) -> list[Violation]:
        pairs = self._coverage(plan, book)
        served: list[tuple[PlannedOrder, Order]] = []
        for planned, order in pairs:
            self._status(planned, order)
            if planned.served and self._served(planned, order):
                served.append((planned, order))
        self.found += capacity_violations(self.network, served)
        return self.found

    # ------------------------------------------------------------- rule 1: coverage

    def _coverage(self, plan: Plan, book: list[Order]) -> list[tuple[PlannedOrder, Order]]:
        """(planned, order) for the first planned order of each order of the book."""
        by_id = {o.order_id: o for o in book}
        seen: dict[str, PlannedOrder] = {}
        pairs = []
        for planned in plan.orders:
            oid = planned.order_id
            order = by_id.get(oid)
            if order is None:
                self.add(
                    "extra_order",
                    oid,
                    "plan",
                    f"the plan has order {oid} ({planned.status}), which is not in the order book",
                )
                continue
            if oid in seen:
                self.add(
                    "duplicate_order",
                    oid,
                    "plan",
                    f"order {oid} is planned more than once ({seen[oid].status} and "
                    f"{planned.status}); only the first is checked",
                )
                continue
            seen[oid] = planned
            pairs.append((planned, order))
            for field, want, got in (
                ("therapy", order.therapy, planned.therapy),
                ("treatment_centre", order.treatment_centre, planned.treatment_centre),
            ):
                if want != got:
                    self.add(
                        "order_fields",
                        oid,
                        "plan",
                        f"{field} is {got!r} in the plan, but {want!r} in the order book",
                    )
        for order in book:
            if order.order_id not in seen:
                self.add(
                    "missing_order",
                    order.order_id,
                    "plan",
                    f"order {order.order_id} ({order.status}, {order.therapy} at "
                    f"{order.treatment_centre}) is not in the plan: every order needs a "
                    "row, scheduled, frozen or unserved with a reason",
                )
        return pairs

    # --------------------------------------------------------------- rule 2: status

    def _status(self, planned: PlannedOrder, order: Order) -> None:
        oid = order.order_id
        if order.booked:
            if planned.status != "frozen":
                self.add(
                    "commitment",
                    oid,
                    "status",
                    f"the order is {order.status} (booked at {order.committed_site}, "
                    f"apheresis {stamp(order.committed_apheresis)}), so it must be kept "
                    f"frozen as booked, but the plan has it {planned.status}",
                )
            else:
                if planned.manufacturing_site != order.committed_site:
                    self.add(
                        "commitment",
                        oid,
                        "status",
                        f"manufactured at {planned.manufacturing_site}, but the order is "
                        f"booked at {order.committed_site}",
                    )
                if not same(planned.apheresis_time, order.committed_apheresis):
                    self.add(
                        "commitment",
                        oid,
                        "status",
                        f"apheresis at {stamp(planned.apheresis_time)}, but the order is "
                        f"booked for {stamp(order.committed_apheresis)}",
                    )
        elif order.status == "cancelled":
            if planned.status != "unserved":
                self.add(
                    "status",
                    oid,
                    "status",
                    f"the order is cancelled, but the plan has it {planned.status} "
                    "(a cancelled order is left unserved)",
                )
        elif planned.status not in ("scheduled", "unserved"):
            self.add(
                "status",
                oid,
                "status",
                f"the order is {order.status}, so it is scheduled or unserved, but the "
                f"plan has it {planned.status} (only booked orders are frozen)",
            )
        if not planned.served and not planned.reason.strip():
            self.add(
                "no_reason",
                oid,
                "status",
                "the order is unserved without a reason: the planner needs to know why",
            )

    # --------------------------------------------------------- rule 3: one order

    def _served(self, p: PlannedOrder, order: Order) -> bool:
        """Rule 3 on one served order; True when it is sound enough to count in the
        capacities (aware times)."""
        oid = order.order_id
        naive = [name for name in _SCHEDULE if getattr(p, name).tzinfo is None]
        if naive:
            self.add(
                "naive_time",
                oid,
                "schedule",
                f"{', '.join(naive)} without a time zone (times are UTC): not checked further",
            )
            return False
        network = self.network
        therapy = network.therapies.get(order.therapy)
        if therapy is None:
            self.add(
                "unknown_therapy", oid, "order", f"therapy {order.therapy} is not in the network"
            )
        centre = network.sites.get(order.treatment_centre)
        if centre is None:
            self.add(
                "unknown_site",
                oid,
                "order",
                f"treatment centre {order.treatment_centre} is not in the network",
            )
        site_id = p.manufacturing_site
        assert site_id is not None  # a served PlannedOrder has its schedule
        site = network.sites.get(site_id)
        if site is None:
            self.add("unknown_site", oid, "manufacturing", f"site {site_id} is not in the network")

        if therapy is not None:
            self._licence(p, therapy, centre)
        if p.status == "scheduled" and centre is not None:
            self._apheresis(p, order, centre)
        if therapy is not None:
            self._inbound(p, order, therapy, site)
            self._manufacturing(p, therapy)
            self._outbound(p, order, therapy)
            if centre is not None:
                self._infusion(p, therapy, centre)
        self._cost(p, order)
        return True

    def _licence(self, p: PlannedOrder, therapy: Therapy, centre: Site | None) -> None:
        oid = p.order_id
        if p.manufacturing_site not in therapy.sites:
            self.add(
                "licence",
                oid,
                "manufacturing",
                f"{therapy.therapy_id} is not licensed for manufacture at "
                f"{p.manufacturing_site} (licensed: {', '.join(therapy.sites)})",
            )
        if centre is not None and not centre.markets & set(therapy.markets):
            self.add(
                "licence",
                oid,
                "treatment centre",
                f"{therapy.therapy_id} may not be infused in "
                f"{', '.join(sorted(centre.markets))}, where {centre.site_id} lies "
                f"(markets: {', '.join(therapy.markets)})",
            )
        if centre is not None and not therapy.allows_country(centre.country):
            self.add(
                "licence",
                oid,
                "treatment centre",
                f"{therapy.therapy_id} may be supplied only to centres in "
                f"{', '.join(therapy.countries)}, and {centre.site_id} is in {centre.country}",
            )

    def _apheresis(self, p: PlannedOrder, order: Order, centre: Site) -> None:
        oid = p.order_id
        t = p.apheresis_time
        assert t is not None
        ready = centre.apheresis_ready_min
        if not is_wall_time(t, ready, centre.timezone):
            self.add(
                "apheresis_time",
                oid,
                "apheresis",
                f"apheresis at {_when(t, centre)}, but material at {centre.site_id} is "
                f"ready at {ready // 60:02d}:{ready % 60:02d} local time",
            )
        if t < order.apheresis_earliest - TOLERANCE or t > order.apheresis_latest + TOLERANCE:
            self.add(
                "apheresis_window",
                oid,
                "apheresis",
                f"apheresis at {_utc(t)}, outside the order's window "
                f"{_utc(order.apheresis_earliest)} .. {_utc(order.apheresis_latest)}",
            )
        if not centre.calendar.is_open(t):
            self.add(
                "centre_closed",
                oid,
                "apheresis",
                f"apheresis at {_when(t, centre)}, when {centre.site_id} is closed "
                f"(opening hours {centre.calendar.opening_hours}"
                f"{holiday_note(centre, t)})",
            )

    def _itinerary(
        self,
        p: PlannedOrder,
        direction: str,
        itinerary: Itinerary | None,
        origin: str,
        destination: str,
        ready: datetime,
        temperature: str,
    ) -> datetime | None:
        """Header and legs of one itinerary; the handover at its destination, or None
        when there is no itinerary to get there."""
        oid = p.order_id
        where = f"{direction} itinerary"
        if itinerary is None:
            if origin != destination:
                self.add(
                    "itinerary_missing",
                    oid,
                    where,
                    f"no {direction} itinerary, but the material must go from {origin} "
                    f"to {destination}",
                )
                return None
            return ready
        for field, want, got in (
            ("origin", origin, itinerary.origin),
            ("destination", destination, itinerary.destination),
            ("temperature", temperature, itinerary.temperature),
        ):
            if want != got:
                self.add("itinerary_fields", oid, where, f"{field} is {got}, but should be {want}")
        if not same(itinerary.ready, ready):
            self.add(
                "itinerary_fields",
                oid,
                where,
                f"ready at {stamp(itinerary.ready)}, but the material is ready at {_utc(ready)}",
            )
        self.found.extend(
            check_legs(
                self.network,
                itinerary.legs,
                origin=origin,
                destination=destination,
                ready=ready,
                temperature=temperature,
                quantile=self.quantile,
                order_id=oid,
                direction=direction,
            )
        )
        if not itinerary.legs:
            return ready
        last = itinerary.legs[-1].arrive
        return last if last.tzinfo is not None else None

    def _inbound(
        self,
        p: PlannedOrder,
        order: Order,
        therapy: Therapy,
        site: Site | None,
    ) -> None:
        oid = p.order_id
        apheresis, start = p.apheresis_time, p.manufacturing_start
        assert apheresis is not None and start is not None and p.manufacturing_site
        arrival = self._itinerary(
            p,
            "inbound",
            p.inbound,
            order.treatment_centre,
            p.manufacturing_site,
            apheresis,
            therapy.inbound_temperature,
        )
        if arrival is not None and start < arrival - TOLERANCE:
            self.add(
                "before_arrival",
                oid,
                "manufacturing",
                f"manufacturing starts {stamp(start)}, before the material is handed over "
                f"at {p.manufacturing_site} at {_utc(arrival)}",
            )
        hours = span_h(start - apheresis)
        if hours > therapy.inbound_max_h + TOL_H:
            self.add(
                "inbound_window",
                oid,
                "manufacturing",
                f"manufacturing starts {hours:.2f} h after apheresis ({_utc(apheresis)} -> "
                f"{_utc(start)}), over the {therapy.inbound_max_h:g} h the fresh material "
                f"of {therapy.therapy_id} stays viable",
            )
        if site is not None and not site.calendar.is_open(start):
            self.add(
                "site_closed",
                oid,
                "manufacturing",
                f"manufacturing starts {_when(start, site)}, when {site.site_id} is closed "
                f"(opening hours {site.calendar.opening_hours}{holiday_note(site, start)})",
            )

    def _manufacturing(self, p: PlannedOrder, therapy: Therapy) -> None:
        oid = p.order_id
        start, end, release = p.manufacturing_start, p.manufacturing_end, p.release_time
        assert start is not None and end is not None and release is not None
        made = start + timedelta(days=therapy.manufacturing_days)
        if end < made - TOLERANCE:
            self.add(
                "durations",
                oid,
                "manufacturing",
                f"manufacturing ends {_utc(end)}, but {therapy.manufacturing_days} days "
                f"from its start {_utc(start)} it cannot end before {_utc(made)}",
            )
        released = end + timedelta(days=therapy.release_days)
        if release < released - TOLERANCE:
            self.add(
                "durations",
                oid,
                "release",
                f"released {_utc(release)}, but QC and QP release take "
                f"{therapy.release_days} days after manufacturing ends {_utc(end)}: "
                f"not before {_utc(released)}",
            )

    def _outbound(self, p: PlannedOrder, order: Order, therapy: Therapy) -> None:
        oid = p.order_id
        release, delivery = p.release_time, p.delivery_time
        assert release is not None and delivery is not None and p.manufacturing_site
        arrival = self._itinerary(
            p,
            "outbound",
            p.outbound,
            p.manufacturing_site,
            order.treatment_centre,
            release,
            therapy.outbound_temperature,
        )
        if arrival is not None and not same(delivery, arrival):
            self.add(
                "delivery",
                oid,
                "delivery",
                f"delivery_time is {_utc(delivery)}, but the outbound itinerary hands the "
                f"therapy over at {order.treatment_centre} at {_utc(arrival)}",
            )
        hours = span_h(delivery - release)
        if hours > therapy.outbound_max_h + TOL_H:
            self.add(
                "outbound_window",
                oid,
                "delivery",
                f"delivered {hours:.2f} h after release ({_utc(release)} -> "
                f"{_utc(delivery)}), over the {therapy.outbound_max_h:g} h hold time of "
                f"the {therapy.outbound_temperature} shipper",
            )

    def _infusion(self, p: PlannedOrder, therapy: Therapy, centre: Site) -> None:
        oid = p.order_id
        delivery, treat, infuse = p.delivery_time, p.lymphodepletion_start, p.infusion_time
        assert delivery is not None and treat is not None and infuse is not None
        early = timedelta(hours=therapy.lymphodepletion_before_delivery_h)
        if treat < delivery - early - TOLERANCE:
            allowed = f"{therapy.lymphodepletion_before_delivery_h:g} h before it" if early else ""
            self.add(
                "lymphodepletion",
                oid,
                "infusion",
                f"lymphodepletion starts at {_utc(treat)}, before the product is delivered "
                f"({_utc(delivery)}{', ' + allowed if allowed else ''})",
            )
        gap = span_h(infuse - treat)
        if gap < 24 * therapy.infusion_prep_days - TOL_H:
            self.add(
                "infusion_prep",
                oid,
                "infusion",
                f"infusion at {_utc(infuse)} only {gap:.2f} h after lymphodepletion starts "
                f"({_utc(treat)}); {therapy.therapy_id} needs "
                f"{therapy.infusion_prep_days} days",
            )
        for what, t in (("lymphodepletion starts", treat), ("infusion", infuse)):
            if not centre.calendar.is_open(t):
                self.add(
                    "treatment_closed",
                    oid,
                    "infusion",
                    f"{what} at {_when(t, centre)}, when {centre.site_id} is closed "
                    f"(opening hours {centre.calendar.opening_hours}"
                    f"{holiday_note(centre, t)})",
                )

    def _cost(self, p: PlannedOrder, order: Order) -> None:
        total = 0.0
        for itinerary in (p.inbound, p.outbound):
            for leg in itinerary.legs if itinerary is not None else ():
                lane = self.lanes.get(leg.lane_id)
                if lane is not None:  # an unknown lane is reported by the leg check
                    total += lane.cost_eur
        if abs(p.cost_eur - total) > COST_TOLERANCE_EUR:
            self.add(
                "cost",
                order.order_id,
                "cost",
                f"cost_eur is {p.cost_eur:.2f}, but the lanes of its legs cost {total:.2f} EUR",
            )
