"""Vein-to-vein cold-chain logistics for cell and gene therapies across Europe.

The public API, in the order a nightly run uses it::

    import logistics as lg

    net = lg.read_network()                  # the embedded European bundle
    book = lg.read_orders(None, net)         # the example order book
    nightly = lg.plan(net, book, lg.SolveParams(time_limit_s=30, seed=0))
    print(nightly.result.summary())
    lg.write_plan(nightly, "plans/tonight", net)

Reading: :func:`read_network`, :func:`read_orders` (a path, a text stream or a pandas
DataFrame); a book built in code is checked against the network by
:func:`validate_orders` (which :func:`solve` calls). Bad input raises
:class:`InputError` listing every :class:`Issue`. Domain objects: :class:`Network`,
:class:`Order` (its :class:`OrderStatus`), :class:`OrderBook`, :class:`Plan`, :class:`PlannedOrder`,
:class:`Itinerary`, :class:`Leg`. Solving: :func:`solve` with :class:`SolveParams`
and an :class:`Engine` gives a :class:`SolveResult` (typed parts: :class:`Termination`,
:class:`ObjectiveBounds`, :class:`PlanKpis`, :class:`SolveStats`,
:class:`UnservedOrder`); :func:`plan` runs the whole nightly job (solve, Monte Carlo,
Plan B, independent check) and gives a :class:`NightlyPlan`. Auditing:
:func:`check` (independent of the solver), :func:`simulate` (Monte Carlo).
Files: :func:`write_plan`, :func:`read_plan`. Routing: :class:`Router`.
"""

from logistics.check import Violation, check
from logistics.errors import InputError, Issue, SolveError
from logistics.io import default_bundle, default_orders, read_network, read_orders
from logistics.io.nightly import write_plan
from logistics.io.order_checks import validate_orders
from logistics.io.plan import read_plan
from logistics.model.constants import OrderStatus, Temperature
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.model.plan import Plan, PlanKpis, PlannedOrder
from logistics.network.router import Router, earliest_arrival
from logistics.pipeline import NightlyPlan, plan
from logistics.risk import SimulationResult, simulate
from logistics.solve import (
    Engine,
    Limit,
    ObjectiveBounds,
    SolveParams,
    SolveResult,
    SolveStats,
    Status,
    Termination,
    TerminationReason,
    UnservedKind,
    UnservedOrder,
    Weights,
    load_params,
    solve,
)

__version__ = "0.1.0"

__all__ = [
    "Engine",
    "InputError",
    "Issue",
    "Itinerary",
    "Leg",
    "Limit",
    "Network",
    "NightlyPlan",
    "ObjectiveBounds",
    "Order",
    "OrderBook",
    "OrderStatus",
    "Plan",
    "PlanKpis",
    "PlannedOrder",
    "Router",
    "SimulationResult",
    "SolveError",
    "SolveParams",
    "SolveResult",
    "SolveStats",
    "Status",
    "Temperature",
    "Termination",
    "TerminationReason",
    "UnservedKind",
    "UnservedOrder",
    "Violation",
    "Weights",
    "__version__",
    "check",
    "default_bundle",
    "default_orders",
    "earliest_arrival",
    "load_params",
    "plan",
    "read_network",
    "read_orders",
    "read_plan",
    "simulate",
    "solve",
    "validate_orders",
    "write_plan",
]
