"""The data contract lives here: reading, validating and writing files."""

from logistics.io.bundle import default_bundle, read_network
from logistics.io.orders import default_orders, read_orders

__all__ = ["default_bundle", "default_orders", "read_network", "read_orders"]
