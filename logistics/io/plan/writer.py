"""Writing a solve's plan folder: orders.csv, legs.csv, summary.json, routes.geojson
(and manifest.json, through :func:`logistics.io.folders.output_folder`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from logistics.io.folders import output_folder
from logistics.io.legs import leg_rows
from logistics.io.plan.cells import hours_text, hours_up_text, money_text, time_text
from logistics.io.plan.layout import (
    LEGS_FILE,
    ORDER_COLUMNS,
    ORDERS_FILE,
    PLAN_LEG_COLUMNS,
    ROUTES_FILE,
    SUMMARY_FILE,
)
from logistics.model.network import Network
from logistics.model.plan import PlannedOrder

if TYPE_CHECKING:  # the solver package (OR-Tools) is not needed to write or read a plan
    from logistics.solve.result import SolveResult


def write_plan(
    result: SolveResult,
    out_dir: str | Path,
    network: Network,
    *,
    inputs: Iterable[str | Path | None] = (),
) -> Path:
    """Write the plan folder of ``result`` to ``out_dir`` and return the folder.

    The folder is staged beside ``out_dir`` and put in place complete, with its
    manifest.json (:func:`logistics.io.folders.output_folder`); an earlier output
    folder there is replaced whole. ``out_dir`` is refused (InputError) when it holds
    or would replace an input: the bundle and order book the solve recorded, or any
    of ``inputs``. See :func:`write_plan_files` for the files.
    """
    recorded = (result.params.get("network"), result.params.get("orders"))
    with output_folder(out_dir, inputs=(*recorded, *inputs)) as folder:
        write_plan_files(result, folder, network)
    return Path(out_dir)


def write_plan_files(result: SolveResult, folder: Path, network: Network) -> None:
    """Write orders.csv, legs.csv, summary.json and routes.geojson of ``result`` into
    the existing ``folder`` (no manifest: see :func:`write_plan`).

    Without a plan (``result.plan is None``) orders.csv and legs.csv hold only their
    headers, summary.json is written and there is no routes.geojson. ``network`` is
    the network the plan was made on (the map's coordinates).
    """
    plan = result.plan
    orders = plan.orders if plan is not None else ()
    _write_csv(folder / ORDERS_FILE, ORDER_COLUMNS, (_order_row(o) for o in orders))
    _write_csv(folder / LEGS_FILE, PLAN_LEG_COLUMNS, _leg_rows(orders))
    (folder / SUMMARY_FILE).write_text(result.to_json() + "\n", encoding="utf-8")
    if plan is not None:
        from logistics.io.geojson import write_routes  # geopandas only when writing

        write_routes(plan, network, folder / ROUTES_FILE)


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Mapping[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _order_row(o: PlannedOrder) -> dict[str, str]:
    """The order's cells of orders.csv, from its typed record."""
    r = o.record()
    v2v, p_breach, to_delivery = r["v2v_h"], r["p_breach"], r["apheresis_to_delivery_h"]
    return {
        **{c: time_text(r[c]) for c in _TIME_COLUMNS},
        "order_id": r["order_id"],
        "therapy": r["therapy"],
        "treatment_centre": r["treatment_centre"],
        "status": r["status"],
        "manufacturing_site": r["manufacturing_site"] or "",
        "v2v_h": "" if v2v is None else f"{v2v:.2f}",
        "apheresis_to_delivery_h": "" if to_delivery is None else f"{to_delivery:.2f}",
        "cost_eur": money_text(r["cost_eur"]),
        "p_breach": "" if p_breach is None else f"{p_breach:.4f}",
        "reason": r["reason"],
    }


_TIME_COLUMNS = (
    "apheresis_time",
    "manufacturing_start",
    "manufacturing_end",
    "release_time",
    "delivery_time",
    "lymphodepletion_start",
    "infusion_time",
)


def _leg_rows(orders: Iterable[PlannedOrder]) -> Iterable[dict[str, str]]:
    for o in orders:
        for direction, itinerary in (("inbound", o.inbound), ("outbound", o.outbound)):
            if itinerary is None:
                continue
            for leg, common in zip(itinerary.legs, leg_rows(itinerary), strict=True):
                yield {
                    "order_id": o.order_id,
                    "direction": direction,
                    **common,
                    "customs_h": hours_up_text(leg.customs_h),
                    "cost_eur": money_text(leg.cost_eur),
                    "wait_h": hours_text(leg.wait_open_h),
                }
