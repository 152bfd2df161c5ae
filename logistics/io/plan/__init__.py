"""Plan outputs: writing a solve's plan folder and reading it back.

A plan folder holds ``orders.csv``, ``legs.csv``, ``summary.json``,
``routes.geojson`` and ``manifest.json`` (see docs/data-contract.md, "Plan outputs");
it is written complete or not at all, and read only when it matches its manifest.
Times are UTC with a ``Z`` to the second. Euros are rounded to the cent and leg hours
to 0.01 (``customs_h`` up, so it never understates the clearance); so
``read_plan(write_plan(...))`` gives the written plan with those numbers rounded,
exactly when its times are whole seconds and ``p_breach`` has at most 4 decimals.
``v2v_h`` (apheresis to infusion) and ``apheresis_to_delivery_h`` are derived from
the times and not read back.

Modules: ``layout`` (file names, columns), ``cells`` (cell text both ways),
``writer``, ``reader``.
"""

from logistics.io.plan.cells import exact_text, hours_text, hours_up_text, json_safe, money_text
from logistics.io.plan.layout import (
    LEGS_FILE,
    ORDER_COLUMNS,
    ORDERS_FILE,
    PLAN_LEG_COLUMNS,
    ROUTES_FILE,
    SUMMARY_FILE,
)
from logistics.io.plan.reader import read_plan
from logistics.io.plan.writer import write_plan, write_plan_files

__all__ = [
    "LEGS_FILE",
    "ORDERS_FILE",
    "ORDER_COLUMNS",
    "PLAN_LEG_COLUMNS",
    "ROUTES_FILE",
    "SUMMARY_FILE",
    "exact_text",
    "hours_text",
    "hours_up_text",
    "json_safe",
    "money_text",
    "read_plan",
    "write_plan",
    "write_plan_files",
]
