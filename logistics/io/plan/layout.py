"""The plan folder's layout: file names and columns (see the data contract, "Plan
outputs")."""

from __future__ import annotations

from logistics.io.legs import LEG_COLUMNS
from logistics.model.plan import ORDER_COLUMNS

__all__ = [
    "DIRECTIONS",
    "LEGS_FILE",
    "ORDERS_FILE",
    "ORDER_COLUMNS",
    "PLAN_LEG_COLUMNS",
    "ROUTES_FILE",
    "SCHEDULE_COLUMNS",
    "SUMMARY_FILE",
]

ORDERS_FILE = "orders.csv"
LEGS_FILE = "legs.csv"
SUMMARY_FILE = "summary.json"
ROUTES_FILE = "routes.geojson"

PLAN_LEG_COLUMNS = ("order_id", "direction", *LEG_COLUMNS, "cost_eur", "wait_h")
DIRECTIONS = ("inbound", "outbound")

# Columns of a served order's schedule: filled unless the order is unserved.
SCHEDULE_COLUMNS = (
    "apheresis_time",
    "manufacturing_site",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
    "lymphodepletion_start",
    "infusion_time",
)
