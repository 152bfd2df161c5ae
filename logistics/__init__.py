"""Vein-to-vein cold-chain logistics for cell and gene therapies across Europe."""

from logistics.errors import InputError, Issue, SolveError
from logistics.io import default_bundle, default_orders, read_network, read_orders
from logistics.model.itinerary import Itinerary, Leg
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.network.router import Router, earliest_arrival

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "Issue",
    "Itinerary",
    "Leg",
    "Network",
    "Order",
    "OrderBook",
    "Router",
    "SolveError",
    "__version__",
    "default_bundle",
    "default_orders",
    "earliest_arrival",
    "read_network",
    "read_orders",
]
